using Edge.Gateway.Incidents;
using Edge.Gateway.Prevention;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Gateway.Tests.Prevention;

public sealed class ResidentLogTests
{
    [Fact]
    public async Task ListAndCsv_FallsAndGetUpsOfOneResident_WithResponseTimesAndOutcome()
    {
        await using var gw = await TestGateway.CreateAsync();
        var incidents = gw.Incidents;
        var fall = await incidents.RaiseAsync(new RaiseRequest(IncidentType.Fall, "res1", TestGateway.Start.AddSeconds(-2), "score", "detection", "res1", "Alice", "dev1", "r1", "Room 1"));
        gw.Time.Advance(TimeSpan.FromSeconds(45));
        await incidents.AcceptAsync(fall.Incident.Id, "s1", "staff-page");
        gw.Time.Advance(TimeSpan.FromSeconds(255));
        await incidents.ResolveAsync(fall.Incident.Id, "s1", IncidentOutcome.Other, "=HYPERLINK(\"x\"), found on the floor, \"ok\"", "staff-page");
        gw.Time.Advance(TimeSpan.FromHours(1));
        var up = await incidents.RaiseAsync(new RaiseRequest(IncidentType.GettingUp, "res1", gw.Time.GetUtcNow().AddSeconds(-2), "Sat up", PreventionStage.Channel, "res1", "Alice", "dev1", "r1", "Room 1"));
        await incidents.RaiseAsync(new RaiseRequest(IncidentType.ManualCall, "res1", gw.Time.GetUtcNow(), "button", "button", "res1", "Alice", "dev1", "r1", "Room 1"));
        await incidents.RaiseAsync(new RaiseRequest(IncidentType.Fall, "res2", gw.Time.GetUtcNow(), "score", "detection", "res2", "Bob", "dev2", "r2", "Room 2"));
        var log = gw.Host.Services.GetRequiredService<ResidentLog>();

        var entries = await log.ListAsync("res1", 100, CancellationToken.None);
        var csv = log.ToCsv(entries).Split('\n');

        Assert.Equal([up.Incident.Id, fall.Incident.Id], entries.Select(e => e.Id));
        Assert.Equal(45, entries[1].SecondsToAccept);
        Assert.Equal(300, entries[1].SecondsToResolve);
        Assert.Null(entries[0].SecondsToAccept);
        Assert.Equal(ResidentLog.CsvHeader, csv[0]);
        Assert.Equal($"{up.Incident.Id},getting_up,2026-03-01T09:04:58+00:00,2026-03-01T09:05:00+00:00,,,,,,,,Room 1,", csv[1]);
        Assert.Equal($"{fall.Incident.Id},fall,2026-03-01T07:59:58+00:00,2026-03-01T08:00:00+00:00,2026-03-01T08:00:45+00:00,s1,2026-03-01T08:05:00+00:00,s1,45.0,300.0,other,Room 1,\"'=HYPERLINK(\"\"x\"\"), found on the floor, \"\"ok\"\"\"", csv[2]);
        Assert.Equal("", csv[3]);
    }
}
