using System.Numerics;
using Edge.Detection.Posture;

namespace Edge.Detection.Tests.Posture;

public sealed class PrimitivesTests
{
    [Fact]
    public void BlockStatistics_Block_MeanVectorAndStdOfMagnitude()
    {
        var blocks = new BlockStatistics(4);
        float[] mags = [1.0f, 1.2f, 0.8f, 1.0f];
        var done = false;
        for (var i = 0; i < 4; i++)
        {
            done = blocks.Add(1_000 + (i * 20_000), 20_000, 0.1f * i, -mags[i], 0.5f, mags[i]);
            Assert.Equal(i == 3, done);
        }

        var b = blocks.Last;
        Assert.Equal(1_000, b.StartUs);
        Assert.Equal(1_000 + (4 * 20_000), b.EndUs);
        Assert.Equal(0.15f, b.MeanX, 5);
        Assert.Equal(-1.0f, b.MeanY, 5);
        Assert.Equal(0.5f, b.MeanZ, 5);
        Assert.Equal(1.0f, b.MeanMagnitude, 5);
        Assert.Equal(MathF.Sqrt(0.02f), b.MagnitudeStd, 4);
        Assert.Equal(0, blocks.Pending);
    }

    [Fact]
    public void BlockStatistics_Reset_DropsThePartialBlock()
    {
        var blocks = new BlockStatistics(3);
        blocks.Add(0, 10, 5, 5, 5, 9);
        blocks.Reset();
        blocks.Add(100, 10, 0, -1, 0, 1);
        blocks.Add(110, 10, 0, -1, 0, 1);

        Assert.True(blocks.Add(120, 10, 0, -1, 0, 1));
        Assert.Equal(100, blocks.Last.StartUs);
        Assert.Equal(-1f, blocks.Last.MeanY, 5);
    }

    [Fact]
    public void UprightEstimator_BeforeWalking_TiltIsFoldedFromY()
    {
        var u = new UprightEstimator();

        Assert.False(u.SignKnown);
        Assert.Equal(0, u.TiltDegrees(0, -1, 0), 3);
        Assert.Equal(0, u.TiltDegrees(0, 1, 0), 3); // upside-down clip: still upright
        Assert.Equal(90, u.TiltDegrees(1, 0, 0), 3);
        Assert.Equal(45, u.TiltDegrees(0, -1, 1), 3);
    }

    [Fact]
    public void UprightEstimator_StillOrUnsteadyOrNotStepping_LearnsNothing()
    {
        var u = new UprightEstimator();
        var still = new BlockSummary(0, 500_000, 25, 0.5f, -0.8f, 0, 1, 0.005f);
        var walking = new BlockSummary(0, 500_000, 25, 0.5f, -0.8f, 0, 1, 0.2f);

        for (var i = 0; i < 20; i++)
        {
            Assert.False(u.Observe(still, stepping: true));
            Assert.False(u.Observe(walking, stepping: false));
        }

        // Stepping, moving, but the direction swings from block to block (rolling over, not walking).
        for (var i = 0; i < 20; i++)
        {
            var swing = new BlockSummary(0, 500_000, 25, i % 2 == 0 ? 0.7f : -0.7f, -0.7f, 0, 1, 0.2f);
            Assert.False(u.Observe(swing, stepping: true));
        }

        Assert.Equal(0, u.WalkingBlocks);
        Assert.Equal((0f, 1f, 0f), u.Axis);
    }

    [Fact]
    public void UprightEstimator_ReclippedDifferently_ReseedsAfterAFewSecondsOfWalking()
    {
        var u = new UprightEstimator();
        var first = new BlockSummary(0, 500_000, 25, 0, -1, 0, 1, 0.2f);
        var second = Vector3.Normalize(new Vector3(0.8f, 0, 0.6f)); // clip now lies on its side
        var reclipped = new BlockSummary(0, 500_000, 25, second.X, second.Y, second.Z, 1, 0.2f);
        for (var i = 0; i < 40; i++)
        {
            u.Observe(first, stepping: true);
        }

        var learned = 0;
        for (var i = 0; i < 20; i++)
        {
            learned += u.Observe(reclipped, stepping: true) ? 1 : 0;
        }

        var (x, y, z) = u.Axis;
        Assert.InRange(Geometry.AngleDegrees(x, y, z, second.X, second.Y, second.Z), 0, 1);
        Assert.True(learned > 0);
        Assert.True(u.WalkingBlocks < 20);
    }

    [Fact]
    public void UprightEstimator_SnapshotRestore_RoundTripsAndRefusesNonsense()
    {
        var a = new UprightEstimator();
        var walking = new BlockSummary(0, 500_000, 25, 0.6f, -0.8f, 0, 1, 0.2f);
        for (var i = 0; i < 10; i++)
        {
            a.Observe(walking, stepping: true);
        }

        var b = new UprightEstimator();
        Assert.True(b.Restore(a.Snapshot()));
        Assert.Equal(a.Snapshot(), b.Snapshot());
        Assert.False(b.Restore(new UprightState(0, 0, 0, true, 3)));
        Assert.False(b.Restore(new UprightState(float.NaN, 1, 0, true, 3)));
        Assert.Equal(a.Snapshot(), b.Snapshot());
        b.Reset();
        Assert.Equal(new UprightState(0, 1, 0, false, 0), b.Snapshot());
    }

    [Fact]
    public void StepDetector_Walking_OneStepPerFootContact()
    {
        var steps = new StepDetector(50);
        var count = 0;
        for (var i = 0; i < 50 * 30; i++)
        {
            var m = 1 + (0.2f * MathF.Sin(2 * MathF.PI * (110 / 60f) * i / 50f));
            count += steps.Add(i * 20_000L, m) ? 1 : 0;
        }

        Assert.InRange(count, 53, 56); // 110 steps a minute for 30 s; the first second primes the filter
    }

    [Fact]
    public void StepDetector_StillOrSlowSway_NoSteps()
    {
        var steps = new StepDetector(50);
        var rng = new Random(5);
        for (var i = 0; i < 50 * 30; i++)
        {
            var m = 1 + (0.003f * (float)rng.NextDouble()) + (0.04f * MathF.Sin(2 * MathF.PI * 0.2f * i / 50f));
            Assert.False(steps.Add(i * 20_000L, m));
        }
    }

    [Fact]
    public void GetUpAlertRule_RaiseRetriggerClearAndHours()
    {
        var rule = new GetUpAlertRule();
        var sitUp = new PostureTransition(BodyPosture.Lying, BodyPosture.Sitting, 0, 1);
        var standUp = new PostureTransition(BodyPosture.Sitting, BodyPosture.Standing, 2, 3);
        var lieDown = new PostureTransition(BodyPosture.Sitting, BodyPosture.Lying, 4, 5);
        var sitDown = new PostureTransition(BodyPosture.Standing, BodyPosture.Sitting, 4, 5);

        Assert.Equal(GetUpAction.None, rule.Apply(sitUp, withinHours: false));
        Assert.Equal(GetUpAction.Raise, rule.Apply(sitUp, withinHours: true));
        Assert.Equal(GetUpAction.Retrigger, rule.Apply(standUp, withinHours: true));
        Assert.Equal(GetUpAction.None, rule.Apply(sitDown, withinHours: true));
        Assert.Equal(GetUpAction.Clear, rule.Apply(lieDown, withinHours: true));
        Assert.False(rule.Open);
        Assert.Equal(GetUpAction.None, rule.Apply(lieDown, withinHours: true));
        Assert.Equal(GetUpAction.Raise, rule.Apply(standUp, withinHours: true));
        rule.Closed();
        Assert.Equal(GetUpAction.Raise, rule.Apply(standUp, withinHours: true));
    }
}
