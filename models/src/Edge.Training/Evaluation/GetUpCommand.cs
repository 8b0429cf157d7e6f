using System.Diagnostics;
using Edge.Detection.Posture;
using Edge.Recordings;

namespace Edge.Training.Evaluation;

/// <summary><c>evaluate --task getup</c>: every recording under a folder through the gateway's posture tracker and get-up rule.</summary>
public static class GetUpCommand
{
    /// <summary>Runs the evaluation; returns the process exit code.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder is missing or holds no recordings.</exception>
    /// <param name="dataDir">Folder of recordings (SisFall names; FallAllD converted alike), any layout.</param>
    /// <param name="csvPath">The per-trial CSV to write.</param>
    /// <param name="reportDir">Folder for report.md (default beside the CSV).</param>
    /// <param name="rateHz">Device sample rate.</param>
    /// <param name="learnUpright">
    /// True: each recording's tracker starts from the upright axis learned from the same subject's other
    /// walking recordings, as on a resident who has walked about. False: from the sensor's y axis.
    /// </param>
    /// <param name="knownStart">True: each tracker is told the posture the activity starts in (from the protocol), as a tracker that has followed the resident would know it; false: it starts not knowing.</param>
    public static int Run(string dataDir, string csvPath, string? reportDir, int rateHz, bool learnUpright = true, bool knownStart = true)
    {
        var clock = Stopwatch.StartNew();
        var trials = SisFallLoader.Discover(dataDir);
        if (trials.Count == 0)
        {
            throw new DirectoryNotFoundException($"no recordings named like SisFall trials (e.g. D07_SA01_R01.txt.gz) under {dataDir}");
        }

        var manifests = GetUpActivities.LoadManifests(dataDir);
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
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDir)));
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
