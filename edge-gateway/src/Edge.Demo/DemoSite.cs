using Edge.Gateway.Incidents;
using Edge.Simulator;

namespace Edge.Demo;

/// <summary>One demo resident: who, where, which sensor, and what happens to them.</summary>
/// <param name="DeviceId">The wearable's id.</param>
/// <param name="Name">The resident's name as staff see it.</param>
/// <param name="Room">Their room.</param>
/// <param name="Unit">The room's unit.</param>
/// <param name="Motion">Synthetic motion between scripted steps.</param>
/// <param name="Steps">Scripted steps when real recordings are available.</param>
/// <param name="SyntheticSteps">The same story in synthetic motion, for machines without recordings.</param>
/// <param name="Expected">The incident the story should raise, or null for none.</param>
/// <param name="HighRisk">Flagged by staff as at high risk of falling: the get-up alert is on for them.</param>
internal sealed record DemoResident(
    string DeviceId,
    string Name,
    string Room,
    string Unit,
    string Motion,
    IReadOnlyList<ScenarioStep> Steps,
    IReadOnlyList<ScenarioStep> SyntheticSteps,
    IncidentType? Expected,
    bool HighRisk = false);

/// <summary>
/// The demo site: seven residents on two units. Two fall, one presses the call button, one sensor drops
/// off the network, one battery runs low, one resident only sits down hard (a fall-like daily activity
/// that must raise nothing), and one, flagged at high risk of falling, gets up in the night: a get-up
/// alert pages a carer, and it clears itself when he lies down again. With SisFall recordings the falls
/// and activities are real recordings of real people; without them the simulator's synthetic motion
/// tells the same story.
/// </summary>
internal static class DemoSite
{
    public const string SiteId = "demo-site";

    public static IReadOnlyList<DemoResident> Residents { get; } =
    [
        new("wear-101", "Ada Byrne", "101", "Rowan", "walking",
            [Rec(5, "D01"), Rec(30, "F01")],
            [Syn(5, "walking"), Syn(30, "fall")],
            IncidentType.Fall),
        new("wear-102", "Bill Carter", "102", "Rowan", "sitting",
            [Rec(8, "D07"), Rec(40, "D11")],
            [Syn(8, "sitting"), Syn(40, "walking")],
            null),
        new("wear-103", "Cora Dunn", "103", "Rowan", "sitting",
            [Btn(20)],
            [Btn(20)],
            IncidentType.ManualCall),
        new("wear-201", "Dev Evans", "201", "Willow", "idle",
            [Off(45, 600)],
            [Off(45, 600)],
            IncidentType.DeviceOffline),
        new("wear-202", "Edith Fox", "202", "Willow", "walking",
            [Rec(10, "D02"), Rec(55, "F08")],
            [Syn(10, "walking"), Syn(55, "fall")],
            IncidentType.Fall),
        new("wear-203", "Frank Gill", "203", "Willow", "sitting",
            [Bat(25, 40), Bat(35, 9)],
            [Bat(25, 40), Bat(35, 9)],
            IncidentType.BatteryLow),

        // Sitting on the edge of the bed, he lies down and sits up again (D12: a real recording), then lies down
        // for good; in synthetic motion he sits up from lying and lies down again.
        new("wear-104", "Gus Hale", "104", "Rowan", "sitting",
            [Rec(15, "D12"), Syn(45, "lie-down")],
            [Syn(3, "lie-down"), Syn(20, "sit-up"), Syn(45, "lie-down")],
            IncidentType.GettingUp,
            HighRisk: true),
    ];

    // By activity code only: the first trial of that code in the folder plays, so the demo works on
    // any SisFall folder, not only the team's.
    private static ScenarioStep Rec(double at, string code) => new() { At = at, Recording = code };

    private static ScenarioStep Syn(double at, string activity) => new() { At = at, Synthetic = activity };

    private static ScenarioStep Btn(double at) => new() { At = at, Button = true };

    private static ScenarioStep Off(double at, double seconds) => new() { At = at, OfflineSeconds = seconds };

    private static ScenarioStep Bat(double at, int percent) => new() { At = at, BatteryPercent = percent };
}
