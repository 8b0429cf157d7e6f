using Edge.TestKit;

namespace Edge.Detection.Tests;

public sealed class FallDetectorTests
{
    private static readonly DetectorConfig Config = new();

    /// <summary>A soft-path scorer that never reaches the threshold, so these tests see the impact path alone.</summary>
    private static readonly FixedScorer Never = new(0f);

    private static List<AlertEvent> Feed(FallDetector detector, (float[] X, float[] Y, float[] Z) s, long startUs = 5_000_000, Func<int, long>? time = null)
    {
        var alerts = new List<AlertEvent>();
        for (var i = 0; i < s.X.Length; i++)
        {
            var t = time?.Invoke(i) ?? (startUs + (i * Signals.PeriodUs));
            if (detector.Push(t, s.X[i], s.Y[i], s.Z[i]) is { } alert)
            {
                alerts.Add(alert);
            }
        }

        return alerts;
    }

    [Fact]
    public void Push_SyntheticFall_OneAlertWhenPostImpactWindowIsComplete()
    {
        var fall = Signals.Fall();
        var scorer = new FixedScorer(0.9f);
        var detector = new FallDetector(Config, scorer, Never, 0.5f, 0.5f);

        var alerts = Feed(detector, (fall.X, fall.Y, fall.Z));

        var alert = Assert.Single(alerts);
        Assert.Equal(5_000_000 + (fall.Impact * Signals.PeriodUs), alert.ImpactTimeUs);
        Assert.Equal(1_500_000, alert.LatencyUs);
        Assert.Equal(5f, alert.PeakMagnitudeG, 4);
        Assert.Single(scorer.Seen);
        Assert.Equal(5f, scorer.Seen[0][0], 4); // the impact is the window's peak
    }

    [Fact]
    public void Push_ScoreBelowThreshold_ScoresButDoesNotAlert()
    {
        var fall = Signals.Fall();
        var detector = new FallDetector(Config, new FixedScorer(0.2f), Never, 0.5f, 0.5f);

        Assert.Empty(Feed(detector, (fall.X, fall.Y, fall.Z)));
        Assert.Equal(2, detector.ScoredWindows); // the impact window, and the soft path's second look at it
    }

    [Fact]
    public void Push_QuietSignalBelowCandidateThreshold_NeverRunsTheModel()
    {
        var scorer = new FixedScorer(1f);
        var detector = new FallDetector(Config, scorer, Never, 0.5f, 0.5f);
        var n = 1000;
        var y = Enumerable.Range(0, n).Select(i => -1f - (0.4f * MathF.Sin(i * 0.5f))).ToArray(); // peaks at 1.4 g

        Assert.Empty(Feed(detector, (new float[n], y, new float[n])));
        Assert.Empty(scorer.Seen);
    }

    [Fact]
    public void Push_SecondFallInsideRefractory_NoSecondAlert()
    {
        var first = Signals.Fall(4, 6);
        var second = Signals.Fall(4, 6);
        var detector = new FallDetector(Config, new FixedScorer(0.9f), Never, 0.5f, 0.5f);

        var alerts = Feed(detector, Signals.Concat(first, second));

        Assert.Single(alerts);
        Assert.Equal(4, detector.ScoredWindows); // each fall: the impact window and the soft look at it
    }

    [Fact]
    public void Push_SecondFallAfterRefractory_AlertsAgain()
    {
        var first = Signals.Fall(4, 30);
        var second = Signals.Fall(4, 6);
        var detector = new FallDetector(Config, new FixedScorer(0.9f), Never, 0.5f, 0.5f);

        var alerts = Feed(detector, Signals.Concat(first, second));

        Assert.Equal(2, alerts.Count);
        Assert.True(alerts[1].ImpactTimeUs - alerts[0].ImpactTimeUs >= 30_000_000);
    }

    [Fact]
    public void Push_GapAfterImpact_DropsTheWindowInsteadOfInventingSamples()
    {
        var fall = Signals.Fall();
        var detector = new FallDetector(Config, new FixedScorer(0.9f), Never, 0.5f, 0.5f);
        // 1 s of samples lost 0.6 s after the impact.
        var gapAt = fall.Impact + 30;
        long Time(int i) => 5_000_000 + (i * Signals.PeriodUs) + (i >= gapAt ? 1_000_000 : 0);

        var alerts = Feed(detector, (fall.X, fall.Y, fall.Z), time: Time);

        Assert.Empty(alerts);
        Assert.Equal(1, detector.Gaps);
        Assert.Equal(2, detector.DroppedCandidates); // the impact window and the soft window anchored on it
        Assert.Equal(0, detector.ScoredWindows);
    }

    [Fact]
    public void Push_GapShortlyBeforeImpact_NoWindowWithoutFullContiguousHistory()
    {
        var fall = Signals.Fall();
        var scorer = new FixedScorer(0.9f);
        var detector = new FallDetector(Config, scorer, Never, 0.5f, 0.5f);
        var gapAt = fall.Impact - 50; // 1 s before the impact, less than the 2 s pre-impact window
        long Time(int i) => 5_000_000 + (i * Signals.PeriodUs) + (i >= gapAt ? 400_000 : 0);

        Assert.Empty(Feed(detector, (fall.X, fall.Y, fall.Z), time: Time));
        Assert.Empty(scorer.Seen);
    }

    [Fact]
    public void Push_JitterWithinOneAndAHalfPeriods_IsNotAGap()
    {
        var fall = Signals.Fall();
        var detector = new FallDetector(Config, new FixedScorer(0.9f), Never, 0.5f, 0.5f);
        long Time(int i) => 5_000_000 + (i * Signals.PeriodUs) + (i % 2 == 0 ? 4_000 : -4_000);

        Assert.Single(Feed(detector, (fall.X, fall.Y, fall.Z), time: Time));
        Assert.Equal(0, detector.Gaps);
    }

    [Fact]
    public void Push_TriggeredWindowsSeparatedByGaps_DetectsFallInLaterWindow()
    {
        // Two device windows of 3 s before / 3 s after a trigger, a minute apart; the fall is in the second.
        var quiet = Signals.Fall(6, 0);
        var quietPart = (quiet.X[..300], quiet.Y[..300], quiet.Z[..300]);
        var fall = Signals.Fall(3, 3);
        var detector = new FallDetector(Config, new FixedScorer(0.9f), Never, 0.5f, 0.5f);

        Assert.Empty(Feed(detector, quietPart, startUs: 1_000_000));
        var alerts = Feed(detector, (fall.X, fall.Y, fall.Z), startUs: 70_000_000);

        Assert.Single(alerts);
        Assert.Equal(1, detector.Gaps);
    }

    [Fact]
    public void Push_ClockGoesBack_ResetsRefractorySoANewFallAlerts()
    {
        var fall = Signals.Fall(4, 3);
        var detector = new FallDetector(Config, new FixedScorer(0.9f), Never, 0.5f, 0.5f);

        Assert.Single(Feed(detector, (fall.X, fall.Y, fall.Z), startUs: 50_000_000));
        Assert.Single(Feed(detector, (fall.X, fall.Y, fall.Z), startUs: 1_000_000)); // device rebooted
    }

    [Fact]
    public void PushBatch_SameAlertsAsSingleSamples()
    {
        var fall = Signals.Fall();
        var xyz = new float[fall.X.Length * 3];
        for (var i = 0; i < fall.X.Length; i++)
        {
            xyz[3 * i] = fall.X[i];
            xyz[(3 * i) + 1] = fall.Y[i];
            xyz[(3 * i) + 2] = fall.Z[i];
        }

        var batch = new FallDetector(Config, new FixedScorer(0.9f), Never, 0.5f, 0.5f);
        var alerts = new List<AlertEvent>();
        var raised = 0;
        for (var offset = 0; offset < fall.X.Length; offset += 25)
        {
            var n = Math.Min(25, fall.X.Length - offset);
            raised += batch.PushBatch(5_000_000 + (offset * Signals.PeriodUs), Signals.PeriodUs, xyz.AsSpan(3 * offset, 3 * n), alerts);
        }

        var single = Feed(new FallDetector(Config, new FixedScorer(0.9f), Never, 0.5f, 0.5f), (fall.X, fall.Y, fall.Z));
        Assert.Equal(1, raised);
        Assert.Equal(single, alerts);
    }

    [Fact]
    public void Reset_ForgetsPendingImpact()
    {
        var fall = Signals.Fall();
        var detector = new FallDetector(Config, new FixedScorer(0.9f), Never, 0.5f, 0.5f);
        for (var i = 0; i <= fall.Impact + 40; i++)
        {
            detector.Push(5_000_000 + (i * Signals.PeriodUs), fall.X[i], fall.Y[i], fall.Z[i]);
        }

        detector.Reset();
        var rest = fall.Impact + 41;
        var alerts = Feed(detector, (fall.X[rest..], fall.Y[rest..], fall.Z[rest..]), startUs: 5_000_000 + (rest * Signals.PeriodUs));

        Assert.Empty(alerts);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(1f)]
    [InlineData(float.NaN)]
    public void Constructor_ThresholdOutsideOpenUnitInterval_Throws(float threshold)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FallDetector(Config, new FixedScorer(0), Never, threshold, 0.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FallDetector(Config, new FixedScorer(0), Never, 0.5f, threshold));
    }

    [Fact]
    public void Push_HardFallBothPathsWouldAlert_OneAlertFromTheImpactPath()
    {
        var fall = Signals.Fall(4, 6);
        var soft = new FixedScorer(0.9f);
        var detector = new FallDetector(Config, new FixedScorer(0.9f), soft, 0.5f, 0.5f);

        var alerts = Feed(detector, (fall.X, fall.Y, fall.Z));

        var alert = Assert.Single(alerts);
        Assert.Equal(FallPath.Impact, alert.Path);
        Assert.NotEmpty(soft.Seen); // the soft path looked at the same fall, and stayed quiet
    }

    [Fact]
    public void Push_SoftFallWithoutImpact_SoftPathAlertsAfterItsWait()
    {
        var fall = Signals.SlowFall(uprightSeconds: 5, lyingSeconds: 8);
        var impact = new FixedScorer(0.9f);
        var soft = new FixedScorer(0.9f);
        var detector = new FallDetector(Config, impact, soft, 0.5f, 0.5f);

        var alerts = Feed(detector, (fall.X, fall.Y, fall.Z));

        Assert.Empty(impact.Seen); // no sample reached the impact threshold
        var alert = Assert.Single(alerts);
        Assert.Equal(FallPath.Soft, alert.Path);
        Assert.Equal((long)(Config.SoftPostSeconds * 1_000_000), alert.LatencyUs);
        var reachedLying = 5_000_000 + (fall.Lying * Signals.PeriodUs);
        Assert.InRange(alert.ImpactTimeUs, reachedLying - 1_000_000, reachedLying + 1_000_000);
        Assert.Equal(1f, soft.Seen[0][0]); // anchor kind: the body reached lying
    }

    [Fact]
    public void Push_SoftAlertThenAHitOnTheFloor_NoSecondAlert()
    {
        var fall = Signals.SlowFall(uprightSeconds: 5, lyingSeconds: 8);
        var hit = Signals.Fall(0, 6); // a knock while lying, within the refractory period
        var detector = new FallDetector(Config, new FixedScorer(0.9f), new FixedScorer(0.9f), 0.5f, 0.5f);

        var alerts = Feed(detector, Signals.Concat((fall.X, fall.Y, fall.Z, 0), hit));

        Assert.Single(alerts);
    }

    [Fact]
    public void Push_RollingOverWhileLying_NoSoftCandidate()
    {
        var roll = Signals.Roll(lyingSeconds: 6);
        var soft = new FixedScorer(0.9f);
        var detector = new FallDetector(Config, new FixedScorer(0.9f), soft, 0.5f, 0.5f);

        Assert.Empty(Feed(detector, roll));
        Assert.Empty(soft.Seen);
    }

    [Fact]
    public void Push_WalkingWithACrookedClip_LearnsTheBodyAxis()
    {
        var rotation = Rotation.AboutX(30);
        var walk = Rotation.Apply(rotation, Signals.Walk(seconds: 20));
        var detector = new FallDetector(Config, new FixedScorer(0), Never, 0.5f, 0.5f);

        Feed(detector, walk);

        var (ux, uy, uz) = detector.Posture.Upright;
        var expected = Rotation.Apply(rotation, (0f, 1f, 0f));
        var cos = Math.Abs((ux * expected.X) + (uy * expected.Y) + (uz * expected.Z));
        Assert.True(cos > Math.Cos(5 * Math.PI / 180), $"learned axis ({ux:F2}, {uy:F2}, {uz:F2}) is more than 5° from the body axis");
        Assert.True(detector.Posture.UprightUpdates > 0);
        var standing = Rotation.Apply(rotation, (0f, -1f, 0f));
        Assert.InRange(detector.Posture.Tilt(standing.X, standing.Y, standing.Z), 0, 5);
    }

    [Fact]
    public void Push_GapInsideASoftWindow_DropsItInsteadOfInventingSamples()
    {
        var fall = Signals.SlowFall(uprightSeconds: 5, lyingSeconds: 8);
        var soft = new FixedScorer(0.9f);
        var detector = new FallDetector(Config, new FixedScorer(0.9f), soft, 0.5f, 0.5f);
        var gapAt = fall.Lying + 100; // 2 s after reaching lying, before the soft window is complete
        long Time(int i) => 5_000_000 + (i * Signals.PeriodUs) + (i >= gapAt ? 2_000_000 : 0);

        Assert.Empty(Feed(detector, (fall.X, fall.Y, fall.Z), time: Time));
        Assert.Empty(soft.Seen);
        Assert.True(detector.DroppedCandidates >= 1);
    }

    [Fact]
    public void Push_WindowStartingMidBlock_SameSoftCandidateAsTheFullStream()
    {
        // A triggered device sends a window that starts at any sample; posture blocks stay on the
        // device-time grid, so the soft path sees what it would have seen in the full stream.
        var fall = Signals.SlowFall(uprightSeconds: 5, lyingSeconds: 8);
        var full = new FixedScorer(0.9f);
        var window = new FixedScorer(0.9f);
        var fullAlerts = Feed(new FallDetector(Config, new FixedScorer(0.9f), full, 0.5f, 0.5f), (fall.X, fall.Y, fall.Z));
        const int from = 37;
        var windowAlerts = Feed(
            new FallDetector(Config, new FixedScorer(0.9f), window, 0.5f, 0.5f),
            (fall.X[from..], fall.Y[from..], fall.Z[from..]),
            startUs: 5_000_000 + (from * Signals.PeriodUs));

        Assert.Equal(Assert.Single(fullAlerts), Assert.Single(windowAlerts));
        Assert.Equal(full.Seen.Count, window.Seen.Count);
        for (var i = 0; i < full.Seen.Count; i++)
        {
            Assert.Equal(full.Seen[i], window.Seen[i]);
        }
    }
}
