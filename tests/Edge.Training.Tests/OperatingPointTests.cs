using Edge.Detection;
using Edge.Recordings;
using Edge.Training.Data;
using Edge.Training.Evaluation;

namespace Edge.Training.Tests;

public sealed class OperatingPointTests
{
    private static TrialOutcome Outcome(string subject, bool fall, float peak, params (FallPath Path, float Score, double AnchorS)[] windows)
    {
        var trial = new SisFallTrial($"/d/{subject}/x.txt", $"{subject}/{(fall ? "F01" : "D01")}_{subject}_R01.txt", subject, fall ? "F01" : "D01", fall ? TrialLabel.Fall : TrialLabel.Adl, 1);
        var scored = windows.Select(w =>
        {
            var anchor = TrialRunner.StartUs + (long)(w.AnchorS * 1e6);
            return new ScoredWindow(anchor, anchor + (w.Path == FallPath.Impact ? 1_500_000 : 4_000_000), peak, w.Score, false, w.Path);
        }).OrderBy(w => w.DecisionTimeUs).ToList();
        return new TrialOutcome(new CatalogTrial(trial, "test", trial.Code), 15, 5, peak, 0, null, null, scored, 1);
    }

    [Fact]
    public void Decide_BothPathsOnOneFall_OneAlertFromTheFirstDecided()
    {
        var outcome = Outcome("S1", true, 4, (FallPath.Impact, 0.99f, 5), (FallPath.Soft, 0.99f, 5));

        var (alerts, first) = OperatingPoint.Decide(outcome.Windows, 0.5f, 0.5f, 30);

        Assert.Equal(1, alerts);
        Assert.Equal(FallPath.Impact, first!.Value.Path);
    }

    [Fact]
    public void Decide_SoftAnchorBeforeAnEarlierAlert_StaysQuiet()
    {
        // The soft window anchored 1 s before the impact is decided after it: the same fall.
        var outcome = Outcome("S1", true, 4, (FallPath.Impact, 0.99f, 6), (FallPath.Soft, 0.99f, 5));

        Assert.Equal(1, OperatingPoint.Decide(outcome.Windows, 0.5f, 0.5f, 30).Alerts);
    }

    [Fact]
    public void Choose_SoftFallsOnlyTheSoftPathSees_ThresholdKeepsThem()
    {
        // 40 hard falls the impact path gets; 10 soft falls only the soft path scores highly (0.6);
        // ADLs score 0.3 on the soft path and 0.2 on impact.
        var outcomes = new List<TrialOutcome>();
        for (var i = 0; i < 40; i++)
        {
            outcomes.Add(Outcome($"H{i % 5}", true, 5, (FallPath.Impact, 0.999f, 5), (FallPath.Soft, 0.9f, 5)));
        }

        for (var i = 0; i < 10; i++)
        {
            outcomes.Add(Outcome($"H{i % 5}", true, 2, (FallPath.Impact, 0.1f, 5), (FallPath.Soft, 0.6f, 5)));
        }

        for (var i = 0; i < 100; i++)
        {
            outcomes.Add(Outcome($"H{i % 5}", false, 1.5f, (FallPath.Impact, 0.2f, 5), (FallPath.Soft, 0.3f, 5)));
        }

        var t = OperatingPoint.Choose(outcomes, 30);
        var replayed = OperatingPoint.Replay(outcomes, t, 30);

        Assert.True(t.MeetsTargets);
        Assert.All(replayed.Where(o => o.IsFall), o => Assert.True(o.Alerts > 0));
        Assert.All(replayed.Where(o => !o.IsFall), o => Assert.Equal(0, o.Alerts));
        Assert.InRange(t.Soft, 0.3f, 0.6f);
    }
}
