using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace WorkQueues.Benchmark;

/// <summary>What one run measured: figures, and the targets as ratios of figures from the same run.</summary>
public sealed class BenchReport(BenchSettings settings, MachineInfo machine)
{
    private readonly List<Figure> _figures = [];
    private readonly List<TargetCheck> _targets = [];

    public Figure Add(string name, double value, string unit) => Add(name, Spread.Once(value), unit);

    /// <summary>A figure measured in every round: its median is the value, its lowest and highest are shown beside it.</summary>
    public Figure Add(string name, Spread spread, string unit)
    {
        var figure = new Figure(name, spread.Median, unit, spread.Min, spread.Max);
        _figures.Add(figure);
        return figure;
    }

    /// <summary>A target on a ratio measured in every round; met when its median meets it.</summary>
    public void AtLeast(string name, Spread ratio, double target, string of) => _targets.Add(new TargetCheck(name, ratio.Median, ratio.Min, ratio.Max, ">=", target, of));

    /// <summary>A target on the ratio of two figures of this run; skipped when a part of the run was left out.</summary>
    public void AtMost(string name, Figure? measured, Figure? baseline, double ratio)
    {
        if (measured is not null && baseline is not null)
        {
            var value = measured.Value / baseline.Value;
            _targets.Add(new TargetCheck(name, value, value, value, "<=", ratio, $"{measured.Name} / {baseline.Name}"));
        }
    }

    /// <summary>A target on the highest value of a figure (memory: the peak of every run).</summary>
    public void AtMost(string name, Figure? measured, double limit)
    {
        if (measured is not null)
        {
            _targets.Add(new TargetCheck(name, measured.Max, measured.Min, measured.Max, "<=", limit, $"{measured.Name}, {measured.Unit}, highest"));
        }
    }

    /// <summary>The first figure whose name starts with <paramref name="prefix"/>, if this run measured it.</summary>
    public Figure? Find(string prefix) => _figures.FirstOrDefault(f => f.Name.StartsWith(prefix, StringComparison.Ordinal));

    public int Missed => _targets.Count(t => !t.Met);

    public void Print(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"WorkQueues benchmark — {machine.Date:yyyy-MM-dd HH:mm} UTC — {machine.Summary}");
        output.WriteLine(settings.Smoke
            ? "SMOKE MODE: tiny counts, one round; the figures below only show that every part still runs."
            : $"{settings.Form} services; {settings.Rounds} rounds, each measurement between two runs of its baseline; value = median, with the lowest and highest.");
        output.WriteLine();
        output.WriteLine($"| {"measurement",-58} | {"value",12} | {"lowest – highest",-21} | unit    |");
        output.WriteLine($"|{new string('-', 60)}|{new string('-', 14)}|{new string('-', 23)}|---------|");
        foreach (var figure in _figures)
        {
            var range = figure.Min == figure.Max ? "" : $"{Format(figure.Min)} – {Format(figure.Max)}";
            output.WriteLine($"| {figure.Name,-58} | {Format(figure.Value),12} | {range,-21} | {figure.Unit,-7} |");
        }

        output.WriteLine();
        output.WriteLine($"| {"target",-44} | {"min",7} | {"median",7} | {"max",7} | {"target",9} | met | of");
        output.WriteLine($"|{new string('-', 46)}|---------|---------|---------|{new string('-', 11)}|-----|----");
        foreach (var target in _targets)
        {
            output.WriteLine($"| {target.Name,-44} | {target.Min,7:0.00} | {target.Measured,7:0.00} | {target.Max,7:0.00} | {target.Comparison} {target.Target,6:0.00} | {(target.Met ? "yes" : "NO "),3} | {target.Of}");
        }

        output.WriteLine();
        output.WriteLine(settings.Smoke
            ? "Smoke mode: targets are not judged."
            : $"{_targets.Count - Missed} of {_targets.Count} targets met.");
        output.WriteLine(JsonSerializer.Serialize(new BenchJson(machine, settings.Smoke, settings.Form.ToString(), settings.Rounds, _figures, _targets), JsonLine));
    }

    // Names keep their ≥ and × readable in the JSON line.
    private static readonly JsonTypeInfo<BenchJson> JsonLine = (JsonTypeInfo<BenchJson>)new JsonSerializerOptions(BenchJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    }.GetTypeInfo(typeof(BenchJson));

    private static string Format(double value) =>
        value >= 100 ? value.ToString("#,0", CultureInfo.InvariantCulture) : value.ToString("0.00", CultureInfo.InvariantCulture);
}

public sealed record Figure(string Name, double Value, string Unit, double Min, double Max);

/// <summary>A target checked on <paramref name="Measured"/> (a median, or the highest for memory); Min and Max show the spread.</summary>
public sealed record TargetCheck(string Name, double Measured, double Min, double Max, string Comparison, double Target, string Of)
{
    public bool Met => Comparison == ">=" ? Measured >= Target : Measured <= Target;
}

public sealed record BenchJson(MachineInfo Machine, bool Smoke, string Form, int Rounds, IReadOnlyList<Figure> Figures, IReadOnlyList<TargetCheck> Targets);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BenchJson))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
