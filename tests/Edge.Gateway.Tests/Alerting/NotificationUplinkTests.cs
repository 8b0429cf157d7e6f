using System.Globalization;
using System.Text.Json.Nodes;
using Edge.Gateway.Alerting;
using Edge.Gateway.Incidents;
using Microsoft.Data.Sqlite;

namespace Edge.Gateway.Tests.Alerting;

/// <summary>Notification attempts reach the uplink outbox in the transaction that records them.</summary>
public class NotificationUplinkTests
{
    private static readonly Dictionary<string, string?> UplinkQueuedOnly = new()
    {
        // The outbox is written; nothing is sent (no cloud in this test).
        ["Uplink:Enabled"] = "false",
        ["Uplink:GatewayId"] = "gw1",
        ["Uplink:SiteId"] = "site1",
    };

    [Fact]
    public async Task Page_WithUplinkConfigured_AttemptQueuedForTheCloudWithoutNames()
    {
        await using var gw = await AlertingGateway.CreateAsync(settings: UplinkQueuedOnly);
        var fall = (await gw.RaiseAsync(IncidentType.Fall)).Incident;
        await gw.SettleAsync();
        var page = Assert.Single(gw.Pager.Sends);
        Assert.Contains("Alice", page.Message.Text, StringComparison.Ordinal);

        var events = await ReadOutboxAsync(gw.Dir.File("gateway.db"), "notification.attempt");
        var json = Assert.Single(events);
        var e = JsonNode.Parse(json)!;
        Assert.Equal(fall.Id.ToString(CultureInfo.InvariantCulture), e["incidentId"]!.GetValue<string>());
        Assert.Equal("espa", e["notification"]!["channel"]!.GetValue<string>());
        Assert.Equal("101", e["notification"]!["target"]!.GetValue<string>());
        Assert.Equal("delivered", e["notification"]!["result"]!.GetValue<string>());
        Assert.DoesNotContain("Alice", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_WithoutUplink_NothingQueued()
    {
        await using var gw = await AlertingGateway.CreateAsync();
        await gw.RaiseAsync(IncidentType.Fall);
        await gw.SettleAsync();
        Assert.Single(gw.Pager.Sends);

        Assert.Empty(await ReadOutboxAsync(gw.Dir.File("gateway.db"), "notification.attempt"));
    }

    private static async Task<List<string>> ReadOutboxAsync(string database, string type)
    {
        await using var c = new SqliteConnection($"Data Source={database};Pooling=false");
        await c.OpenAsync();
        await using var exists = c.CreateCommand();
        exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'uplink_outbox'";
        if ((long)(await exists.ExecuteScalarAsync())! == 0)
        {
            return [];
        }

        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT event FROM uplink_outbox WHERE type = $t ORDER BY id";
        cmd.Parameters.AddWithValue("$t", type);
        var rows = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            rows.Add(r.GetString(0));
        }

        return rows;
    }
}
