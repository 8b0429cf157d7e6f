namespace Edge.Alerting.Espa;

/// <summary>ESPA 4.4.4 control characters (IA5 / ISO 646 C0 set).</summary>
public static class EspaControl
{
    /// <summary>Start of heading: begins a block.</summary>
    public const byte Soh = 0x01;

    /// <summary>Start of text: ends the block header.</summary>
    public const byte Stx = 0x02;

    /// <summary>End of text: the next byte is the BCC, whatever its value.</summary>
    public const byte Etx = 0x03;

    /// <summary>End of transmission: ends a transaction, answers an idle poll, or refuses a select.</summary>
    public const byte Eot = 0x04;

    /// <summary>Enquiry: follows a station address in polls and selects.</summary>
    public const byte Enq = 0x05;

    /// <summary>Positive acknowledgement.</summary>
    public const byte Ack = 0x06;

    /// <summary>Negative acknowledgement, preceded by a code digit after a block.</summary>
    public const byte Nak = 0x15;

    /// <summary>Record separator between records.</summary>
    public const byte Rs = 0x1E;

    /// <summary>Unit separator between a record's id and its data.</summary>
    public const byte Us = 0x1F;
}

/// <summary>ESPA 4.4.4 block headers (the character between SOH and STX).</summary>
public static class EspaHeader
{
    /// <summary>Call to pager.</summary>
    public const char CallToPager = '1';

    /// <summary>Status information.</summary>
    public const char StatusInformation = '2';

    /// <summary>Status request.</summary>
    public const char StatusRequest = '3';

    /// <summary>Call to subscriber line.</summary>
    public const char CallToSubscriberLine = '4';

    /// <summary>Manufacturer-specific.</summary>
    public const char ManufacturerSpecific = '5';
}

/// <summary>ESPA 4.4.4 record identifiers.</summary>
public static class EspaRecordId
{
    /// <summary>Call address (pager or group), up to 16 characters.</summary>
    public const char CallAddress = '1';

    /// <summary>Display message, up to 128 characters.</summary>
    public const char DisplayMessage = '2';

    /// <summary>Beep coding, 1–9.</summary>
    public const char BeepCoding = '3';

    /// <summary>Call type: 1 reset/cancel, 2 speech, 3 standard.</summary>
    public const char CallType = '4';

    /// <summary>Number of transmissions.</summary>
    public const char Transmissions = '5';

    /// <summary>Priority: 1 alarm, 2 high, 3 normal.</summary>
    public const char Priority = '6';

    /// <summary>Call status in a header-2 block (6 = acknowledged by called party).</summary>
    public const char CallStatus = '7';

    /// <summary>System status (1 = transmitter failure).</summary>
    public const char SystemStatus = '8';
}

/// <summary>NAK codes sent after a block.</summary>
public static class EspaNakCode
{
    /// <summary>Bad characters or bad BCC: send the same block again.</summary>
    public const char Resend = '1';

    /// <summary>Busy (queue full): wait, then send again.</summary>
    public const char Busy = '2';

    /// <summary>Message not recognised: do not resend; report it.</summary>
    public const char NotRecognised = '3';
}
