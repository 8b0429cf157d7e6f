namespace Edge.Detection.Posture;

/// <summary>What a posture transition means for a resident's get-up alert.</summary>
public enum GetUpAction
{
    /// <summary>Nothing to do.</summary>
    None,

    /// <summary>The resident got up (sat up from lying, or stood up from sitting) and no alert is open: raise one.</summary>
    Raise,

    /// <summary>Got up again while the alert is still open (sat up, then stood up): re-trigger it.</summary>
    Retrigger,

    /// <summary>Lay down again while the alert is open: it clears itself.</summary>
    Clear,
}

/// <summary>
/// The get-up alert rule, shared by the gateway and the evaluation command: getting up within the
/// resident's get-up hours raises (or re-triggers) the alert; lying down again clears it. Rolling over in
/// bed is not a transition at all (<see cref="PostureTracker"/>), so it never raises. One instance per
/// resident; not thread-safe.
/// </summary>
public sealed class GetUpAlertRule
{
    /// <summary>True while an alert raised by this rule has not been cleared by lying down.</summary>
    public bool Open { get; private set; }

    /// <summary>Decides what <paramref name="transition"/> means; <paramref name="withinHours"/> is whether the resident's get-up hours cover its time.</summary>
    public GetUpAction Apply(in PostureTransition transition, bool withinHours)
    {
        if (transition.IsGettingUp && withinHours)
        {
            var action = Open ? GetUpAction.Retrigger : GetUpAction.Raise;
            Open = true;
            return action;
        }

        if (transition.To == BodyPosture.Lying && Open)
        {
            Open = false;
            return GetUpAction.Clear;
        }

        return GetUpAction.None;
    }

    /// <summary>The alert was resolved by a carer (or otherwise closed): the next get-up raises a new one.</summary>
    public void Closed() => Open = false;
}
