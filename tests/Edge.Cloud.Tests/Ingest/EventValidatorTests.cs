using Edge.Cloud.Api.Ingest;
using Edge.Cloud.Contracts;

namespace Edge.Cloud.Tests.Ingest;

public sealed class EventValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);

    private static UplinkEvent Raised() => new()
    {
        IdempotencyKey = "gw:1", GatewayId = "gw", SiteId = "s", Type = UplinkEventTypes.IncidentRaised, OccurredAt = Now.AddMinutes(-1),
        IncidentId = "inc-1", Sequence = 1, Incident = new IncidentPayload { Kind = "fall", Unit = "East", Score = 0.8 },
    };

    [Fact]
    public void Validate_WellFormedIncident_Null() => Assert.Null(EventValidator.Validate(Raised(), Now, Skew));

    [Fact]
    public void Validate_WithinClockSkew_Accepted() => Assert.Null(EventValidator.Validate(Raised() with { OccurredAt = Now.AddMinutes(4) }, Now, Skew));

    public static TheoryData<string, string> Defects() => new()
    {
        { "type", "unknown event type" },
        { "future", "future" },
        { "old", "before 2020" },
        { "key-empty", "idempotencyKey" },
        { "key-long", "idempotencyKey" },
        { "incident-id", "incidentId" },
        { "sequence-zero", "sequence" },
        { "two-payloads", "exactly one payload" },
        { "score", "score" },
        { "label-control", "labels" },
        { "device-id", "deviceId" },
    };

    [Theory]
    [MemberData(nameof(Defects))]
    public void Validate_Defect_ReasonNamesIt(string defect, string expected)
    {
        var e = Raised();
        e = defect switch
        {
            "type" => e with { Type = "incident.exploded" },
            "future" => e with { OccurredAt = Now.AddMinutes(6) },
            "old" => e with { OccurredAt = new DateTimeOffset(2019, 12, 31, 0, 0, 0, TimeSpan.Zero) },
            "key-empty" => e with { IdempotencyKey = "" },
            "key-long" => e with { IdempotencyKey = new string('k', 129) },
            "incident-id" => e with { IncidentId = "has space" },
            "sequence-zero" => e with { Sequence = 0 },
            "two-payloads" => e with { Device = new DeviceHealthPayload { DeviceId = "d", State = DeviceStates.Offline } },
            "score" => e with { Incident = e.Incident! with { Score = 1.5 } },
            "label-control" => e with { Incident = e.Incident! with { Room = "12\u0007" } },
            "device-id" => e with { Incident = e.Incident! with { DeviceId = new string('d', 65) } },
            _ => throw new ArgumentOutOfRangeException(nameof(defect)),
        };

        var reason = EventValidator.Validate(e, Now, Skew);

        Assert.NotNull(reason);
        Assert.Contains(expected, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_HealthSummaryWithUnknownState_Rejected()
    {
        var e = new UplinkEvent
        {
            IdempotencyKey = "h", GatewayId = "gw", SiteId = "s", Type = UplinkEventTypes.HealthSummary, OccurredAt = Now,
            Health = new HealthSummaryPayload
            {
                PeriodStart = Now.AddHours(-1), PeriodEnd = Now, DevicesTotal = 1,
                Devices = [new DeviceHealthEntry { DeviceId = "d1", State = "sleepy" }],
            },
        };

        Assert.Contains("unknown device state", EventValidator.Validate(e, Now, Skew), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ResolvedWithKnownOutcome_Accepted()
    {
        var e = Raised() with { Type = UplinkEventTypes.IncidentResolved, Sequence = 3, Incident = new IncidentPayload { Outcome = IncidentOutcomes.NoFall } };

        Assert.Null(EventValidator.Validate(e, Now, Skew));
        Assert.NotNull(EventValidator.Validate(e with { Incident = new IncidentPayload { Outcome = "maybe" } }, Now, Skew));
    }
}
