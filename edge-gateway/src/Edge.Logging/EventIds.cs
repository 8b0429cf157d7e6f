namespace Edge.Logging;

/// <summary>
/// Every log event id written in the gateway process, in one place: the gateway host (Edge.Gateway) and the
/// libraries it loads (Edge.Mqtt, Edge.Alerting, Edge.Uplink; Edge.Detection, Edge.Provisioning and
/// Edge.Protocol do not log). The programs built from the same libraries (the simulator, the provision CLI, the
/// pager console, the demo) take their ids from here too, so an id means one thing wherever it appears.
/// Operators alert on these numbers: an id keeps its meaning forever. Never renumber, never reuse one (retired
/// ids stay below, marked), add new ones at the end of their block. A test fails when two <c>[LoggerMessage]</c>
/// methods of one process share an id or use one that is not listed here
/// (tests/Edge.Gateway.Tests/Diagnostics/LogEventIdTests.cs); the table is in edge-gateway/README.md.
/// </summary>
/// <remarks>
/// Blocks follow the data flow: 1000–1099 ingest, 1100–1199 the MQTT transport, 2000–2099 detection,
/// 2100–2199 prevention, 3xxx incidents, 4xxx supervision, 5xxx registry, 6000–6299 alert channels, 7xxx host
/// and diagnostics, 8xxx commissioning and self-test, 9000–9099 escalation, 9100–9199 staff page, 10xxx storage,
/// 11xxx uplink. 20000–29999 belong to the cloud ingest service (its own registry,
/// cloud-ingest/src/Edge.Cloud.Api/Diagnostics/EventIds.cs): the demo hosts it in the gateway's process.
/// </remarks>
public static class EventIds
{
    // 1000–1099 Ingest (Edge.Gateway Ingest/)
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
    public const int SessionProbeFailed = 1017;

    // 1100–1199 MQTT transport (Edge.Mqtt; also in the simulator and the provision CLI). 1103, 1111, 1113 and
    // 1114 belonged to the hand-written client MQTTnet replaced: retired.
    public const int MqttConnected = 1100;
    public const int MqttConnectRetrying = 1101;
    public const int MqttConnectRefused = 1102;
    public const int MqttConnectionLost = 1104;
    public const int MqttTlsError = 1105;
    public const int MqttIncomingFull = 1106;
    public const int MqttNotConnectedDropped = 1107;
    public const int MqttSubscribeFailed = 1108;
    public const int MqttSubscriptionRefused = 1109;
    public const int MqttConnectionHandlerFailed = 1110;
    public const int MqttDisconnectNotSent = 1112;
    public const int MqttLibraryLog = 1115;
    public const int MqttAcknowledgedHandlerFailed = 1116;
    public const int MqttPublishRefused = 1117;
    public const int MqttPublishFailed = 1118;

    // 2000–2099 Detection
    public const int ModelLoaded = 2001;
    public const int ModelInvalid = 2002;
    public const int FallDetected = 2003;
    public const int SensitivityChanged = 2004;
    public const int DetectorFailed = 2005; // retired: never logged
    public const int FallCommitted = 2006;

    // 2100–2199 Prevention (get-up alerts, mobility trends)
    public const int PreventionStarted = 2101;
    public const int GetUpSettingChanged = 2102;
    public const int GettingUp = 2103;
    public const int GetUpCleared = 2104;
    public const int GetUpClearFailed = 2105;
    public const int TrendsWritten = 2106;
    public const int TrendsWriteFailed = 2107;
    public const int TrendsUplinked = 2108;
    public const int TrendsUplinkFailed = 2109;
    public const int TrendsStayOnSite = 2110;

    // 3xxx Incidents (alert path)
    public const int IncidentRaised = 3001;
    public const int IncidentRetriggered = 3002;
    public const int IncidentAccepted = 3003;
    public const int IncidentResolved = 3004;
    public const int IncidentObserverFailed = 3005;
    public const int IncidentsResumed = 3006; // retired: never logged
    public const int IncidentRaiseFailed = 3007;
    public const int IncidentRaiseDeferred = 3008;
    public const int StorageRecovered = 3009;

    // 4xxx Supervision
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
    public const int GatewayCheckRecovered = 4011;
    public const int UplinkFaultNotRaised = 4012;
    public const int DeviceFaultReported = 4020;

    // 5xxx Registry
    public const int RegistryImported = 5001;
    public const int RegistryLoaded = 5002;

    // 6000–6099 ESPA 4.4.4 channel (Edge.Alerting, alert path)
    public const int EspaLinkOpen = 6000;
    public const int EspaLinkFailed = 6001;
    public const int EspaPageResult = 6002;
    public const int EspaNegativeAnswer = 6003;
    public const int EspaLinkDown = 6004;
    public const int EspaLinkUp = 6005;
    public const int EspaAcknowledged = 6006;
    public const int EspaStatus = 6007;
    public const int EspaBadBlock = 6008;
    public const int EspaTransmitterFailure = 6009;
    public const int EspaTruncated = 6010;

    // 6100–6199 SIP MESSAGE channel (Edge.Alerting, alert path)
    public const int SipResult = 6100;
    public const int SipIgnored = 6101;
    public const int SipReceiveFailed = 6102;

    // 6200–6299 Webhook channel (Edge.Alerting, alert path)
    public const int WebhookResult = 6200;
    public const int WebhookRetry = 6201;

    // 7xxx Host and diagnostics
    public const int HttpListening = 7001;
    public const int HttpRequestFailed = 7002;
    public const int WatchdogEnabled = 7003;
    public const int WatchdogUnhealthy = 7004;
    public const int WatchdogHealthy = 7005;

    // 8xxx Commissioning and the periodic end-to-end self-test
    public const int CommissioningStarted = 8001;
    public const int CommissioningEnded = 8002;
    public const int CommissioningIncidentRouted = 8003;
    public const int CommissioningCheckPassed = 8004;
    public const int SelfTestPassed = 8005;
    public const int SelfTestFailed = 8006;
    public const int CommissioningFailed = 8007;

    // 9000–9099 Escalation (alert path)
    public const int EscalationStarted = 9001;
    public const int NoPolicy = 9002;
    public const int AlertDispatched = 9003;
    public const int AlertResult = 9004;
    public const int NobodyToAlert = 9005;
    public const int NonUrgentHeld = 9006;
    public const int ReminderSent = 9007;
    public const int EscalationResumed = 9008;
    public const int PagesWithdrawn = 9009;
    public const int ChannelFailed = 9010;
    public const int ChannelRecovered = 9011;
    public const int AcknowledgedOnDevice = 9012;
    public const int AcknowledgementUnattributed = 9013;
    public const int AcknowledgementFailed = 9014;
    public const int EscalationsResumed = 9015; // retired: never logged
    public const int EngineFailed = 9016;
    public const int ChannelStartFailed = 9017;
    public const int AttemptWriteFailed = 9018;
    public const int AttemptRecorderClosed = 9019;
    public const int UnitNotFound = 9020; // retired: never logged
    public const int PolicyWarning = 9021;
    public const int SendTimedOut = 9022;
    public const int FailedOver = 9023;
    public const int ResendingUnconfirmed = 9024;
    public const int LedgerWriteFailed = 9025;
    public const int ScheduleKeptInMemory = 9026;
    public const int NotPagedNoPolicy = 9027;

    // 9100–9199 Staff page
    public const int StaffPageListening = 9101;
    public const int StaffSignedIn = 9102;
    public const int StaffSignInFailed = 9103;
    public const int StaffSignInThrottled = 9104;
    public const int StaffAction = 9105;
    public const int StaffActionRefused = 9106;
    public const int StaffNotInRegistry = 9107;
    public const int StaffSignedOut = 9108;
    public const int StaffSessionRefused = 9109;
    public const int StaffHostRefused = 9110;

    // 10xxx Storage (the gateway database)
    public const int DatabaseOpened = 10001;
    public const int BackupWritten = 10002; // retired: never logged
    public const int BackupFailed = 10003; // retired: never logged

    // 11xxx Uplink (Edge.Uplink's sender and the gateway's publishers). Until issue 18 these were 8001–8010,
    // the ids commissioning had: 11000 + the old number.
    public const int UplinkStarted = 11001;
    public const int UplinkDisabled = 11002;
    public const int CloudUnreachable = 11003;
    public const int CloudReachableAgain = 11004;
    public const int UplinkEventRejected = 11005;
    public const int UplinkBatchRefused = 11006;
    public const int HealthSummariesExpired = 11007;
    public const int UplinkCycleFailed = 11008;
    public const int HealthSummaryFailed = 11009;
    public const int UplinkRefusedForGood = 11010;
}
