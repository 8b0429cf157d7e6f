namespace Edge.Cloud.Api.Diagnostics;

/// <summary>
/// Every log event id the cloud service writes, the cloud process's one registry. Ids keep their meaning
/// forever: never renumber or reuse. 21xxx ingest, 22xxx security, 23xxx storage, 24xxx query/dashboard.
/// The gateway's registry (edge-gateway/src/Edge.Logging/EventIds.cs) keeps below 20000: the demo runs this
/// service and the gateway in one process. Until issue 18 these ids were 1xxx–3xxx (now 20000 + the old id).
/// A test fails when two <c>[LoggerMessage]</c> methods of one process share an id
/// (tests/Edge.Gateway.Tests/Diagnostics/LogEventIdTests.cs).
/// </summary>
internal static class EventIds
{
    public const int BatchStored = 21001;
    public const int BatchRefused = 21002;
    public const int EventsRejected = 21003;
    public const int RateLimited = 21004;

    public const int GatewayKeyRefused = 22001;
    public const int GatewayForbidden = 22002;
    public const int LoginFailed = 22003;
    public const int LoginSucceeded = 22004;
    public const int SessionRefused = 22005;
    public const int SignedOut = 22006;
    public const int LoginRefusedDisabled = 22007;

    public const int SchemaMigrated = 23001;
    public const int StorageSelected = 23002;
}
