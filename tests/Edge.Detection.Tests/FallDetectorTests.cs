namespace Edge.Detection.Tests;

public sealed class FallDetectorTests
{
    private static readonly DetectorConfig Config = new();

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
        var detector = new FallDetector(Config, scorer, 0.5f);

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
        var detector = new FallDetector(Config, new FixedScorer(0.2f), 0.5f);

        Assert.Empty(Feed(detector, (fall.X, fall.Y, fall.Z)));
        Assert.Equal(1, detector.ScoredWindows);
    }

    [Fact]
    public void Push_QuietSignalBelowCandidateThreshold_NeverRunsTheModel()
    {
        var scorer = new FixedScorer(1f);
        var detector = new FallDetector(Config, scorer, 0.5f);
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
        var detector = new FallDetector(Config, new FixedScorer(0.9f), 0.5f);

        var alerts = Feed(detector, Signals.Concat(first, second));

        Assert.Single(alerts);
        Assert.Equal(2, detector.ScoredWindows);
    }

    [Fact]
    public void Push_SecondFallAfterRefractory_AlertsAgain()
    {
        var first = Signals.Fall(4, 30);
        var second = Signals.Fall(4, 6);
        var detector = new FallDetector(Config, new FixedScorer(0.9f), 0.5f);

        var alerts = Feed(detector, Signals.Concat(first, second));

        Assert.Equal(2, alerts.Count);
        Assert.True(alerts[1].ImpactTimeUs - alerts[0].ImpactTimeUs >= 30_000_000);
    }

    [Fact]
    public void Push_GapAfterImpact_DropsTheWindowInsteadOfInventingSamples()
    {
        var fall = Signals.Fall();
        var detector = new FallDetector(Config, new FixedScorer(0.9f), 0.5f);
        // 1 s of samples lost 0.6 s after the impact.
        var gapAt = fall.Impact + 30;
        long Time(int i) => 5_000_000 + (i * Signals.PeriodUs) + (i >= gapAt ? 1_000_000 : 0);

        var alerts = Feed(detector, (fall.X, fall.Y, fall.Z), time: Time);

        Assert.Empty(alerts);
        Assert.Equal(1, detector.Gaps);
        Assert.Equal(1, detector.DroppedCandidates);
        Assert.Equal(0, detector.ScoredWindows);
    }

    [Fact]
    public void Push_GapShortlyBeforeImpact_NoWindowWithoutFullContiguousHistory()
    {
        var fall = Signals.Fall();
        var scorer = new FixedScorer(0.9f);
        var detector = new FallDetector(Config, scorer, 0.5f);
        var gapAt = fall.Impact - 50; // 1 s before the impact, less than the 2 s pre-impact window
        long Time(int i) => 5_000_000 + (i * Signals.PeriodUs) + (i >= gapAt ? 400_000 : 0);

        Assert.Empty(Feed(detector, (fall.X, fall.Y, fall.Z), time: Time));
        Assert.Empty(scorer.Seen);
    }

    [Fact]
    public void Push_JitterWithinOneAndAHalfPeriods_IsNotAGap()
    {
        var fall = Signals.Fall();
        var detector = new FallDetector(Config, new FixedScorer(0.9f), 0.5f);
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
        var detector = new FallDetector(Config, new FixedScorer(0.9f), 0.5f);

        Assert.Empty(Feed(detector, quietPart, startUs: 1_000_000));
        var alerts = Feed(detector, (fall.X, fall.Y, fall.Z), startUs: 70_000_000);

        Assert.Single(alerts);
        Assert.Equal(1, detector.Gaps);
    }

    [Fact]
    public void Push_ClockGoesBack_ResetsRefractorySoANewFallAlerts()
    {
        var fall = Signals.Fall(4, 3);
        var detector = new FallDetector(Config, new FixedScorer(0.9f), 0.5f);

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

        var batch = new FallDetector(Config, new FixedScorer(0.9f), 0.5f);
        var alerts = new List<AlertEvent>();
        var raised = 0;
        for (var offset = 0; offset < fall.X.Length; offset += 25)
        {
            var n = Math.Min(25, fall.X.Length - offset);
            raised += batch.PushBatch(5_000_000 + (offset * Signals.PeriodUs), Signals.PeriodUs, xyz.AsSpan(3 * offset, 3 * n), alerts);
        }

        var single = Feed(new FallDetector(Config, new FixedScorer(0.9f), 0.5f), (fall.X, fall.Y, fall.Z));
        Assert.Equal(1, raised);
        Assert.Equal(single, alerts);
    }

    [Fact]
    public void Reset_ForgetsPendingImpact()
    {
        var fall = Signals.Fall();
        var detector = new FallDetector(Config, new FixedScorer(0.9f), 0.5f);
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
        Assert.Throws<ArgumentOutOfRangeException>(() => new FallDetector(Config, new FixedScorer(0), threshold));
    }
}
