using System.Buffers;
using System.Text.Json;
using Edge.Cloud.Api.Diagnostics;
using Edge.Cloud.Api.Security;
using Edge.Cloud.Contracts;
using Edge.Cloud.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Edge.Cloud.Api.Ingest;

/// <summary><c>POST /api/v1/gateways/{gatewayId}/events</c>: a batch of events from one gateway.</summary>
public static class IngestApi
{
    public const string RateLimitPolicy = "per-gateway";

    public static IEndpointRouteBuilder MapIngestApi(this IEndpointRouteBuilder endpoints)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<IngestOptions>>().Value;
        endpoints.MapPost("/api/v1/gateways/{gatewayId}/events", PostEventsAsync)
            .RequireAuthorization(EdgeClaims.GatewayPolicy)
            .RequireRateLimiting(RateLimitPolicy)
            // Kestrel stops reading past this; the handler also counts bytes itself (TestServer does not enforce it).
            .WithMetadata(new RequestSizeLimitAttribute(options.MaxBodyBytes))
            .Accepts<UplinkBatch>("application/json")
            .Produces<UplinkBatchResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithName("PostGatewayEvents")
            .WithSummary("Store a batch of alert and health events from one gateway; each event is answered accepted, duplicate or rejected.");
        return endpoints;
    }

    internal static async Task<IResult> PostEventsAsync(
        string gatewayId,
        HttpContext context,
        IIngestStore store,
        TimeProvider time,
        IOptions<IngestOptions> options,
        IngestMetrics metrics,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger(typeof(IngestApi));
        var limits = options.Value;
        var caller = context.User.Get(EdgeClaims.GatewayId)!;
        var site = context.User.Get(EdgeClaims.SiteId)!;

        IResult Refuse(int status, string title, string detail)
        {
            metrics.Refused(status);
            Log.BatchRefused(logger, caller, status, detail);
            return Results.Problem(title: title, detail: detail, statusCode: status);
        }

        if (!string.Equals(caller, gatewayId, StringComparison.Ordinal))
        {
            Log.GatewayForbidden(logger, caller, gatewayId);
            // Naming the key's own gateway tells the technician what Uplink:GatewayId must be; the caller holds
            // that key, so it learns nothing it could not use anyway.
            return Refuse(StatusCodes.Status403Forbidden, "Forbidden", $"This key belongs to gateway '{caller}', not '{gatewayId}': set Uplink:GatewayId to '{caller}' (./edge provision uplink gateway-id --id {caller}).");
        }

        if (!context.Request.HasJsonContentType())
        {
            return Refuse(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "Send application/json.");
        }

        var body = await ReadBodyAsync(context.Request, limits.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return Refuse(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"A batch may be at most {limits.MaxBodyBytes} bytes.");
        }

        UplinkBatch? batch;
        try
        {
            batch = JsonSerializer.Deserialize(body.WrittenSpan, UplinkJsonContext.Default.UplinkBatch);
        }
        catch (JsonException ex)
        {
            return Refuse(StatusCodes.Status400BadRequest, "Malformed JSON", $"The body is not a valid batch: {ex.Message}");
        }

        if (batch?.Events is not { } events || events.Count == 0 || events.Any(e => e is null))
        {
            metrics.Refused(StatusCodes.Status400BadRequest);
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["events"] = ["A batch needs 1 or more events."] });
        }

        if (events.Count > limits.MaxEventsPerBatch)
        {
            metrics.Refused(StatusCodes.Status400BadRequest);
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["events"] = [$"A batch may hold at most {limits.MaxEventsPerBatch} events."] });
        }

        // Writing for another gateway or another site is not a data error but an authorization one:
        // the whole batch is refused and nothing is stored.
        if (events.FirstOrDefault(e => !string.Equals(e.GatewayId, gatewayId, StringComparison.Ordinal)) is { } foreignGateway)
        {
            return Refuse(StatusCodes.Status403Forbidden, "Forbidden", $"Event '{foreignGateway.IdempotencyKey}' names another gateway.");
        }

        if (events.FirstOrDefault(e => !string.Equals(e.SiteId, site, StringComparison.Ordinal)) is { } foreignSite)
        {
            return Refuse(StatusCodes.Status403Forbidden, "Forbidden", $"Event '{foreignSite.IdempotencyKey}' names a site this gateway does not belong to.");
        }

        var now = time.GetUtcNow();
        var reasons = new string?[events.Count];
        var valid = new List<UplinkEvent>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            reasons[i] = EventValidator.Validate(events[i], now, limits.MaxClockSkew);
            if (reasons[i] is null)
            {
                valid.Add(events[i]);
            }
        }

        var stored = await store.InsertAsync(valid, now, cancellationToken).ConfigureAwait(false);

        var results = new UplinkEventResult[events.Count];
        int accepted = 0, duplicates = 0, rejected = 0, v = 0;
        for (var i = 0; i < events.Count; i++)
        {
            string status;
            if (reasons[i] is not null)
            {
                status = UplinkEventStatus.Rejected;
                rejected++;
            }
            else if (stored[v++])
            {
                status = UplinkEventStatus.Accepted;
                accepted++;
            }
            else
            {
                status = UplinkEventStatus.Duplicate;
                duplicates++;
            }

            results[i] = new UplinkEventResult { Index = i, IdempotencyKey = events[i].IdempotencyKey, Status = status, Reason = reasons[i] };
        }

        metrics.Recorded(accepted, duplicates, rejected);
        Log.BatchStored(logger, gatewayId, accepted, duplicates, rejected);
        if (rejected > 0)
        {
            Log.EventsRejected(logger, gatewayId, rejected, reasons.First(r => r is not null)!);
        }

        return Results.Json(
            new UplinkBatchResult { Accepted = accepted, Duplicates = duplicates, Rejected = rejected, Results = results },
            UplinkJsonContext.Default.UplinkBatchResult);
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes; null when the body is larger.</summary>
    private static async Task<ArrayBufferWriter<byte>?> ReadBodyAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 16 * 1024, limit) + 1);
        try
        {
            while (true)
            {
                var memory = buffer.GetMemory(16 * 1024);
                var read = await request.Body.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return buffer;
                }

                buffer.Advance(read);
                if (buffer.WrittenCount > limit)
                {
                    return null;
                }
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null; // Kestrel's own limit (RequestSizeLimit metadata) tripped first
        }
    }
}
