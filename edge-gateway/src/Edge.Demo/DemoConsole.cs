using Edge.Gateway.Incidents;

namespace Edge.Demo;

/// <summary>
/// What the person running the demo reads: one line per scenario event and per incident change, with
/// the time since the demo began. Colour only on a terminal, so CI logs stay clean.
/// </summary>
internal sealed class DemoConsole
{
    private readonly Lock _lock = new();
    private readonly bool _colour = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
    private readonly DateTimeOffset _start = DateTimeOffset.UtcNow;

    public static string TypeName(IncidentType type) => type switch
    {
        IncidentType.Fall => "FALL",
        IncidentType.ManualCall => "CALL BUTTON",
        IncidentType.DeviceOffline => "SENSOR OFFLINE",
        IncidentType.BatteryLow => "BATTERY LOW",
        IncidentType.NotWorn => "NOT WORN",
        IncidentType.GatewayFault => "GATEWAY FAULT",
        IncidentType.GettingUp => "GETTING UP",
        _ => type.ToString(),
    };

    public void Line(string text) => Write(text, null);

    public void Rule() => Write(new string('-', 78), null);

    public void Scenario(string text) => Write($"{Elapsed()}  resident   {text}", "\u001b[2m");

    public void Pager(string text) => Write($"{Elapsed()}  pager      {text}", "\u001b[1;36m");

    public void Incident(DateTimeOffset watchStarted, IncidentChange change)
    {
        _ = watchStarted;
        var i = change.Incident;
        var who = i.ResidentName ?? i.Subject;
        var room = i.RoomName is null ? "" : $", {i.RoomName}";
        var lag = (change.Transition.At - i.EventAt).TotalSeconds;
        var urgent = i.Type is IncidentType.Fall or IncidentType.ManualCall or IncidentType.GettingUp;
        var what = change.Transition.Kind switch
        {
            TransitionKind.Raised => $"INCIDENT #{i.Id} {TypeName(i.Type)}: {who}{room} (raised {lag:F1} s after the event)",
            TransitionKind.Retriggered => $"incident #{i.Id} {TypeName(i.Type)} re-triggered ({i.TriggerCount}x): {who}{room}",
            TransitionKind.Accepted => $"incident #{i.Id} accepted by {i.AcceptedBy} via {change.Transition.Channel}",
            TransitionKind.Resolved when i.Outcome == IncidentOutcome.Cleared => $"incident #{i.Id} {TypeName(i.Type)} cleared by the gateway: {change.Transition.Note}",
            TransitionKind.Resolved => $"incident #{i.Id} resolved ({i.Outcome}) by {i.ResolvedBy}",
            _ => $"incident #{i.Id} {change.Transition.Kind}",
        };
        Write($"{Elapsed()}  gateway    {what}", urgent ? "\u001b[1;31m" : "\u001b[33m");
    }

    private string Elapsed() => $"+{(DateTimeOffset.UtcNow - _start).TotalSeconds,6:F1} s";

    private void Write(string text, string? colour)
    {
        lock (_lock)
        {
            Console.WriteLine(_colour && colour is not null ? colour + text + "\u001b[0m" : text);
        }
    }
}
