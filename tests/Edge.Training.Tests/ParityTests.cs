using Edge.Detection.Features;
using Edge.Detection.Model;
using Edge.Training.Native;
using Edge.Training.Training;

namespace Edge.Training.Tests;

public sealed class ParityTests(SubsetFixture subset) : IClassFixture<SubsetFixture>
{
    [Fact]
    public void ManagedEvaluator_EveryOutOfFoldWindow_AgreesWithNativeXGBoostWithin1e6()
    {
        var folds = FallModelTrainer.LeaveOneSubjectOut(subset.Data, new TrainingSettings());
        var compared = 0;
        var worst = 0.0;
        foreach (var fold in folds)
        {
            var windows = fold.TestTrials.SelectMany(i => subset.Data[i].Windows).ToList();
            Assert.NotEmpty(windows);
            var columns = FallFeatures.Count;
            var matrix = new float[windows.Count * columns];
            for (var i = 0; i < windows.Count; i++)
            {
                windows[i].Features.CopyTo(matrix, i * columns);
            }

            using var native = Booster.FromJson(fold.ModelJson);
            var expected = native.PredictDense(matrix, windows.Count, columns);
            var managed = XGBoostModel.Parse(fold.ModelJson);
            for (var i = 0; i < windows.Count; i++)
            {
                var diff = Math.Abs(managed.Score(windows[i].Features) - expected[i]);
                worst = Math.Max(worst, diff);
                Assert.True(diff <= 1e-6, $"fold {fold.Subject} window {i}: managed {managed.Score(windows[i].Features)} native {expected[i]}");
                compared++;
            }
        }

        Assert.Equal(subset.Data.Sum(d => d.Windows.Count), compared);
        Assert.True(compared > 1000, $"only {compared} windows compared");
    }

    [Fact]
    public void Train_SameDataAndSeed_ByteIdenticalModel_AlsoAcrossThreadCounts()
    {
        var small = subset.Data.Where(d => d.Trial.Subject is "SA01" or "SA02" or "SE01").ToList();

        var a = FallModelTrainer.Train(small, new TrainingSettings { Seed = 7, Rounds = 40 });
        var b = FallModelTrainer.Train(small, new TrainingSettings { Seed = 7, Rounds = 40 });
        var oneThread = FallModelTrainer.Train(small, new TrainingSettings { Seed = 7, Rounds = 40, Threads = 1 });
        var otherSeed = FallModelTrainer.Train(small, new TrainingSettings { Seed = 8, Rounds = 40 });

        Assert.Equal(a, b);
        Assert.Equal(a, oneThread);
        Assert.NotEqual(a, otherSeed); // subsampling depends on the seed, so the test can fail
    }

    [Fact]
    public void XGBoostVersion_IsAtLeast17()
    {
        var parts = XGBoost.Version.Split('.').Select(int.Parse).ToArray();

        Assert.True(parts[0] > 1 || (parts[0] == 1 && parts[1] >= 7), XGBoost.Version);
    }

    [Fact]
    public void Windows_EveryFallTrialHasExactlyOnePositiveAtItsPeak()
    {
        var falls = subset.Data.Where(d => d.Trial.Label == Recordings.TrialLabel.Fall).ToList();

        Assert.NotEmpty(falls);
        Assert.All(falls, f => Assert.Single(f.Windows, w => w.Label == 1));
        Assert.All(subset.Data.Where(d => d.Trial.Label == Recordings.TrialLabel.Adl), a => Assert.All(a.Windows, w => Assert.Equal(0, w.Label)));
    }
}
