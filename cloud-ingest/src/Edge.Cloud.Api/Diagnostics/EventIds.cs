namespace Edge.Cloud.Api.Diagnostics;

/// <summary>
/// Every log event id the cloud service writes. Ids keep their meaning forever: never renumber or reuse.
/// 1xxx ingest, 2xxx security, 3xxx storage, 4xxx query/dashboard.
/// </summary>
internal static class EventIds
{
    public const int BatchStored = 1001;
    public const int BatchRefused = 1002;
    public const int EventsRejected = 1003;
    public const int RateLimited = 1004;

    public const int GatewayKeyRefused = 2001;
    public const int GatewayForbidden = 2002;
    public const int LoginFailed = 2003;
    public const int LoginSucceeded = 2004;
    public const int SessionRefused = 2005;
    public const int SignedOut = 2006;
    public const int LoginRefusedDisabled = 2007;

    public const int SchemaMigrated = 3001;
    public const int StorageSelected = 3002;
}
