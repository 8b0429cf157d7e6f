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
public sealed record GetUpOutcome(
    SisFallTrial Trial, GetUpExpectation Expectation, double DurationSeconds, IReadOnlyList<GetUpTransition> Transitions, int GetUpAlerts, double? FirstGetUpSeconds)
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

        return new GetUpOutcome(recording.Trial, expectation, recording.DurationSeconds, transitions, alerts, first);
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
