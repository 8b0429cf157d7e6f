namespace Edge.Gateway.Alerting;

/// <summary>
/// Log event ids of escalation (9000–9099) and the staff page (9100–9199). Alert-path ids are permanent:
/// operators alert on them. The gateway's own ids are in Diagnostics/EventIds.cs (1xxx–7xxx), the channels'
/// in Edge.Alerting (6000–6299), the uplink's 8xxx.
/// </summary>
internal static class AlertingEventIds
{
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
    public const int EscalationsResumed = 9015;
    public const int EngineFailed = 9016;
    public const int ChannelStartFailed = 9017;
    public const int AttemptWriteFailed = 9018;
    public const int AttemptRecorderClosed = 9019;
    public const int UnitNotFound = 9020;
    public const int PolicyWarning = 9021;
    public const int SendTimedOut = 9022;
    public const int FailedOver = 9023;
    public const int ResendingUnconfirmed = 9024;
    public const int LedgerWriteFailed = 9025;
    public const int ScheduleKeptInMemory = 9026;

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
}
