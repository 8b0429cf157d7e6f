using Edge.Gateway.Detection;
using Edge.Gateway.Diagnostics;
using Edge.Gateway.Ingest;
using Edge.Gateway.Prevention;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Tests.Ingest;

/// <summary>
/// Ingest's parts built on their own over a <see cref="TestGateway"/>'s services (registry, supervision, detection,
/// prevention, acknowledgement ledger and raiser over a real SQLite file), as <see cref="IngestPipeline"/> builds
/// them, with a logger that keeps what they write.
/// </summary>
internal sealed class IngestParts
{
    public IngestParts(TestGateway gw)
    {
        var services = gw.Host.Services;
        Options = services.GetRequiredService<IOptions<IngestOptions>>().Value;
        var metrics = services.GetRequiredService<GatewayMetrics>();
        var rateLimit = new RateLimitedLog(gw.Time, Options.WarningLogInterval);
        Refusals = new IngestRefusals(metrics, rateLimit, Logger);
        Scheduler = new FairScheduler(Options);
        Broker = services.GetRequiredService<BrokerHealth>();
        Retained = services.GetRequiredService<RetainedMessageGuard>();
        Acks = services.GetRequiredService<AcknowledgementLedger>();
        Admission = new MessageAdmission(Options, gw.Registry, Broker, Retained, Scheduler, Refusals, gw.Time, metrics, Logger);
        Handler = new MessageHandler(Options, gw.Registry, gw.Supervisor, services.GetRequiredService<DetectionStage>(), services.GetRequiredService<PreventionStage>(),
            Acks, gw.Raiser, Refusals, rateLimit, gw.Time, metrics, Logger);
    }

    public ListLogger<IngestPipeline> Logger { get; } = new();

    public IngestOptions Options { get; }

    public IngestRefusals Refusals { get; }

    public FairScheduler Scheduler { get; }

    public BrokerHealth Broker { get; }

    public RetainedMessageGuard Retained { get; }

    public AcknowledgementLedger Acks { get; }

    public MessageAdmission Admission { get; }

    public MessageHandler Handler { get; }

    public OfferOutcome Admit(string deviceId, string leaf, byte[] payload, IDeliveryReceipt? receipt = null) =>
        Admission.Admit(new SensorMessage($"care/site1/sensors/{deviceId}/{leaf}", payload, Receipt: receipt));

    /// <summary>Serves every ready device through the handler as the worker does (process, then acknowledge).</summary>
    public async Task DrainAsync()
    {
        while (Scheduler.TryNextTurn(out var device, out var sweep))
        {
            if (sweep)
            {
                continue;
            }

            var served = 0;
            while (Scheduler.TryNextMessage(device!, ref served, out var message))
            {
                await Handler.ProcessAsync(device!, message, CancellationToken.None);
                Handler.Acknowledge(device!, message);
            }

            Scheduler.EndTurn(device!);
        }
    }
}
