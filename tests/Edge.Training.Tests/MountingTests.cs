using Edge.Detection.Model;
using Edge.TestKit;
using Edge.Training.Evaluation;

namespace Edge.Training.Tests;

/// <summary>
/// Residents wear clips crooked: the committed model on real recordings turned by random rotations of up
/// to 30°, every other one also upside down, must decide (almost) every recording as it does unturned.
/// </summary>
public sealed class MountingTests(SubsetFixture subset) : IClassFixture<SubsetFixture>
{
    [Fact]
    public void CommittedModel_RecordingsTurnedUpTo30DegreesOrUpsideDown_SameDecisions()
    {
        var artifact = ModelArtifact.Load(Path.Combine(TestData.RepoRoot, "models", "fall-model"), 50);
        var trials = subset.Data.Where(d => d.Subject is "SA02" or "SA51").ToList();
        var changed = 0;
        var fallsBefore = 0;
        var fallsAfter = 0;
        for (var i = 0; i < trials.Count; i++)
        {
            var d = trials[i];
            var straight = TrialRunner.Run(d.Recording, d.Catalog, h => artifact.CreateDetector(1, h));
            var turned = TrialRunner.Run(Commands.RotationCheck(d.Recording, seed: 7, index: i), d.Catalog, h => artifact.CreateDetector(1, h));
            changed += (straight.Alerts > 0) == (turned.Alerts > 0) ? 0 : 1;
            fallsBefore += straight.IsFall && straight.Alerts > 0 ? 1 : 0;
            fallsAfter += turned.IsFall && turned.Alerts > 0 ? 1 : 0;
        }

        Assert.True(changed <= trials.Count / 50, $"{changed} of {trials.Count} recordings changed decision when turned");
        Assert.True(fallsAfter >= fallsBefore - 1, $"falls detected: {fallsBefore} straight, {fallsAfter} turned");
    }
}
