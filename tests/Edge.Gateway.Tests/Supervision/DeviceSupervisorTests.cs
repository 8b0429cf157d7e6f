using Edge.Gateway.Incidents;
using Edge.Gateway.Supervision;
using Edge.Protocol;

namespace Edge.Gateway.Tests.Supervision;

public class DeviceSupervisorTests
{
    // Registered devices that never speak go offline too (after the timeout from start), so each
    // test looks at the resident it drives.
    private static async Task<IReadOnlyList<Incident>> OpenAsync(TestGateway gw, IncidentType type, string? resident = null) =>
        [.. (await gw.Incidents.ListOpenAsync()).Where(i => i.Type == type && (resident is null || i.ResidentId == resident))];

    private static async Task StatusAsync(TestGateway gw, string device, byte[] status)
    {
        gw.Offer(device, "status", status);
        await gw.DrainAsync();
        await gw.Supervisor.EvaluateAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Evaluate_BatteryFallsBelowLow_RaisesOncePerEpisodeWithHysteresis()
    {
        await using var gw = await TestGateway.CreateAsync();
        uint seq = 0;

        await StatusAsync(gw, "dev1", Messages.Status("dev1", seq++, soc: 40));
        Assert.Empty(await OpenAsync(gw, IncidentType.BatteryLow));

        await StatusAsync(gw, "dev1", Messages.Status("dev1", seq++, soc: 14));
        var first = Assert.Single(await OpenAsync(gw, IncidentType.BatteryLow));
        Assert.Equal("res1", first.ResidentId);

        // Wobbling around the threshold, and a brief charge to 25 %, stay in the same episode.
        foreach (var soc in new byte[] { 16, 13, 25, 12 })
        {
            await StatusAsync(gw, "dev1", Messages.Status("dev1", seq++, soc: soc));
        }

        Assert.Equal(first.Id, Assert.Single(await OpenAsync(gw, IncidentType.BatteryLow)).Id);
        Assert.Equal(1, (await gw.Incidents.GetAsync(first.Id))!.TriggerCount);

        await StatusAsync(gw, "dev1", Messages.Status("dev1", seq++, soc: 31));
        Assert.Empty(await OpenAsync(gw, IncidentType.BatteryLow));
        Assert.Equal(IncidentOutcome.Cleared, (await gw.Incidents.GetAsync(first.Id))!.Outcome);

        await StatusAsync(gw, "dev1", Messages.Status("dev1", seq++, soc: 10));
        Assert.NotEqual(first.Id, Assert.Single(await OpenAsync(gw, IncidentType.BatteryLow)).Id);
    }

    [Fact]
    public async Task Evaluate_LastWillWhileWorn_RaisesDeviceOffline()
    {
        await using var gw = await TestGateway.CreateAsync();
        await StatusAsync(gw, "dev2", Messages.Status("dev2", 1));

        await StatusAsync(gw, "dev2", Messages.Status("dev2", 0, online: false));
        Assert.Empty(await OpenAsync(gw, IncidentType.DeviceOffline)); // a will settles first (a broker shutting down sends them all)
        gw.Time.Advance(DeviceSupervisor.WillSettle);
        await gw.Supervisor.EvaluateAsync(CancellationToken.None);

        var offline = Assert.Single(await OpenAsync(gw, IncidentType.DeviceOffline));
        Assert.Equal("res2", offline.ResidentId);
        Assert.Contains("last will", offline.Detail, StringComparison.Ordinal);
        Assert.Equal(DeviceConnectivity.Offline, gw.Supervisor.GetBoard().Single(d => d.DeviceId == "dev2").State);
    }

    [Fact]
    public async Task Evaluate_LastWillWhileDocked_IsDockedNotOffline()
    {
        await using var gw = await TestGateway.CreateAsync();
        await StatusAsync(gw, "dev2", Messages.Status("dev2", 1, externalPower: true, charging: true, worn: false));

        await StatusAsync(gw, "dev2", Messages.Status("dev2", 0, online: false));
        gw.Time.Advance(TimeSpan.FromMinutes(10));
        await gw.Supervisor.EvaluateAsync(CancellationToken.None);

        Assert.Empty(await OpenAsync(gw, IncidentType.DeviceOffline, "res2"));
        Assert.Empty(await OpenAsync(gw, IncidentType.NotWorn, "res2"));
        Assert.Equal(DeviceConnectivity.Docked, gw.Supervisor.GetBoard().Single(d => d.DeviceId == "dev2").State);
    }

    [Fact]
    public async Task Evaluate_StreamingDeviceSilent_OfflineOnlyAfterTimeout()
    {
        await using var gw = await TestGateway.CreateAsync();
        await StatusAsync(gw, "dev1", Messages.Status("dev1", 1));

        gw.Time.Advance(TimeSpan.FromSeconds(59));
        await gw.Supervisor.EvaluateAsync(CancellationToken.None);
        Assert.Empty(await OpenAsync(gw, IncidentType.DeviceOffline, "res1"));

        gw.Time.Advance(TimeSpan.FromSeconds(2));
        await gw.Supervisor.EvaluateAsync(CancellationToken.None);
        Assert.Single(await OpenAsync(gw, IncidentType.DeviceOffline, "res1"));

        // It comes back: the incident is cleared by the gateway.
        await StatusAsync(gw, "dev1", Messages.Status("dev1", 2));
        Assert.Empty(await OpenAsync(gw, IncidentType.DeviceOffline, "res1"));
    }

    [Fact]
    public async Task Evaluate_QuietTriggeredDeviceWithHeartbeats_IsNotOffline()
    {
        await using var gw = await TestGateway.CreateAsync();
        for (uint i = 0; i < 10; i++)
        {
            await StatusAsync(gw, "dev3", Messages.Status("dev3", i, mode: DeviceMode.Triggered));
            gw.Time.Advance(TimeSpan.FromMinutes(2));
            await gw.Supervisor.EvaluateAsync(CancellationToken.None);
        }

        Assert.Empty(await OpenAsync(gw, IncidentType.DeviceOffline, "res3"));

        gw.Time.Advance(TimeSpan.FromMinutes(4));
        await gw.Supervisor.EvaluateAsync(CancellationToken.None);
        Assert.Single(await OpenAsync(gw, IncidentType.DeviceOffline, "res3"));
    }

    [Fact]
    public async Task Evaluate_BrokerDown_NoMassOfflineAfterReconnect()
    {
        await using var gw = await TestGateway.CreateAsync();
        await StatusAsync(gw, "dev1", Messages.Status("dev1", 1));
        gw.Source.IsConnected = false;
        gw.Time.Advance(TimeSpan.FromMinutes(5));
        await gw.Supervisor.EvaluateAsync(CancellationToken.None);
        gw.Source.IsConnected = true;
        await gw.Supervisor.EvaluateAsync(CancellationToken.None);

        Assert.Empty(await OpenAsync(gw, IncidentType.DeviceOffline));
    }

    [Fact]
    public async Task Evaluate_NeverHeardDevice_UnknownThenOfflineAfterTimeout()
    {
        await using var gw = await TestGateway.CreateAsync();
        gw.Source.IsConnected = false;
        await gw.Supervisor.EvaluateAsync(CancellationToken.None);
        gw.Source.IsConnected = true;
        await gw.Supervisor.EvaluateAsync(CancellationToken.None);
        Assert.Equal(DeviceConnectivity.Unknown, gw.Supervisor.GetBoard().Single(d => d.DeviceId == "dev2").State);

        gw.Time.Advance(TimeSpan.FromSeconds(61));
        await gw.Supervisor.EvaluateAsync(CancellationToken.None);

        var offline = Assert.Single(await OpenAsync(gw, IncidentType.DeviceOffline, "res2"));
        Assert.Contains("not heard from", offline.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_NotWornFlag_RaisesAfterGraceAndClearsWhenWorn()
    {
        await using var gw = await TestGateway.CreateAsync();
        await StatusAsync(gw, "dev1", Messages.Status("dev1", 1, worn: false));
        gw.Time.Advance(TimeSpan.FromMinutes(4));
        await StatusAsync(gw, "dev1", Messages.Status("dev1", 2, worn: false));
        Assert.Empty(await OpenAsync(gw, IncidentType.NotWorn));

        gw.Time.Advance(TimeSpan.FromMinutes(2));
        await StatusAsync(gw, "dev1", Messages.Status("dev1", 3, worn: false));
        Assert.Single(await OpenAsync(gw, IncidentType.NotWorn));
        Assert.False(gw.Supervisor.IsWorn("dev1"));

        await StatusAsync(gw, "dev1", Messages.Status("dev1", 4, worn: true));
        Assert.Empty(await OpenAsync(gw, IncidentType.NotWorn));
    }

    [Fact]
    public async Task Evaluate_StreamWithoutMovementForHours_IsNotWorn()
    {
        await using var gw = await TestGateway.CreateAsync(new() { ["Supervision:StillNotWornAfter"] = "00:30:00", ["Supervision:NotWornAfter"] = "00:00:00" });
        await StatusAsync(gw, "dev1", Messages.Status("dev1", 1));
        uint seq = 0;
        for (var minute = 0; minute < 40; minute++)
        {
            var batch = Messages.Still("dev1", seq++);
            for (var i = 0; i < batch.SampleCount; i++)
            {
                batch.Samples[3 * i] = 0; // perfectly still: a sensor lying on a table
            }

            gw.Offer("dev1", "accel", Messages.Bytes(batch));
            await gw.DrainAsync();
            gw.Time.Advance(TimeSpan.FromMinutes(1));
            await gw.Supervisor.EvaluateAsync(CancellationToken.None);
        }

        var notWorn = Assert.Single(await OpenAsync(gw, IncidentType.NotWorn));
        Assert.Contains("no movement", notWorn.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnprotectedMinutes_NotWornThenOffline_AreRecordedPerReason()
    {
        await using var gw = await TestGateway.CreateAsync();
        var from = gw.Time.GetUtcNow();
        await StatusAsync(gw, "dev1", Messages.Status("dev1", 1, worn: false));
        gw.Time.Advance(TimeSpan.FromMinutes(10));
        await StatusAsync(gw, "dev1", Messages.Status("dev1", 2, worn: true));
        gw.Time.Advance(TimeSpan.FromMinutes(5));
        await StatusAsync(gw, "dev1", Messages.Status("dev1", 0, online: false));
        gw.Time.Advance(TimeSpan.FromMinutes(3));
        await gw.Supervisor.EvaluateAsync(CancellationToken.None);

        var summary = await gw.Unprotected.QueryAsync(from, gw.Time.GetUtcNow());

        Assert.Equal(10, summary.Single(s => s.ResidentId == "res1" && s.Reason == "not_worn").Minutes, 3);
        Assert.Equal(3, summary.Single(s => s.ResidentId == "res1" && s.Reason == "offline").Minutes, 3);
    }

    [Fact]
    public async Task ResumeAsync_AfterRestart_DoesNotRaiseASecondBatteryIncident()
    {
        await using var gw = await TestGateway.CreateAsync();
        await StatusAsync(gw, "dev1", Messages.Status("dev1", 1, soc: 10));
        Assert.Single(await OpenAsync(gw, IncidentType.BatteryLow));

        // A new supervisor over the same database, as after a restart.
        var again = new DeviceSupervisor(gw.Registry, gw.Incidents, gw.Raiser, gw.Unprotected, gw.Source,
            Microsoft.Extensions.Options.Options.Create(new SupervisionOptions()), gw.Time,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<DeviceSupervisor>.Instance);
        await again.ResumeAsync(CancellationToken.None);
        var status = WireDecoder.Decode(Messages.Status("dev1", 2, soc: 9)).DeviceStatus;
        gw.Registry.TryGetAssignment("dev1", out var a);
        again.OnStatus(a, status, gw.Time.GetUtcNow(), retained: false);
        await again.EvaluateAsync(CancellationToken.None);

        var open = Assert.Single(await OpenAsync(gw, IncidentType.BatteryLow));
        Assert.Equal(1, open.TriggerCount);
    }
}
