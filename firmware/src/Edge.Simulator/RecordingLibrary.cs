using System.Collections.Concurrent;
using Edge.Recordings;

namespace Edge.Simulator;

/// <summary>
/// SisFall recordings as the wearable would sample them: resampled from 200 Hz to the device rate by
/// the shared anti-alias <see cref="Resampler"/> and quantised to int16 counts by
/// <see cref="DeviceQuantizer"/> (the same code the training pipeline uses).
/// </summary>
public sealed class RecordingLibrary(string sisFallDir)
{
    private readonly ConcurrentDictionary<(string Path, int Rate, int Range), short[]> _cache = new();
    private IReadOnlyList<SisFallTrial>? _trials;

    /// <summary>The folder scanned.</summary>
    public string Directory { get; } = sisFallDir;

    /// <summary>Every trial in the folder (sorted by path).</summary>
    public IReadOnlyList<SisFallTrial> Trials => _trials ??= SisFallLoader.Discover(Directory);

    /// <summary>
    /// Finds a trial: <paramref name="recording"/> is a relative path (contains '/' or '.txt') or a code
    /// such as "F05", narrowed by subject and trial number; the first match in path order wins.
    /// </summary>
    public SisFallTrial Resolve(string recording, string? subject = null, int? trial = null)
    {
        var matches = recording.Contains('/', StringComparison.Ordinal) || recording.Contains(".txt", StringComparison.Ordinal)
            ? Trials.Where(t => t.RelativePath == recording || t.RelativePath == recording + ".gz")
            : Trials.Where(t => t.Code == recording && (subject is null || t.Subject == subject) && (trial is null || t.Trial == trial));
        return matches.FirstOrDefault() ?? throw new ScenarioException(
            $"no SisFall recording matches '{recording}'{(subject is null ? "" : $" subject {subject}")}{(trial is null ? "" : $" trial {trial}")} in {Directory}");
    }

    /// <summary>Interleaved x, y, z counts of a trial at the device rate and range.</summary>
    public short[] Counts(SisFallTrial trial, int rateHz, int rangeG) =>
        _cache.GetOrAdd((trial.FullPath, rateHz, rangeG), _ => ToCounts(SisFallLoader.Load(trial), rateHz, rangeG));

    /// <summary>Resamples and quantises a recording to interleaved device counts.</summary>
    public static short[] ToCounts(SisFallRecording recording, int rateHz, int rangeG)
    {
        ArgumentNullException.ThrowIfNull(recording);
        short[] Axis(float[] g)
        {
            var resampled = Resampler.Resample(g, recording.SampleRateHz, rateHz);
            var counts = new short[resampled.Length];
            DeviceQuantizer.Quantize(resampled, rangeG, counts);
            return counts;
        }

        var x = Axis(recording.X);
        var y = Axis(recording.Y);
        var z = Axis(recording.Z);
        var xyz = new short[3 * x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            xyz[3 * i] = x[i];
            xyz[(3 * i) + 1] = y[i];
            xyz[(3 * i) + 2] = z[i];
        }

        return xyz;
    }
}
