using Edge.Detection.Posture;
using Edge.Recordings;

namespace Edge.Training.Evaluation;

/// <summary>One transition the tracker reported, in seconds from the start of the recording.</summary>
/// <param name="Name">"lying>sitting" ...</param>
/// <param name="StartSeconds">When the movement began.</param>
/// <param name="DetectedSeconds">When the tracker reported it.</param>
/// <param name="GetUpAlert">True when it raised a get-up alert.</param>
public sealed record GetUpTransition(string Name, double StartSeconds, double DetectedSeconds, bool GetUpAlert);

/// <summary>What the posture tracker and the get-up rule did on one recording.</summary>
/// <param name="Trial">The file.</param>
/// <param name="Expectation">What the recording contains.</param>
/// <param name="DurationSeconds">Recording length.</param>
/// <param name="Transitions">Every transition reported, in order.</param>
/// <param name="GetUpAlerts">Get-up alerts raised (a re-trigger of an open alert is not a new one).</param>
/// <param name="FirstGetUpSeconds">When the first alert was raised (its decision time), or null.</param>
/// <param name="SitUpOnsetSeconds">
/// When the first alert was a sit-up from lying: when the movement began, measured on the recording itself and not by
/// the tracker (the last 0.1 s mean before the sit-up whose tilt was within 5° of the highest tilt of the 3 s before
/// the trunk passed 40°). Null otherwise.
/// </param>
public sealed record GetUpOutcome(
    SisFallTrial Trial, GetUpExpectation Expectation, double DurationSeconds, IReadOnlyList<GetUpTransition> Transitions, int GetUpAlerts, double? FirstGetUpSeconds,
    double? SitUpOnsetSeconds = null)
{
    /// <summary>True when an expected transition pattern ("lying>*") was reported.</summary>
    public bool Found(string pattern) => Transitions.Any(t => GetUpExpectation.Matches(pattern, t.Name));

    /// <summary>Seconds from the start of the movement to the first alert, or null.</summary>
    public double? FirstAlertDelaySeconds => Transitions.FirstOrDefault(t => t.GetUpAlert) is { } t ? t.DetectedSeconds - t.StartSeconds : null;
}

/// <summary>
/// Streams a device recording through the gateway's <see cref="PostureTracker"/> and
/// <see cref="GetUpAlertRule"/>, as if the resident's get-up hours covered the whole recording.
/// </summary>
public static class GetUpRunner
{
    /// <summary>
    /// Runs one recording through a new tracker. <paramref name="upright"/> is the upright axis it starts
    /// from (learned from the same wearer's walking, as on a resident), or null for a tracker that has
    /// never seen the wearer walk.
    /// </summary>
    /// <param name="recording">The recording.</param>
    /// <param name="expectation">What it contains.</param>
    /// <param name="upright">Upright axis to start from, or null.</param>
    /// <param name="knownStart">True: the tracker is told the posture the activity starts in (<see cref="GetUpExpectation.Start"/>), as a tracker that has followed the resident would know it.</param>
    public static GetUpOutcome Run(DeviceRecording recording, GetUpExpectation expectation, UprightState? upright = null, bool knownStart = false)
    {
        ArgumentNullException.ThrowIfNull(recording);
        ArgumentNullException.ThrowIfNull(expectation);
        var tracker = new PostureTracker(recording.SampleRateHz);
        if (upright is { } state)
        {
            tracker.Upright.Restore(state);
        }

        if (knownStart && expectation.Start is { } start)
        {
            tracker.Assume(start);
        }

        var rule = new GetUpAlertRule();
        var found = new List<PostureTransition>();
        var transitions = new List<GetUpTransition>();
        var alerts = 0;
        double? first = null;
        for (var i = 0; i < recording.Length; i++)
        {
            found.Clear();
            if (tracker.Push(TrialRunner.StartUs + recording.TimestampUs(i), recording.X[i], recording.Y[i], recording.Z[i], found) == 0)
            {
                continue;
            }

            foreach (var t in found)
            {
                var action = rule.Apply(t, withinHours: true);
                var detected = (t.DetectedUs - TrialRunner.StartUs) / 1e6;
                if (action == GetUpAction.Raise)
                {
                    alerts++;
                    first ??= detected;
                }

                transitions.Add(new GetUpTransition(t.Name, Math.Max(0, (t.StartUs - TrialRunner.StartUs) / 1e6), detected, action == GetUpAction.Raise));
            }
        }

        var firstAlert = transitions.FirstOrDefault(t => t.GetUpAlert);
        double? onset = firstAlert is { Name: ['l', ..] } ? SitUpOnset(recording, firstAlert.DetectedSeconds, upright ?? new UprightState(0, 1, 0, false, 0)) : null;
        return new GetUpOutcome(recording.Trial, expectation, recording.DurationSeconds, transitions, alerts, first, onset);
    }

    /// <summary>
    /// An independent onset of a sit-up before <paramref name="alertSeconds"/>: 0.1 s means of the recording, tilt from
    /// <paramref name="upright"/> (folded while its sign is unknown); the last mean before the trunk passed 40° that was
    /// within 5° of the highest tilt of the 3 s before. Null when the recording shows no such crossing.
    /// </summary>
    public static double? SitUpOnset(DeviceRecording recording, double alertSeconds, UprightState upright)
    {
        ArgumentNullException.ThrowIfNull(recording);
        var axis = new UprightEstimator();
        axis.Restore(upright);
        var step = Math.Max(1, recording.SampleRateHz / 10);
        var tilt = new List<float>();
        for (var start = 0; start + step <= recording.Length; start += step)
        {
            float x = 0, y = 0, z = 0;
            for (var i = start; i < start + step; i++)
            {
                x += recording.X[i];
                y += recording.Y[i];
                z += recording.Z[i];
            }

            tilt.Add(axis.TiltDegrees(x, y, z));
        }

        var k = Math.Min(tilt.Count - 1, (int)(alertSeconds * 10));
        while (k > 0 && tilt[k] < PostureTracker.UprightDegrees)
        {
            k--;
        }

        if (k <= 0)
        {
            return null;
        }

        var from = Math.Max(0, k - 30);
        var plateau = tilt.Skip(from).Take(k - from + 1).Max();
        var j = k;
        while (j > from && tilt[j] < plateau - 5)
        {
            j--;
        }

        return j * step / (double)recording.SampleRateHz;
    }

    /// <summary>
    /// The upright axis a tracker learns from <paramref name="walking"/> (recordings of one wearer walking,
    /// streamed one after the other), or null when none of them taught it anything.
    /// </summary>
    public static UprightState? LearnUpright(IEnumerable<DeviceRecording> walking)
    {
        ArgumentNullException.ThrowIfNull(walking);
        PostureTracker? tracker = null;
        var sink = new List<PostureTransition>();
        long offset = 0;
        foreach (var recording in walking)
        {
            tracker ??= new PostureTracker(recording.SampleRateHz);
            for (var i = 0; i < recording.Length; i++)
            {
                tracker.Push(TrialRunner.StartUs + offset + recording.TimestampUs(i), recording.X[i], recording.Y[i], recording.Z[i], sink);
            }

            offset += recording.TimestampUs(recording.Length) + 60_000_000; // a minute apart: a gap, not a jump
            sink.Clear();
        }

        return tracker is { Upright.WalkingBlocks: > 0 } ? tracker.Upright.Snapshot() : null;
    }
}
