using System.Collections.Concurrent;
using System.Globalization;
using Edge.Firmware.Core;
using Edge.Protocol;
using Edge.Recordings;
using Edge.TestKit;
using Xunit.Abstractions;

namespace Edge.Firmware.Tests;

/// <summary>
/// Every SisFall recording, as the wearable would sample it: resampled 200 → 50 Hz with the shared
/// anti-alias resampler and quantised to int16 counts at ±16 g with the shared quantiser.
/// </summary>
public sealed class SisFallAt50Hz
{
    public SisFallAt50Hz()
    {
        var trials = SisFallLoader.Discover(TestData.SisFallDir);
        var loaded = new ConcurrentBag<(SisFallTrial Trial, short[] Xyz)>();
        Parallel.ForEach(trials, new ParallelOptions { MaxDegreeOfParallelism = 2 }, t => loaded.Add((t, ToCounts(SisFallLoader.Load(t)))));
        Recordings = [.. loaded.OrderBy(r => r.Trial.RelativePath, StringComparer.Ordinal)];
    }

    public IReadOnlyList<(SisFallTrial Trial, short[] Xyz)> Recordings { get; }

    public static short[] ToCounts(SisFallRecording r)
    {
        short[] Axis(float[] g)
        {
            var resampled = Resampler.Resample(g, r.SampleRateHz, 50);
            var counts = new short[resampled.Length];
            DeviceQuantizer.Quantize(resampled, 16, counts);
            return counts;
        }

        var (x, y, z) = (Axis(r.X), Axis(r.Y), Axis(r.Z));
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

/// <summary>
/// Runs the real <see cref="SensorNode"/> in triggered mode with its default settings over each
/// recording (fake clock, replaying accelerometer, a broker that acknowledges at once).
/// </summary>
public class SisFallTriggerTests(SisFallAt50Hz data, ITestOutputHelper output) : IClassFixture<SisFallAt50Hz>
{
    /// <summary>
    /// Regression bound for the ADL window rate on these recordings (dense, scripted activity). The
    /// power budget in firmware/README.md assumes the measured rate; a change that pushes it past this
    /// bound must update that budget.
    /// </summary>
    private const double MaxAdlWindowsPerHour = 140;

    private static (long Windows, SensorNode Node) Replay(short[] xyz)
    {
        var rig = new Rig(Rig.Defaults(DeviceMode.Triggered));
        rig.Publisher.AckInsidePublish = true;
        var n = xyz.Length / 3;
        rig.Accel.Source = i =>
        {
            var k = Math.Min(i, n - 1);
            return (xyz[3 * k], xyz[(3 * k) + 1], xyz[(3 * k) + 2]);
        };

        for (var i = 0; i < n; i++)
        {
            rig.Node.SampleIfDue();
            rig.Node.ServiceNetwork();
            rig.Clock.Advance(20_000);
        }

        Assert.Equal(n, rig.Accel.Reads);
        return (rig.Node.TriggerCount, rig.Node);
    }

    [Fact]
    public void PreTrigger_EveryFallRecording_Fires()
    {
        var falls = data.Recordings.Where(r => r.Trial.Label == TrialLabel.Fall).ToList();
        Assert.True(falls.Count > 1000, $"expected the dev set's ~1,275 fall recordings, found {falls.Count}");
        var missed = falls.Where(f => Replay(f.Xyz).Windows == 0).Select(f => f.Trial.RelativePath).ToList();
        output.WriteLine($"pre-trigger recall: {falls.Count - missed.Count}/{falls.Count} fall recordings " +
                         $"(impact > {SensorSettings.DefaultImpactThresholdMilliG} mg or free fall < {SensorSettings.DefaultFreeFallThresholdMilliG} mg for {SensorSettings.DefaultFreeFallMinMs} ms)");
        Assert.True(missed.Count == 0, $"the pre-trigger missed {missed.Count} falls: {string.Join(", ", missed.Take(20))}");
    }

    [Fact]
    public void PreTrigger_AdlRecordings_WindowRatePerHourIsMeasuredAndWithinBudget()
    {
        var adls = data.Recordings.Where(r => r.Trial.Label == TrialLabel.Adl).ToList();
        Assert.NotEmpty(adls);
        var perCode = new SortedDictionary<string, (double Hours, long Windows, long WindowSeconds)>(StringComparer.Ordinal);
        double hours = 0, olderHours = 0;
        long windows = 0, olderWindows = 0, sentSamples = 0, samples = 0;
        foreach (var (trial, xyz) in adls)
        {
            var (w, node) = Replay(xyz);
            var h = xyz.Length / 3 / 50.0 / 3600;
            hours += h;
            windows += w;
            samples += xyz.Length / 3;
            sentSamples += node.SentSamples;
            if (trial.IsOlderAdult)
            {
                olderHours += h;
                olderWindows += w;
            }

            var c = perCode.GetValueOrDefault(trial.Code);
            perCode[trial.Code] = (c.Hours + h, c.Windows + w, c.WindowSeconds + (node.SentSamples / 50));
        }

        var rate = windows / hours;
        var ci = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(ci, $"ADL recordings: {adls.Count} trials, {hours:F2} h; pre-trigger windows: {windows} = {rate:F1} per hour; " +
                                           $"samples sent {100.0 * sentSamples / samples:F1} % of sampled"));
        output.WriteLine(string.Create(ci, $"older adults (SE): {olderHours:F2} h, {olderWindows / olderHours:F1} windows per hour"));
        foreach (var (code, c) in perCode)
        {
            output.WriteLine(string.Create(ci, $"  {code}: {c.Windows / c.Hours,6:F1} per hour ({c.Windows} windows in {c.Hours * 60:F1} min)"));
        }

        Assert.InRange(rate, 0.0, MaxAdlWindowsPerHour);
    }
}
