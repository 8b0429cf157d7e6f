using System.Globalization;
using Edge.Detection;

namespace Edge.Training.Evaluation;

/// <summary>The two paths' thresholds.</summary>
/// <param name="Impact">Impact path threshold.</param>
/// <param name="Soft">Soft path threshold.</param>
/// <param name="MeetsTargets">Whether the rule's targets were reached on the scores it was chosen on.</param>
public readonly record struct Thresholds(float Impact, float Soft, bool MeetsTargets = true)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"impact {Impact:F4}, soft {Soft:F4}");
}

/// <summary>
/// Chooses the operating thresholds on out-of-fold scores, and replays the detector's decision rule at
/// other thresholds. A missed fall costs far more than a false alarm, so sensitivity is the constraint
/// and false alarms are what is minimised:
/// <list type="number">
/// <item>the impact path alone must alert on at least <see cref="FastShare"/> of the falls, so most falls are
/// raised <see cref="DetectorConfig.PostImpactSeconds"/> after the impact (the latency target);</item>
/// <item>both paths together must detect at least <see cref="TargetSensitivity"/> of the fall trials and at
/// least <see cref="SoftFallTarget"/> of the soft falls (peak below <see cref="TrialOutcome.SoftFallPeakG"/>:
/// the falls of frail residents, few in laboratory data, so held to their own target);</item>
/// <item>among those, the fewest ADL alerts (ties: more falls detected, then higher thresholds).</item>
/// </list>
/// </summary>
public static class OperatingPoint
{
    /// <summary>Sensitivity target over all fall trials.</summary>
    public const double TargetSensitivity = 0.99;

    /// <summary>Sensitivity target over the soft falls.</summary>
    public const double SoftFallTarget = 0.95;

    /// <summary>Share of falls the impact path must catch on its own.</summary>
    public const double FastShare = 0.6;

    /// <summary>Impact thresholds tried (high values: the impact path is the fast lane for clear falls).</summary>
    public static IReadOnlyList<float> ImpactGrid { get; } = [0.3f, 0.5f, 0.7f, 0.8f, 0.9f, 0.95f, 0.97f, 0.98f, 0.99f, 0.995f, 0.998f, 0.999f, 0.9995f];

    /// <summary>The rule in words, for the manifest and the model card.</summary>
    public static string Description => string.Create(CultureInfo.InvariantCulture,
        $"on out-of-fold per-trial decisions: impact threshold from [{string.Join(", ", ImpactGrid.Select(g => g.ToString(CultureInfo.InvariantCulture)))}] such that the impact path alone alerts on ≥ {FastShare:P0} of the falls; " +
        $"soft threshold the highest that, with it, detects ≥ {TargetSensitivity:P0} of all fall trials and ≥ {SoftFallTarget:P0} of the soft falls (peak < {TrialOutcome.SoftFallPeakG} g); " +
        $"of those pairs, the fewest ADL alerts");

    /// <summary>Chooses the thresholds on <paramref name="outcomes"/> (see the class remarks).</summary>
    public static Thresholds Choose(IReadOnlyList<TrialOutcome> outcomes, double refractorySeconds)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var falls = outcomes.Where(o => o.IsFall).ToList();
        var adls = outcomes.Where(o => !o.IsFall).ToList();
        if (falls.Count == 0 || adls.Count == 0)
        {
            throw new InvalidOperationException("choosing thresholds needs fall and ADL trials");
        }

        var soft = falls.Where(o => o.IsSoftFall).ToList();
        var need = (int)Math.Ceiling((TargetSensitivity * falls.Count) - 1e-9);
        var needSoft = (int)Math.Ceiling((SoftFallTarget * soft.Count) - 1e-9);
        var softScores = outcomes.SelectMany(o => o.Windows).Where(w => w.Path == FallPath.Soft).Select(w => w.Score)
            .Append(1f).Distinct().Order().ToArray();
        Thresholds? best = null;
        (int Adl, int Detected) bestKey = (int.MaxValue, -1);
        Thresholds fallback = new(ImpactGrid[0], softScores[0], MeetsTargets: false);
        (int Detected, int Soft, int Adl) fallbackKey = (-1, -1, int.MaxValue);
        foreach (var ti in ImpactGrid)
        {
            var fast = falls.Count(o => Alerts(o, ti, 1.01f, refractorySeconds) > 0);
            if (fast < FastShare * falls.Count)
            {
                continue;
            }

            // Highest soft threshold meeting both sensitivity targets (binary search on the sorted scores).
            int lo = 0, hi = softScores.Length - 1, found = -1;
            while (lo <= hi)
            {
                var mid = (lo + hi) / 2;
                var ts = Clamp(softScores[mid]);
                if (Detected(falls, ti, ts, refractorySeconds) >= need && Detected(soft, ti, ts, refractorySeconds) >= needSoft)
                {
                    found = mid;
                    lo = mid + 1;
                }
                else
                {
                    hi = mid - 1;
                }
            }

            if (found < 0)
            {
                var tsLow = Clamp(softScores[0]);
                var key = (Detected(falls, ti, tsLow, refractorySeconds), Detected(soft, ti, tsLow, refractorySeconds), -AdlAlerts(adls, ti, tsLow, refractorySeconds));
                if (key.CompareTo(fallbackKey) > 0)
                {
                    fallbackKey = (key.Item1, key.Item2, key.Item3);
                    fallback = new Thresholds(ti, tsLow, MeetsTargets: false);
                }

                continue;
            }

            var t = Clamp(softScores[found]);
            var adl = AdlAlerts(adls, ti, t, refractorySeconds);
            var detected = Detected(falls, ti, t, refractorySeconds);
            if (adl < bestKey.Adl || (adl == bestKey.Adl && detected > bestKey.Detected))
            {
                bestKey = (adl, detected);
                best = new Thresholds(ti, t);
            }
        }

        return best ?? fallback;
    }

    /// <summary>
    /// Estimates the optimism of choosing thresholds on the scores they are judged on: each subject is
    /// replayed at thresholds chosen (same rule) on the other subjects' out-of-fold outcomes only.
    /// </summary>
    public static TrialOutcome[] PerHeldOutSubject(IReadOnlyList<TrialOutcome> outcomes, double refractorySeconds)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var result = new TrialOutcome[outcomes.Count];
        var subjects = outcomes.Select(o => o.Trial.Subject).Distinct().ToList();
        Parallel.ForEach(subjects, subject =>
        {
            var thresholds = Choose([.. outcomes.Where(o => o.Trial.Subject != subject)], refractorySeconds);
            for (var i = 0; i < outcomes.Count; i++)
            {
                if (outcomes[i].Trial.Subject == subject)
                {
                    result[i] = Replay(outcomes[i], thresholds, refractorySeconds);
                }
            }
        });
        return result;
    }

    /// <summary>The outcome the detector's decision rule gives on these scored windows at other thresholds.</summary>
    public static TrialOutcome Replay(TrialOutcome outcome, Thresholds thresholds, double refractorySeconds)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var (alerts, first) = Decide(outcome.Windows, thresholds.Impact, thresholds.Soft, refractorySeconds);
        return outcome with
        {
            Alerts = alerts,
            FirstAlertSeconds = first is { } w ? (w.DecisionTimeUs - TrialRunner.StartUs) / 1e6 : null,
            FirstAlertPath = first?.Path,
        };
    }

    /// <summary>Replays every outcome.</summary>
    public static TrialOutcome[] Replay(IReadOnlyList<TrialOutcome> outcomes, Thresholds thresholds, double refractorySeconds) =>
        [.. outcomes.Select(o => Replay(o, thresholds, refractorySeconds))];

    /// <summary>
    /// The detector's rule on scored windows, in the order they were decided: a window alerts when its
    /// path's threshold is reached and its anchor is not before the previous alert's anchor + refractory.
    /// </summary>
    public static (int Alerts, ScoredWindow? First) Decide(IReadOnlyList<ScoredWindow> windows, float impactThreshold, float softThreshold, double refractorySeconds)
    {
        ArgumentNullException.ThrowIfNull(windows);
        var refractoryUs = (long)Math.Round(refractorySeconds * 1_000_000);
        long? lastAnchor = null;
        var alerts = 0;
        ScoredWindow? first = null;
        foreach (var w in windows)
        {
            var threshold = w.Path == FallPath.Impact ? impactThreshold : softThreshold;
            if (w.Score >= threshold && (lastAnchor is null || w.ImpactTimeUs >= lastAnchor.Value + refractoryUs))
            {
                alerts++;
                lastAnchor = w.ImpactTimeUs;
                first ??= w;
            }
        }

        return (alerts, first);
    }

    private static int Alerts(TrialOutcome o, float ti, float ts, double refractory) => Decide(o.Windows, ti, ts, refractory).Alerts;

    private static int Detected(List<TrialOutcome> set, float ti, float ts, double refractory) => set.Count(o => Alerts(o, ti, ts, refractory) > 0);

    private static int AdlAlerts(List<TrialOutcome> set, float ti, float ts, double refractory) => set.Sum(o => Alerts(o, ti, ts, refractory));

    private static float Clamp(float t) => Math.Clamp(t, 1e-6f, 1 - 1e-6f);
}
