using WorkQueues.Producer.CommandLine;

namespace WorkQueues.Producer.Tests.CommandLine;

public class SendCommandTests
{
    [Fact]
    public void Words_are_joined_into_one_task_like_new_task_py()
    {
        Assert.True(SendCommand.TryParse(["First", "message."], out var command));

        Assert.Equal("First message.", command.Task);
        Assert.Null(command.Broker);
    }

    [Fact]
    public void The_broker_option_names_the_broker_and_the_task_defaults_to_hello_world()
    {
        Assert.True(SendCommand.TryParse(["--broker", "amqp://u:p@localhost:5672"], out var command));

        Assert.Equal(SendCommand.DefaultTask, command.Task);
        Assert.Equal("amqp://u:p@localhost:5672", command.Broker);
    }

    [Fact]
    public void The_broker_option_may_stand_after_the_words()
    {
        Assert.True(SendCommand.TryParse(["A", "task..", "--broker", "amqp://h"], out var command));

        Assert.Equal("A task..", command.Task);
        Assert.Equal("amqp://h", command.Broker);
    }

    [Theory]
    [InlineData("")]
    [InlineData("--urls http://localhost:5000")]
    [InlineData("--environment Production")]
    public void No_words_or_host_options_start_the_web_server(string commandLine) =>
        Assert.False(SendCommand.TryParse(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries), out _));

    [Fact]
    public void Schedule_and_time_limit_options_may_stand_anywhere_and_start_command_line_mode()
    {
        Assert.True(SendCommand.TryParse(["--delay", "5", "A", "task..", "--timeout", "2"], out var command));

        Assert.Equal(("A task..", "5", null, "2"), (command.Task, command.Delay, command.NotBefore, command.Timeout));
        Assert.True(SendCommand.TryParse(["--not-before", "2030-01-01T00:00:00Z"], out var scheduled));
        Assert.Equal((SendCommand.DefaultTask, "2030-01-01T00:00:00Z"), (scheduled.Task, scheduled.NotBefore));
    }
}
