using Edge.Gateway.Ingest;
using Edge.Gateway.Supervision;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Tests;

public class OptionsValidationTests
{
    [Fact]
    public async Task IngestOptions_SeveralBadValues_ReportsEveryError()
    {
        await using var gw = await TestGateway.CreateAsync(new()
        {
            ["Ingest:SiteId"] = "bad/site",
            ["Ingest:DeviceQueueCapacity"] = "1",
            ["Ingest:ReorderTimeout"] = "00:10:00",
        });

        var e = Assert.Throws<OptionsValidationException>(() => gw.Host.Services.GetRequiredService<IOptions<IngestOptions>>().Value);

        Assert.Contains(e.Failures, f => f.Contains("SiteId", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("DeviceQueueCapacity", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("ReorderTimeout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SupervisionOptions_InvertedHysteresisAndShortTriggeredTimeout_ReportsBoth()
    {
        // Supervision reads its options while the gateway is composed, so composing fails.
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => TestGateway.CreateAsync(new()
        {
            ["Supervision:BatteryLowPercent"] = "40",
            ["Supervision:BatteryClearPercent"] = "30",
            ["Supervision:TriggeredOfflineAfter"] = "00:00:10",
        }));

        Assert.Contains(e.Failures, f => f.Contains("BatteryClearPercent", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("TriggeredOfflineAfter", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SupervisionOptions_CheckIntervalOutOfRange_ReportsAttributeAndCrossFieldErrors()
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => TestGateway.CreateAsync(new() { ["Supervision:CheckInterval"] = "00:10:00" }));

        Assert.Equal(2, e.Failures.Count(f => f.Contains("CheckInterval", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task HostStart_BadDiagnosticsPort_FailsBeforeAnythingRuns()
    {
        await using var gw = await TestGateway.CreateAsync(new() { ["Diagnostics:HttpPort"] = "70000" });

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => gw.Host.StartAsync());
        Assert.Contains("HttpPort", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Defaults_AreValid()
    {
        await using var gw = await TestGateway.CreateAsync();

        Assert.Equal(1024, gw.Host.Services.GetRequiredService<IOptions<IngestOptions>>().Value.DeviceQueueCapacity);
        Assert.Equal(15, gw.Host.Services.GetRequiredService<IOptions<SupervisionOptions>>().Value.BatteryLowPercent);
        var mqtt = gw.Host.Services.GetRequiredService<IOptions<Edge.Mqtt.MqttClientOptions>>().Value;
        Assert.False(mqtt.CleanSession);
        Assert.Equal("edge-gateway-site1", mqtt.ClientId);
    }
}
