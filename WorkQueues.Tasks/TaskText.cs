using System.Text;

namespace WorkQueues.Tasks;

/// <summary>A task as the tutorial defines it: a UTF-8 string in which each dot is one second of work.</summary>
public readonly record struct TaskText(string Text, int Dots)
{
    // Throws on invalid bytes instead of silently substituting U+FFFD.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Counts the dots: the seconds of simulated work the task asks for.</summary>
    public static int CountDots(ReadOnlySpan<char> text) => text.Count('.');

    /// <summary>Checks raw bytes against the task rules and decodes them.</summary>
    public static TaskValidation Validate(ReadOnlySpan<byte> body, TaskOptions limits)
    {
        if (body.IsEmpty)
        {
            return TaskValidation.Invalid("The task is empty: send the task text as the request body.");
        }

        if (body.Length > limits.MaxBytes)
        {
            return TaskValidation.Invalid($"The task is {body.Length} bytes; the most a task may have is {limits.MaxBytes} bytes.");
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException ex)
        {
            return TaskValidation.Invalid($"The task is not valid UTF-8 (bad byte at offset {ex.Index}).");
        }

        return Validate(text, limits, checkSize: false);
    }

    /// <summary>Checks a string against the task rules.</summary>
    public static TaskValidation Validate(string? text, TaskOptions limits) => Validate(text, limits, checkSize: true);

    private static TaskValidation Validate(string? text, TaskOptions limits, bool checkSize)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return TaskValidation.Invalid("The task is empty or only white space.");
        }

        if (checkSize)
        {
            int bytes;
            try
            {
                bytes = StrictUtf8.GetByteCount(text);
            }
            catch (EncoderFallbackException)
            {
                return TaskValidation.Invalid("The task is not valid Unicode: it holds a lone surrogate, which UTF-8 cannot carry.");
            }

            if (bytes > limits.MaxBytes)
            {
                return TaskValidation.Invalid($"The task is {bytes} bytes; the most a task may have is {limits.MaxBytes} bytes.");
            }
        }

        var dots = CountDots(text);
        if (dots > limits.MaxSeconds)
        {
            return TaskValidation.Invalid($"The task has {dots} dots (seconds of work); the most allowed is {limits.MaxSeconds} (Tasks:MaxSeconds).");
        }

        return TaskValidation.Valid(new TaskText(text, dots));
    }

    /// <summary>Decodes a message body that must be strict UTF-8; false for anything else.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> body, out string text)
    {
        try
        {
            text = StrictUtf8.GetString(body);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = string.Empty;
            return false;
        }
    }

    public static byte[] Encode(string text) => StrictUtf8.GetBytes(text);

    /// <summary>The task as logs and the status view show it: at most 200 characters, then an ellipsis.</summary>
    public static string Shorten(string text) =>
        text.Length > ShownLength ? string.Concat(text.AsSpan(0, ShownLength), "…") : text;

    private const int ShownLength = 200;
}
