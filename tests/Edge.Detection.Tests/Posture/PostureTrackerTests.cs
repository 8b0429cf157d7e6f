using System.Numerics;
using Edge.Detection.Posture;

namespace Edge.Detection.Tests.Posture;

public sealed class PostureTrackerTests
{
    [Fact]
    public void Push_SitUpFromLying_ReportsLyingToSittingWithin3sOfTheMovement()
    {
        var m = Motion.SisFallFrame();
        m.Still(m.Up, 3).Rotate(m.Up, m.OnSide, 2).Still(m.OnSide, 6);
        var sitUpAt = m.Now;
        m.Rotate(m.OnSide, m.Up, 2).Still(m.Up, 4);
        var tracker = new PostureTracker(Motion.Rate);
        tracker.Assume(BodyPosture.Sitting);

        var found = m.Play(tracker);

        var sitUp = Assert.Single(found, t => t.From == BodyPosture.Lying);
        Assert.Equal(BodyPosture.Sitting, sitUp.To);
        Assert.True(sitUp.IsGettingUp);
        Assert.InRange(Motion.Seconds(sitUp.StartUs), sitUpAt - 0.5, sitUpAt + 0.5);
        Assert.InRange(Motion.Seconds(sitUp.DetectedUs) - sitUpAt, 0, 3);
        Assert.Contains(found, t => t is { From: BodyPosture.Sitting, To: BodyPosture.Lying });
        Assert.Equal(BodyPosture.Sitting, tracker.Posture);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(30f)]
    [InlineData(180f)]
    public void Push_RollingOverInBedRepeatedly_NoTransition(float clipDegrees)
    {
        var m = Motion.Crooked(clipDegrees, seed: 3);
        m.Still(m.OnBack, 5);
        for (var i = 0; i < 4; i++)
        {
            m.Roll(m.OnBack, m.OnSide, 1.5).Still(m.OnSide, 4).Roll(m.OnSide, -m.OnSide, 3).Still(-m.OnSide, 4).Roll(-m.OnSide, m.OnBack, 1.5).Still(m.OnBack, 4);
        }

        var tracker = new PostureTracker(Motion.Rate);
        tracker.Assume(BodyPosture.Lying);

        var found = m.Play(tracker);

        Assert.Empty(found);
        Assert.Equal(BodyPosture.Lying, tracker.Posture);
    }

    [Fact]
    public void Push_StandToSitThenSitToStand_ReportsBothWithTheirDirection()
    {
        var m = Motion.SisFallFrame();
        var seated = m.Leaning(-12); // sitting reclines the pelvis a little
        m.Still(m.Up, 3);
        var sitAt = m.Now;
        m.StandToSit(m.Up, seated).Still(seated, 5);
        var standAt = m.Now;
        m.SitToStand(seated, m.Up).Still(m.Up, 4);
        var tracker = new PostureTracker(Motion.Rate);

        var found = m.Play(tracker);

        Assert.Equal(["standing>sitting", "sitting>standing"], found.Select(t => t.Name));
        Assert.InRange(Motion.Seconds(found[0].StartUs), sitAt - 0.5, sitAt + 0.5);
        Assert.InRange(Motion.Seconds(found[1].StartUs), standAt - 0.5, standAt + 0.5);
        Assert.InRange(Motion.Seconds(found[1].DetectedUs) - standAt, 0, 3);
        Assert.True(found[1].IsGettingUp);
        Assert.False(found[0].IsGettingUp);
    }

    [Fact]
    public void Push_LeaningForwardWhileSeated_IsNotStandingUp()
    {
        var m = Motion.SisFallFrame();
        m.Still(m.Up, 3).Rotate(m.Up, m.Leaning(35), 1.5).Still(m.Leaning(35), 1).Rotate(m.Leaning(35), m.Up, 1.5).Still(m.Up, 3);
        var tracker = new PostureTracker(Motion.Rate);
        tracker.Assume(BodyPosture.Sitting);

        var found = m.Play(tracker);

        Assert.Empty(found);
        Assert.Equal(BodyPosture.Sitting, tracker.Posture);
    }

    [Fact]
    public void Push_WalkingWithACrookedClip_LearnsTheAxisCountsStepsAndWalks()
    {
        var m = Motion.Crooked(35);
        m.Still(m.Up, 2).Walk(60, cadence: 100).Still(m.Up, 3);
        var tracker = new PostureTracker(Motion.Rate);

        var found = m.Play(tracker);

        Assert.Empty(found);
        Assert.True(tracker.Upright.SignKnown);
        var (x, y, z) = tracker.Upright.Axis;
        Assert.InRange(Geometry.AngleDegrees(x, y, z, m.Up.X, m.Up.Y, m.Up.Z), 0, 5);
        Assert.InRange(tracker.Steps, 90, 105); // 100 steps a minute for 60 s; the first few make the bout
        Assert.InRange(tracker.TimeInUs(BodyPosture.Walking) / 1e6, 55, 61);
        Assert.Equal(BodyPosture.Standing, tracker.Posture);
    }

    [Fact]
    public void Push_UpsideDownClipAfterWalking_LyingReadsAsLyingAndUprightAsUpright()
    {
        var m = new Motion(new Vector3(0, 1, 0), new Vector3(0, 0, -1)); // y up instead of down
        var seated = m.Leaning(-10);
        m.Walk(20).Still(m.Up, 3).StandToSit(m.Up, seated).Still(seated, 3).Rotate(seated, m.OnBack, 2).Still(m.OnBack, 5).Rotate(m.OnBack, seated, 2).Still(seated, 3);
        var tracker = new PostureTracker(Motion.Rate);

        var found = m.Play(tracker);

        Assert.True(tracker.Upright.SignKnown);
        Assert.Equal(["standing>sitting", "sitting>lying", "lying>sitting"], found.Select(t => t.Name));
    }

    [Fact]
    public void Push_BendingOverFromStanding_IsNotLyingDown()
    {
        var m = Motion.SisFallFrame();
        m.Walk(10).Still(m.Up, 2).Rotate(m.Up, m.Leaning(80), 1.5).Still(m.Leaning(80), 4, noise: 0.01f).Rotate(m.Leaning(80), m.Up, 1.5).Still(m.Up, 3);
        var tracker = new PostureTracker(Motion.Rate);

        var found = m.Play(tracker);

        Assert.DoesNotContain(found, t => t.To == BodyPosture.Lying || t.From == BodyPosture.Lying);
        Assert.DoesNotContain(found, t => t.IsGettingUp);
    }

    [Fact]
    public void Push_ShortGapWhileLying_KeepsLyingSoASitUpAfterItIsStillSeen()
    {
        var tracker = new PostureTracker(Motion.Rate);
        tracker.Assume(BodyPosture.Lying);
        var lying = Motion.SisFallFrame();
        lying.Still(lying.OnBack, 5);
        lying.Play(tracker);
        var after = Motion.SisFallFrame(seed: 2);
        after.Still(after.Up, 4); // 30 s later the wearer is sitting: the sit-up happened during the dropout

        var found = after.Play(tracker, startUs: 1_000_000_000 + 35_000_000);

        var t = Assert.Single(found);
        Assert.Equal("lying>sitting", t.Name);
        Assert.Equal(1, tracker.Gaps);
    }

    [Fact]
    public void Push_LongGapOrClockGoingBack_ForgetsThePosture()
    {
        var tracker = new PostureTracker(Motion.Rate);
        tracker.Assume(BodyPosture.Lying);
        var m = Motion.SisFallFrame();
        m.Still(m.OnBack, 3);
        m.Play(tracker);

        m.Play(tracker, startUs: 1_000_000_000 + 400_000_000); // a silence of almost 7 minutes

        Assert.Equal(BodyPosture.Lying, tracker.Posture); // learned again from the data, without a transition
        var back = Motion.SisFallFrame();
        back.Still(back.Up, 3);
        var found = back.Play(tracker, startUs: 5_000_000); // reboot: device clock restarts
        Assert.Empty(found);
        Assert.Equal(BodyPosture.Upright, tracker.Posture);
        Assert.Equal(2, tracker.Gaps);
    }

    [Fact]
    public void Push_EverySample_AllocatesNothing()
    {
        var m = Motion.SisFallFrame();
        m.Walk(10).Still(m.Up, 2).StandToSit(m.Up, m.Leaning(-10)).Still(m.Leaning(-10), 3).Rotate(m.Leaning(-10), m.OnSide, 2).Still(m.OnSide, 3).Rotate(m.OnSide, m.Up, 2);
        var tracker = new PostureTracker(Motion.Rate);
        var found = new List<PostureTransition>(16);
        m.Play(tracker); // warm-up (JIT)
        tracker = new PostureTracker(Motion.Rate);
        var samples = new float[3];
        var before = GC.GetAllocatedBytesForCurrentThread();

        for (var i = 0; i < 20_000; i++)
        {
            var t = 1_000_000_000L + (i * Motion.PeriodUs);
            samples[0] = 0.01f * (i % 7);
            samples[1] = -1 + (0.2f * MathF.Sin(i * 0.2f));
            samples[2] = 0.02f;
            tracker.Push(t, samples[0], samples[1], samples[2], found);
            if (found.Count > 8)
            {
                found.Clear();
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Assume_NotAPosture_Refused()
    {
        var tracker = new PostureTracker(Motion.Rate);

        Assert.Throws<ArgumentOutOfRangeException>(() => tracker.Assume(BodyPosture.Walking));
    }

    [Fact]
    public void Name_EveryPosture_LowerCase()
    {
        Assert.Equal("lying>sitting", new PostureTransition(BodyPosture.Lying, BodyPosture.Sitting, 0, 0).Name);
        Assert.All(Enum.GetValues<BodyPosture>(), p => Assert.Equal(p.ToString().ToLowerInvariant(), PostureTracker.Name(p)));
    }
}
