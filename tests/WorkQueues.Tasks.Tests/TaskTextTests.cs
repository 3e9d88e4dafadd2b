using System.Text;

namespace WorkQueues.Tasks.Tests;

public class TaskTextTests
{
    private static readonly TaskOptions Limits = new() { MaxBytes = 64, MaxSeconds = 5 };

    [Theory]
    [InlineData("Hello World!", 0)]
    [InlineData("First message.", 1)]
    [InlineData("Fifth message.....", 5)]
    [InlineData("...", 3)]
    [InlineData("a.b.c", 2)]
    public void Each_dot_is_one_second_of_work(string text, int dots) =>
        Assert.Equal(dots, TaskText.CountDots(text));

    [Fact]
    public void A_valid_body_is_decoded_with_its_dots()
    {
        var validation = TaskText.Validate(Encoding.UTF8.GetBytes("Third message..."), Limits);

        Assert.True(validation.IsValid);
        Assert.Equal(new TaskText("Third message...", 3), validation.Task);
    }

    [Fact]
    public void Non_ascii_text_is_a_valid_task()
    {
        var validation = TaskText.Validate(Encoding.UTF8.GetBytes("Grüße, 世界."), Limits);

        Assert.True(validation.IsValid);
        Assert.Equal(1, validation.Task!.Value.Dots);
    }

    [Theory]
    [InlineData(new byte[0], "empty")]
    [InlineData(new byte[] { 0x20, 0x0a, 0x09 }, "empty")]
    [InlineData(new byte[] { 0x61, 0xff, 0x62 }, "not valid UTF-8")]
    [InlineData(new byte[] { 0xc3 }, "not valid UTF-8")]
    [InlineData(new byte[] { 0xed, 0xa0, 0x80 }, "not valid UTF-8")]
    public void Bad_bodies_are_refused_with_the_reason(byte[] body, string reason)
    {
        var validation = TaskText.Validate(body, Limits);

        Assert.False(validation.IsValid);
        Assert.Contains(reason, validation.Error);
    }

    [Fact]
    public void A_body_over_the_limit_is_refused()
    {
        var validation = TaskText.Validate(new byte[65].AsSpan(), Limits);

        Assert.False(validation.IsValid);
        Assert.Contains("65 bytes", validation.Error);
    }

    [Fact]
    public void More_dots_than_MaxSeconds_are_refused()
    {
        Assert.True(TaskText.Validate(".....", Limits).IsValid);

        var validation = TaskText.Validate("......", Limits);

        Assert.False(validation.IsValid);
        Assert.Contains("6 dots", validation.Error);
        Assert.Contains("Tasks:MaxSeconds", validation.Error);
    }

    [Fact]
    public void A_string_with_a_lone_surrogate_is_refused()
    {
        var validation = TaskText.Validate("bad \ud800 half", Limits);

        Assert.False(validation.IsValid);
        Assert.Contains("Unicode", validation.Error);
    }

    [Fact]
    public void Decoding_refuses_invalid_utf8_instead_of_replacing_it()
    {
        Assert.False(TaskText.TryDecode([0x61, 0xfe], out _));
        Assert.True(TaskText.TryDecode("Hello World!"u8, out var text));
        Assert.Equal("Hello World!", text);
    }
}
