using Edge.Detection.Features;
using Edge.Detection.Model;

namespace Edge.Detection.Tests;

public sealed class MlNetScorerTests
{
    [Fact]
    public void Score_SeparatesWhatTheModelWasTrainedToSeparate()
    {
        var scorer = MlNetScorer.Load(TinyModels.Impact, ImpactFeatures.Count);
        var fall = new float[ImpactFeatures.Count];
        var adl = new float[ImpactFeatures.Count];
        fall[0] = 6; // the tiny model learned: peak above 3 g is a fall
        adl[0] = 1.5f;

        Assert.True(scorer.Score(fall) > 0.9f);
        Assert.True(scorer.Score(adl) < 0.1f);
    }

    [Fact]
    public void Score_WrongLength_Throws()
    {
        var scorer = MlNetScorer.Load(TinyModels.Impact, ImpactFeatures.Count);

        Assert.Throws<ArgumentException>(() => scorer.Score(new float[ImpactFeatures.Count - 1]));
    }

    [Fact]
    public void Load_ModelForAnotherVectorLength_FailsClearly()
    {
        var ex = Assert.Throws<InvalidDataException>(() => MlNetScorer.Load(TinyModels.Impact, SoftFeatures.Count));
        Assert.Contains($"{SoftFeatures.Count} floats", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NotAModel_FailsClearly()
    {
        Assert.Throws<InvalidDataException>(() => MlNetScorer.Load("PK but not really"u8.ToArray(), ImpactFeatures.Count));
    }

    [Fact]
    public void Score_FromManyThreads_SameAsOneAtATime()
    {
        var scorer = MlNetScorer.Load(TinyModels.Soft, SoftFeatures.Count);
        var rows = Enumerable.Range(0, 400).Select(i =>
        {
            var f = new float[SoftFeatures.Count];
            f[8] = i / 100f;
            f[2] = i % 90;
            return f;
        }).ToArray();
        var sequential = rows.Select(r => scorer.Score(r)).ToArray();

        var parallel = new float[rows.Length];
        Parallel.For(0, rows.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => parallel[i] = scorer.Score(rows[i]));

        Assert.Equal(sequential, parallel);
    }

    [Fact]
    public void Score_WarmPool_AllocatesNothing()
    {
        var scorer = MlNetScorer.Load(TinyModels.Impact, ImpactFeatures.Count);
        var features = new float[ImpactFeatures.Count];
        for (var i = 0; i < 100; i++)
        {
            scorer.Score(features);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            features[0] = i % 7;
            scorer.Score(features);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
