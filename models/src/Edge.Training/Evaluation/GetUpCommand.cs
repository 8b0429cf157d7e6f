using System.Diagnostics;
using Edge.Detection.Posture;
using Edge.Recordings;

namespace Edge.Training.Evaluation;

/// <summary><c>evaluate --task getup</c>: every recording under a folder through the gateway's posture tracker and get-up rule.</summary>
public static class GetUpCommand
{
    /// <summary>Runs the evaluation; returns the process exit code.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder is missing or holds no recordings.</exception>
    /// <param name="dataDirs">
    /// Folder(s) of recordings (SisFall names; FallAllD converted alike), any layout. With several, each recording is
    /// named by its path from the folders' common parent (e.g. <c>sisfall/SA01/...</c>), as with one folder holding both.
    /// </param>
    /// <param name="csvPath">The per-trial CSV to write.</param>
    /// <param name="reportDir">Folder for report.md (default beside the CSV).</param>
    /// <param name="rateHz">Device sample rate.</param>
    /// <param name="learnUpright">
    /// True: each recording's tracker starts from the upright axis learned from the same subject's other
    /// walking recordings, as on a resident who has walked about. False: from the sensor's y axis.
    /// </param>
    /// <param name="knownStart">True: each tracker is told the posture the activity starts in (from the protocol), as a tracker that has followed the resident would know it; false: it starts not knowing.</param>
    public static int Run(IReadOnlyList<string> dataDirs, string csvPath, string? reportDir, int rateHz, bool learnUpright = true, bool knownStart = true)
    {
        ArgumentNullException.ThrowIfNull(dataDirs);
        var clock = Stopwatch.StartNew();
        var (trials, manifests, name) = Discover(dataDirs);
        var dataDir = string.Join(", ", dataDirs);
        if (trials.Count == 0)
        {
            throw new DirectoryNotFoundException($"no recordings named like SisFall trials (e.g. D07_SA01_R01.txt.gz) under {dataDir}");
        }

        Console.WriteLine($"{trials.Count} recordings under {dataDir} ({manifests.Count} described by a manifest.csv), posture tracker at {rateHz} Hz, get-up hours covering every recording");
        var expectations = trials.Select(t => GetUpActivities.For(t, manifests.GetValueOrDefault(t.RelativePath))).ToArray();
        var uprights = new UprightState?[trials.Count];
        if (learnUpright)
        {
            LearnUprights(trials, expectations, rateHz, uprights);
            Console.WriteLine($"upright axis learned from the subject's other walking recordings for {uprights.Count(u => u is not null)} of {trials.Count} recordings");
        }

        var outcomes = new GetUpOutcome[trials.Count];
        var done = 0;
        var lastTenth = -1;
        var gate = new object();
        Parallel.For(0, trials.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var trial = trials[i];
            var recording = DeviceRecording.Load(trial, rateHz);
            outcomes[i] = GetUpRunner.Run(recording, expectations[i], uprights[i], knownStart);
            var n = Interlocked.Increment(ref done);
            lock (gate)
            {
                if (n * 10 / trials.Count > lastTenth)
                {
                    lastTenth = n * 10 / trials.Count;
                    Console.Error.WriteLine($"evaluating: {n}/{trials.Count} ({clock.Elapsed.TotalSeconds:F0} s)");
                }
            }
        });

        GetUpPerTrialCsv.Write(csvPath, outcomes);
        reportDir ??= Path.Combine(Path.GetDirectoryName(Path.GetFullPath(csvPath))!, "report-getup");
        var preamble =
            $"Every recording under `{name}` streamed at {rateHz} Hz (resampled and quantised as the wearable sends it) through the gateway's " +
            "`PostureTracker` and `GetUpAlertRule` (edge-gateway/src/Edge.Detection/Posture), one new tracker per recording, as if the resident's " +
            "get-up hours covered the whole recording. " +
            (learnUpright
                ? "Each tracker starts from the upright axis a tracker learned from the same subject's *other* level-walking recordings " +
                  "(D01, D02; no labels used), as on a resident who has walked about with the sensor; nothing else carries over, so every recording " +
                  "starts with the posture unknown. "
                : "Each tracker starts from the sensor's y axis with its sign unknown (`--upright fresh`): it has never seen the wearer walk. ") +
            (knownStart
                ? "Each tracker is told the posture the activity starts in (standing, sitting or lying, from the protocol; `--start known`), as a " +
                  "tracker that has followed the resident all day would know it; it must find every change itself. "
                : "Each tracker starts without knowing the posture (`--start unknown`), as after a gateway restart: it has to tell sitting from " +
                  "standing from the first movement alone. ") +
            "Expected transitions come from the activity codes (SisFall) or the data set's manifest.csv (FallAllD).";
        var report = GetUpReport.Write(reportDir, preamble, outcomes, name);
        Console.WriteLine($"wrote {csvPath} and {report}; {clock.Elapsed.TotalSeconds:F0} s");
        return 0;
    }

    // The recordings of every folder, each named by its path from the folders' common parent when there are several
    // (a folder given twice, or inside another, counts once), with the manifests' descriptions under the same names.
    private static (IReadOnlyList<SisFallTrial> Trials, IReadOnlyDictionary<string, string> Manifests, string Name) Discover(IReadOnlyList<string> dataDirs)
    {
        if (dataDirs.Count == 0)
        {
            throw new DirectoryNotFoundException("no folder of recordings given (--data)");
        }

        var roots = dataDirs.Select(d => Path.TrimEndingDirectorySeparator(Path.GetFullPath(d))).Distinct(StringComparer.Ordinal).ToList();
        if (roots.Count == 1)
        {
            return (SisFallLoader.Discover(roots[0]), GetUpActivities.LoadManifests(roots[0]), Path.GetFileName(roots[0]));
        }

        var common = Path.GetDirectoryName(roots[0]) ?? roots[0];
        while (!roots.All(r => r.StartsWith(common.EndsWith(Path.DirectorySeparatorChar) ? common : common + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
        {
            common = Path.GetDirectoryName(common) ?? throw new DirectoryNotFoundException($"the folders {string.Join(", ", roots)} have no common parent");
        }

        var trials = new Dictionary<string, SisFallTrial>(StringComparer.Ordinal);
        var manifests = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var root in roots)
        {
            var prefix = Path.GetRelativePath(common, root).Replace('\\', '/') + "/";
            foreach (var t in SisFallLoader.Discover(root))
            {
                trials.TryAdd(t.FullPath, t with { RelativePath = prefix + t.RelativePath });
            }

            foreach (var (file, description) in GetUpActivities.LoadManifests(root))
            {
                manifests.TryAdd(prefix + file, description);
            }
        }

        var list = trials.Values.ToList();
        list.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
        return (list, manifests, string.Join(" + ", roots.Select(Path.GetFileName)));
    }

    // Per subject: the axis from all their walking recordings except the one being evaluated.
    private static void LearnUprights(IReadOnlyList<SisFallTrial> trials, GetUpExpectation[] expectations, int rateHz, UprightState?[] uprights)
    {
        var bySubject = Enumerable.Range(0, trials.Count)
            .GroupBy(i => (Set: Path.GetDirectoryName(Path.GetDirectoryName(trials[i].RelativePath)) ?? "", trials[i].Subject));
        Parallel.ForEach(bySubject, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, subject =>
        {
            // Level walking only (D01, D02): in FallAllD some subjects' stairs recordings were made with the
            // sensor on differently, and a tracker follows the latest way it was worn.
            var walking = subject.Where(i => expectations[i].Group == GetUpGroup.Walking && trials[i].Code is "D01" or "D02").ToList();
            var recordings = walking.ToDictionary(i => i, i => DeviceRecording.Load(trials[i], rateHz));
            var shared = GetUpRunner.LearnUpright(walking.Select(i => recordings[i]));
            foreach (var i in subject)
            {
                uprights[i] = walking.Contains(i)
                    ? GetUpRunner.LearnUpright(walking.Where(j => j != i).Select(j => recordings[j]))
                    : shared;
            }
        });
    }
}
