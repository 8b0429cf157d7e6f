using System.CommandLine;
using Edge.Detection.Posture;
using Edge.Recordings;
using Edge.TestKit;
using Edge.Training.Evaluation;

namespace Edge.Training.Tests;

/// <summary>
/// The posture tracker and the get-up rule on recorded motion (SisFall, and FallAllD from a second
/// laboratory), through the same runner as <c>evaluate --task getup</c>. The bounds are below what the
/// full evaluation measures (models/getup/README.md), so a regression fails here first.
/// </summary>
public sealed class GetUpEvaluationTests
{
    private static readonly string[] Subjects = ["SA01", "SA05", "SA10", "SE01", "SE03", "SE10"];

    [Fact]
    public void TurningOverInBed_EverySisFallSubject_NoTransitionAndNoGetUpAlert()
    {
        var trials = SisFallLoader.Discover(TestData.SisFallDir).Where(t => t.Code == "D14").ToList();

        var outcomes = trials.AsParallel().Select(t => GetUpRunner.Run(DeviceRecording.Load(t), GetUpActivities.For(t, null), knownStart: true)).ToList();

        Assert.True(outcomes.Count >= 100, $"only {outcomes.Count} D14 recordings found");
        Assert.All(outcomes, o => Assert.Empty(o.Transitions));
        Assert.All(outcomes, o => Assert.Equal(0, o.GetUpAlerts));
    }

    [Fact]
    public void TurningWhileLying_FallAllD_NoGetUpAlert()
    {
        var manifests = GetUpActivities.LoadManifests(TestData.FallAllDDir);
        var trials = SisFallLoader.Discover(TestData.FallAllDDir).Where(t => manifests.GetValueOrDefault(t.RelativePath) == "Turning while lying").ToList();

        var outcomes = trials.Select(t => GetUpRunner.Run(DeviceRecording.Load(t), GetUpActivities.For(t, manifests[t.RelativePath]), knownStart: true)).ToList();

        Assert.True(outcomes.Count >= 20, $"only {outcomes.Count} recordings of turning while lying found");
        Assert.All(outcomes, o => Assert.Equal(0, o.GetUpAlerts));
    }

    [Fact]
    public void SittingUpFromLying_SisFallSubset_FoundAndAlertedWithin3s()
    {
        var trials = Subset("D12", "D13");

        var outcomes = trials.Select(t => GetUpRunner.Run(DeviceRecording.Load(t), GetUpActivities.For(t, null), knownStart: true)).ToList();

        Assert.True(outcomes.Count >= 40, $"only {outcomes.Count} recordings");
        Assert.All(outcomes, o => Assert.True(o.Found("sitting>lying") && o.Found("lying>sitting"), $"{o.Trial.RelativePath}: {string.Join(";", o.Transitions.Select(t => t.Name))}"));
        Assert.All(outcomes, o => Assert.Equal(1, o.GetUpAlerts));
        Assert.True(outcomes.Count(o => o.FirstAlertDelaySeconds <= 3) >= 0.9 * outcomes.Count);
    }

    [Fact]
    public void SitDownAndStandUp_SisFallSubset_MostFound()
    {
        var trials = Subset("D07", "D08", "D09", "D10");

        var outcomes = trials.AsParallel().Select(t => GetUpRunner.Run(DeviceRecording.Load(t), GetUpActivities.For(t, null), knownStart: true)).ToList();

        Assert.True(outcomes.Count >= 100, $"only {outcomes.Count} recordings");
        Assert.True(outcomes.Count(o => o.Found("sitting>standing")) >= 0.65 * outcomes.Count, Summary(outcomes, "sitting>standing"));
        Assert.True(outcomes.Count(o => o.Found("standing>sitting")) >= 0.65 * outcomes.Count, Summary(outcomes, "standing>sitting"));
        Assert.True(outcomes.Count(o => o.GetUpAlerts > 0) >= 0.65 * outcomes.Count);
    }

    [Fact]
    public void Walking_SisFallSubset_NoTransitionStepsAtAWalkingCadence()
    {
        var trials = Subset("D01", "D02");

        foreach (var trial in trials)
        {
            var recording = DeviceRecording.Load(trial);
            var tracker = new PostureTracker(recording.SampleRateHz);
            tracker.Assume(BodyPosture.Standing);
            var found = new List<PostureTransition>();
            for (var i = 0; i < recording.Length; i++)
            {
                tracker.Push(TrialRunner.StartUs + recording.TimestampUs(i), recording.X[i], recording.Y[i], recording.Z[i], found);
            }

            Assert.Empty(found);
            var minutes = tracker.TimeInUs(BodyPosture.Walking) / 60e6;
            Assert.True(minutes >= 0.8 * recording.DurationSeconds / 60, $"{trial.RelativePath}: walking {minutes * 60:F0} s of {recording.DurationSeconds:F0} s");
            Assert.True(tracker.Steps / minutes is >= 60 and <= 150, $"{trial.RelativePath}: {tracker.Steps} steps in {minutes * 60:F0} s of walking"); // steps per minute
            Assert.True(tracker.Upright.SignKnown, $"{trial.RelativePath}: no upright axis learned from {minutes * 60:F0} s of walking");
        }
    }

    [Fact]
    public void PerTrialCsv_HeaderAndRows_AsSpecified()
    {
        var trial = new SisFallTrial("/d/SA01/D12_SA01_R01.txt.gz", "SA01/D12_SA01_R01.txt.gz", "SA01", "D12", TrialLabel.Adl, 1);
        var expectation = GetUpActivities.For(trial, null);
        var writer = new StringWriter();

        GetUpPerTrialCsv.Write(writer, [
            new GetUpOutcome(trial, expectation, 12, [new GetUpTransition("sitting>lying", 2.5, 5, false), new GetUpTransition("lying>sitting", 9.4, 10.5, true)], 1, 10.5),
            new GetUpOutcome(trial with { RelativePath = "SA01/D14_SA01_R01.txt.gz", Code = "D14" }, expectation, 12, [], 0, null),
        ]);

        Assert.Equal(
            "file,subject,code,duration_s,getup_alerts,first_getup_s,transitions\n" +
            "SA01/D12_SA01_R01.txt.gz,SA01,D12,12.00,1,10.50,sitting>lying@2.5;lying>sitting@9.4\n" +
            "SA01/D14_SA01_R01.txt.gz,SA01,D14,12.00,0,,\n",
            writer.ToString());
    }

    [Fact]
    public void Evaluate_TaskGetUpOnASubjectFolder_WritesTheCsvAndTheReport()
    {
        using var dir = new TempDirectory();
        var data = Path.Combine(TestData.SisFallDir, "SE01");
        var csv = Path.Combine(dir.Path, "getup.csv");
        var report = Path.Combine(dir.Path, "report");
        var root = new RootCommand { Commands.Evaluate() };

        var exit = root.Parse(["evaluate", "--task", "getup", "--data", data, "--per-trial", csv, "--report", report]).Invoke();

        Assert.Equal(0, exit);
        var lines = File.ReadAllLines(csv);
        Assert.Equal(GetUpPerTrialCsv.Header, lines[0]);
        Assert.Equal(SisFallLoader.Discover(data).Count + 1, lines.Length);
        Assert.All(lines.Skip(1), l => Assert.Equal(7, l.Split(',').Length));
        Assert.Contains(lines, l => l.StartsWith("D12_SE01_R01.txt.gz,SE01,D12,", StringComparison.Ordinal) && l.Contains("lying>sitting@", StringComparison.Ordinal));
        var text = File.ReadAllText(Path.Combine(report, "report.md"));
        Assert.Contains("## Transitions found", text, StringComparison.Ordinal);
        Assert.Contains("turning over in bed", text, StringComparison.Ordinal);
    }

    [Fact]
    public void GetUp_SeveralFolders_EachRecordingOnceNamedFromTheCommonParent()
    {
        using var dir = new TempDirectory();
        var se01 = Path.Combine(TestData.SisFallDir, "SE01");
        Directory.CreateDirectory(Path.Combine(dir.Path, "a", "SE01"));
        Directory.CreateDirectory(Path.Combine(dir.Path, "b"));
        File.Copy(Path.Combine(se01, "D12_SE01_R01.txt.gz"), Path.Combine(dir.Path, "a", "SE01", "D12_SE01_R01.txt.gz"));
        File.Copy(Path.Combine(se01, "D14_SE01_R01.txt.gz"), Path.Combine(dir.Path, "b", "D14_SE01_R01.txt.gz"));
        var csv = Path.Combine(dir.Path, "getup.csv");
        var a = Path.Combine(dir.Path, "a");

        var exit = GetUpCommand.Run([a, Path.Combine(dir.Path, "b"), a + Path.DirectorySeparatorChar], csv, Path.Combine(dir.Path, "report"), DeviceRecording.DefaultRateHz);

        Assert.Equal(0, exit);
        var lines = File.ReadAllLines(csv);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("a/SE01/D12_SE01_R01.txt.gz,SE01,D12,", lines[1], StringComparison.Ordinal);
        Assert.Contains("lying>sitting@", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("b/D14_SE01_R01.txt.gz,SE01,D14,", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_TaskGetUpOnAnEmptyFolder_FailsWithClearError()
    {
        using var dir = new TempDirectory();
        var root = new RootCommand { Commands.Evaluate() };
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        try
        {
            var exit = root.Parse(["evaluate", "--task", "getup", "--data", dir.Path, "--per-trial", Path.Combine(dir.Path, "x.csv")]).Invoke();

            Assert.Equal(1, exit);
            Assert.Contains("no recordings", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Console.SetError(previous);
        }
    }

    [Fact]
    public void Activities_ManifestWinsOverTheCode()
    {
        var trial = new SisFallTrial("/d/SA51/D12_SA51_R04.txt.gz", "SA51/D12_SA51_R04.txt.gz", "SA51", "D12", TrialLabel.Adl, 4);

        Assert.Equal(["lying>*"], GetUpActivities.For(trial, "Rising up").Expected);
        Assert.Equal(["sitting>lying", "lying>sitting"], GetUpActivities.For(trial, null).Expected);
        Assert.Equal(GetUpGroup.OtherNoTransition, GetUpActivities.For(trial, "Sitting, moving bus").Group);
        Assert.Equal(["a", "b, c", "d\"e"], GetUpActivities.SplitCsv("a,\"b, c\",\"d\"\"e\""));
        Assert.True(GetUpExpectation.Matches("lying>*", "lying>standing"));
        Assert.False(GetUpExpectation.Matches("lying>*", "sitting>lying"));
    }

    private static List<SisFallTrial> Subset(params string[] codes) =>
        [.. SisFallLoader.Discover(TestData.SisFallDir).Where(t => Subjects.Contains(t.Subject) && codes.Contains(t.Code))];

    private static string Summary(IEnumerable<GetUpOutcome> outcomes, string pattern) =>
        string.Join("; ", outcomes.Where(o => !o.Found(pattern)).Select(o => o.Trial.RelativePath));
}
