using Edge.Cloud.Contracts;
using Edge.TestKit;
using Edge.Uplink.Delivery;
using Edge.Uplink.Outbox;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edge.Uplink.IntegrationTests;

/// <summary>The uplink as the gateway hosts it, over an outbox database, with the test's clock; it logs into the test's environment.</summary>
internal sealed class UplinkHost : IAsyncDisposable
{
    private readonly IHost _host;

    private UplinkHost(IHost host, string databasePath)
    {
        _host = host;
        Connections = new SqliteFileConnectionFactory(databasePath);
    }

    public SqliteFileConnectionFactory Connections { get; }

    public OutboxWriter Writer => _host.Services.GetRequiredService<OutboxWriter>();

    public OutboxStore Store => _host.Services.GetRequiredService<OutboxStore>();

    public UplinkStatus Status => _host.Services.GetRequiredService<UplinkStatus>();

    public static async Task<UplinkHost> StartAsync(TestEnvironment env, string databasePath, TimeProvider time, IDictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(env);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(settings);
        env.Capture(builder.Logging, "uplink");
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton<IOutboxConnectionFactory>(new SqliteFileConnectionFactory(databasePath));
        builder.AddUplink();
        var host = builder.Build();
        await host.StartAsync();
        return new UplinkHost(host, databasePath);
    }

    /// <summary>Records something in its own transaction, as the gateway does for a transition.</summary>
    public async Task InTransactionAsync(Action<SqliteTransaction> write)
    {
        await using var c = await Connections.OpenAsync(default);
        await using var tx = (SqliteTransaction)await c.BeginTransactionAsync();
        write(tx);
        await tx.CommitAsync();
    }

    public static Dictionary<string, string?> Settings(int port, string key) => new()
    {
        ["Uplink:Enabled"] = "true",
        ["Uplink:CloudUrl"] = $"http://127.0.0.1:{port}/",
        ["Uplink:GatewayId"] = TestCloud.GatewayId,
        ["Uplink:SiteId"] = TestCloud.SiteId,
        ["Uplink:GatewayKey"] = key,
        ["Uplink:BatchSize"] = "250",
        ["Uplink:InitialBackoff"] = "00:00:02",
        ["Uplink:MaxBackoff"] = "00:05:00",
        ["Uplink:PollInterval"] = "00:00:02",
    };

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}

internal static class Payloads
{
    public static IncidentPayload Raised(int i) => new() { Kind = i % 5 == 0 ? "manual_call" : "fall", DeviceId = $"dev-{i % 40}", ResidentRef = $"r-{i % 40}", Unit = i % 2 == 0 ? "East" : "West", Room = $"{i % 40}", Score = 0.87 };

    public static HealthSummaryPayload Health(DateTimeOffset end) => new()
    {
        PeriodStart = end.AddHours(-1),
        PeriodEnd = end,
        DevicesTotal = 3,
        DevicesProtected = 2,
        Devices =
        [
            new DeviceHealthEntry { DeviceId = "dev-1", State = DeviceStates.Protected, UnprotectedSeconds = 0, BatteryPercent = 80 },
            new DeviceHealthEntry { DeviceId = "dev-2", State = DeviceStates.Protected, UnprotectedSeconds = 120 },
            new DeviceHealthEntry { DeviceId = "dev-3", State = DeviceStates.Docked, UnprotectedSeconds = 3600 },
        ],
    };
}
