namespace WorkQueues.Tasks.Tests;

public class TaskControlsTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static TaskControls Parsed(string? delay = null, string? notBefore = null, string? timeout = null)
    {
        Assert.True(TaskControls.TryParse(delay, notBefore, timeout, Now, out var controls, out var error), error);
        return controls;
    }

    private static string Refused(string? delay = null, string? notBefore = null, string? timeout = null)
    {
        Assert.False(TaskControls.TryParse(delay, notBefore, timeout, Now, out _, out var error));
        return error;
    }

    [Fact]
    public void Nothing_asked_is_the_plain_task() => Assert.Equal(TaskControls.None, Parsed());

    [Fact]
    public void A_delay_is_due_that_many_whole_seconds_from_now_rounded_up()
    {
        Assert.Equal((Now.AddSeconds(5), 5L), (Parsed("5").DueAt, Parsed("5").DelaySeconds));
        Assert.Equal(3L, Parsed("2.2").DelaySeconds);
        Assert.Equal(604_800L, Parsed("604800").DelaySeconds);
    }

    [Fact]
    public void A_time_is_due_at_that_time_or_within_the_second_after()
    {
        Assert.Equal((Now.AddSeconds(60), 60L), (Parsed(notBefore: "2030-01-01T12:01:00Z").DueAt, Parsed(notBefore: "2030-01-01T12:01:00Z").DelaySeconds));
        Assert.Equal(60L, Parsed(notBefore: "2030-01-01T13:01:00+01:00").DelaySeconds);
        Assert.Equal(1L, Parsed(notBefore: "2030-01-01T12:00:00.250Z").DelaySeconds);
    }

    [Fact]
    public void A_time_limit_is_kept_as_given()
    {
        Assert.Equal(TimeSpan.FromSeconds(2), Parsed(timeout: "2").Timeout);
        Assert.False(Parsed(timeout: "2").IsScheduled);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0.5")]
    [InlineData("-3")]
    [InlineData("604801")]
    public void A_delay_outside_one_second_to_seven_days_is_refused(string delay) => Assert.Contains("between 1 and 604800", Refused(delay));

    [Theory]
    [InlineData("soon")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("")]
    public void A_malformed_delay_is_refused(string delay) => Assert.Contains("not a number", Refused(delay));

    [Theory]
    [InlineData("2030-01-01T12:01:00")]
    [InlineData("tomorrow")]
    [InlineData("2030-01-01")]
    [InlineData("01/01/2030 12:01:00 +00:00")]
    public void A_time_that_is_not_RFC_3339_with_an_offset_is_refused(string time) => Assert.Contains("not an RFC 3339 time", Refused(notBefore: time));

    [Fact]
    public void A_time_in_the_past_or_beyond_seven_days_is_refused()
    {
        Assert.Contains("in the past", Refused(notBefore: "2030-01-01T11:59:59Z"));
        Assert.Contains("in the past", Refused(notBefore: "2030-01-01T12:00:00Z"));
        Assert.Contains("more than 7 days", Refused(notBefore: "2030-01-08T12:00:01Z"));
    }

    [Fact]
    public void A_delay_and_a_time_together_are_refused() => Assert.Contains("not both", Refused("5", "2030-01-01T12:01:00Z"));

    [Theory]
    [InlineData("0")]
    [InlineData("86401")]
    [InlineData("long")]
    public void A_time_limit_outside_one_second_to_a_day_or_malformed_is_refused(string timeout) => Assert.StartsWith("timeout", Refused(timeout: timeout));
}
