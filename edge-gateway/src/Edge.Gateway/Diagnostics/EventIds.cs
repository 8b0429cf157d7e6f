namespace Edge.Gateway.Diagnostics;

/// <summary>
/// Every log event id the gateway writes, in one place. Operators alert on these numbers, so an id
/// keeps its meaning forever: never renumber, never reuse; add new ones at the end of a block.
/// Blocks follow the pipeline: 1xxx ingest, 2xxx detection, 3xxx incidents, 4xxx supervision,
/// 5xxx registry, 7xxx diagnostics/host, 8xxx commissioning and self-test, 9xxx escalation and staff
/// page, 10xxx storage. Libraries the gateway hosts log with their own blocks, which these must not
/// overlap: Edge.Mqtt 1100–1199, Edge.Alerting's channels 6000–6299 (so storage moved from 6xxx to
/// 10xxx before any release).
/// </summary>
internal static class EventIds
{
    // Ingest
    public const int IngestStarted = 1001;
    public const int UnknownDevice = 1002;
    public const int MalformedPayload = 1003;
    public const int DeviceIdMismatch = 1004;
    public const int DeviceQueueOverflow = 1005;
    public const int SequenceGap = 1006;
    public const int DeviceRebooted = 1007;
    public const int ForeignTopic = 1008;
    public const int SourceConnectionChanged = 1009;
    public const int TestPress = 1010;
    public const int IngestLoopFailed = 1011;
    public const int BrokerDroppedMessages = 1012;
    public const int AcknowledgementsReleasedEarly = 1013;
    public const int RetainedMessageIgnored = 1014;
    public const int RetainedMessageCleared = 1015;
    public const int RetainedMessageClearFailed = 1016;

    // Detection
    public const int ModelLoaded = 2001;
    public const int ModelInvalid = 2002;
    public const int FallDetected = 2003;
    public const int SensitivityChanged = 2004;
    public const int DetectorFailed = 2005;
    public const int FallCommitted = 2006;

    // Incidents (alert path: these ids are permanent)
    public const int IncidentRaised = 3001;
    public const int IncidentRetriggered = 3002;
    public const int IncidentAccepted = 3003;
    public const int IncidentResolved = 3004;
    public const int IncidentObserverFailed = 3005;
    public const int IncidentsResumed = 3006;
    public const int IncidentRaiseFailed = 3007;
    public const int IncidentRaiseDeferred = 3008;
    public const int StorageRecovered = 3009;

    // Supervision
    public const int DeviceOffline = 4001;
    public const int DeviceOnline = 4002;
    public const int DeviceDocked = 4003;
    public const int BatteryLow = 4004;
    public const int BatteryRecovered = 4005;
    public const int NotWorn = 4006;
    public const int Worn = 4007;
    public const int GatewayFault = 4008;
    public const int GatewayCheckFailed = 4009;
    public const int SupervisionFailed = 4010;
    public const int DeviceFaultReported = 4020;
    public const int GatewayCheckRecovered = 4011;
    public const int UplinkFaultNotRaised = 4012;

    // Registry
    public const int RegistryImported = 5001;
    public const int RegistryLoaded = 5002;

    // Storage
    public const int DatabaseOpened = 10001;
    public const int BackupWritten = 10002;
    public const int BackupFailed = 10003;

    // Diagnostics / host
    public const int HttpListening = 7001;
    public const int HttpRequestFailed = 7002;
    public const int WatchdogEnabled = 7003;
    public const int WatchdogUnhealthy = 7004;
    public const int WatchdogHealthy = 7005;

    // Commissioning and the periodic end-to-end self-test
    public const int CommissioningStarted = 8001;
    public const int CommissioningEnded = 8002;
    public const int CommissioningIncidentRouted = 8003;
    public const int CommissioningCheckPassed = 8004;
    public const int SelfTestPassed = 8005;
    public const int SelfTestFailed = 8006;
    public const int CommissioningFailed = 8007;
}
