using System.Collections.Concurrent;

namespace WorkQueues.Worker.Tests;

/// <summary>Keeps every report, on the reporting thread (Progress&lt;T&gt; would post them elsewhere).</summary>
public sealed class RecordingProgress : IProgress<double>
{
    private readonly ConcurrentQueue<double> _values = new();

    public IReadOnlyList<double> Values => [.. _values];

    public void Report(double value) => _values.Enqueue(value);
}
