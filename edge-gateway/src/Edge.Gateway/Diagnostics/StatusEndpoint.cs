using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Edge.Gateway.Incidents;
using Edge.Gateway.Ingest;
using Edge.Gateway.Supervision;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Diagnostics;

/// <summary>
/// A tiny read-only JSON endpoint on 127.0.0.1 for the demo and for a technician with ssh: open
/// incidents, the device board, ingest counters and unprotected minutes. No writes and no sign-in
/// (loopback only), so it leaves residents' names and carers' notes out: any local account can read it.
/// Residents appear by registry id and room; names are on the signed-in staff page. A plain HttpListener: the staff
/// page is the ASP.NET Core (Kestrel) app in StaffPage/.
/// </summary>
internal sealed partial class StatusEndpoint(
    IOptions<DiagnosticsOptions> options,
    IIncidentService incidents,
    DeviceSupervisor supervisor,
    UnprotectedTimeStore unprotected,
    IngestPipeline ingest,
    ISensorMessageSource source,
    AcknowledgementLedger acknowledgements,
    BrokerHealth broker,
    TimeProvider time,
    ILogger<StatusEndpoint> logger) : BackgroundService
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        WriteIndented = true,
    };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var port = options.Value.HttpPort;
        if (port <= 0)
        {
            return;
        }

        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        Log.Listening(logger, port);
        await using var stop = stoppingToken.Register(listener.Stop).ConfigureAwait(false);
        while (!stoppingToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException e)
            {
                Log.RequestFailed(logger, e);
                continue;
            }

            _ = Task.Run(() => HandleAsync(context, stoppingToken), CancellationToken.None);
        }
    }

    private async Task HandleAsync(HttpListenerContext context, CancellationToken ct)
    {
        var response = context.Response;
        try
        {
            object? body = context.Request.HttpMethod != "GET" ? null : context.Request.Url?.AbsolutePath switch
            {
                "/api/incidents" => WithoutNames(await incidents.ListOpenAsync(ct).ConfigureAwait(false)),
                "/api/incidents/recent" => WithoutNames(await incidents.ListAsync(time.GetUtcNow().AddDays(-1), time.GetUtcNow().AddMinutes(1), 500, ct).ConfigureAwait(false)),
                "/api/devices" => supervisor.GetBoard().Select(d => d with { ResidentName = "" }).ToList(),
                "/api/ingest" => new { totals = ingest.GetTotals(), transport = (source as MqttSensorMessageSource)?.Statistics, acknowledgements = new { held = acknowledgements.Held, releasedEarly = acknowledgements.ReleasedEarly }, session = new { probesSent = broker.ProbesSent, probesReturned = broker.ProbesReturned, brokerDropped = broker.Dropped }, devices = ingest.GetDeviceCounters() },
                "/api/unprotected" => await unprotected.QueryAsync(time.GetUtcNow().AddDays(-1), time.GetUtcNow(), null, ct).ConfigureAwait(false),
                _ => null,
            };
            if (body is null)
            {
                response.StatusCode = context.Request.HttpMethod != "GET" ? 405 : 404;
            }
            else
            {
                response.ContentType = "application/json; charset=utf-8";
                await JsonSerializer.SerializeAsync(response.OutputStream, body, body.GetType(), Json, ct).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // A failed diagnostics request must not take the gateway down.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.RequestFailed(logger, e);
            response.StatusCode = 500;
        }
        finally
        {
            response.Close();
        }
    }

    private static List<Incident> WithoutNames(IEnumerable<Incident> list) => [.. list.Select(i => i with { ResidentName = null, Note = null })];

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.HttpListening, Level = LogLevel.Information, Message = "Read-only status endpoint on http://127.0.0.1:{Port}/api/incidents")]
        public static partial void Listening(ILogger logger, int port);

        [LoggerMessage(EventId = EventIds.HttpRequestFailed, Level = LogLevel.Warning, Message = "Status endpoint request failed")]
        public static partial void RequestFailed(ILogger logger, Exception exception);
    }
}
