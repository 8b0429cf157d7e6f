namespace Edge.Alerting.Espa;

/// <summary>What arrived on the line.</summary>
public enum EspaTokenType
{
    /// <summary>EOT.</summary>
    Eot,

    /// <summary>ACK.</summary>
    Ack,

    /// <summary>NAK, with the code digit that preceded it (or none: a bare NAK refuses a select).</summary>
    Nak,

    /// <summary>ENQ with the station address that preceded it (poll, select, or a station selecting control).</summary>
    Enq,

    /// <summary>A complete block (SOH … ETX) and its BCC.</summary>
    Block,
}

/// <summary>One unit of the ESPA line protocol.</summary>
/// <param name="Type">What it is.</param>
/// <param name="Address">The digit before ENQ or NAK, or '\0'.</param>
/// <param name="Frame">For a block: the bytes SOH … ETX (without the BCC).</param>
/// <param name="Bcc">For a block: the BCC as received.</param>
/// <param name="AfterEot">For ENQ: the number of 'address ENQ' pairs since the last EOT before this one (0 = poll, ≥1 = select).</param>
public readonly record struct EspaToken(EspaTokenType Type, char Address, byte[]? Frame, byte Bcc, int AfterEot)
{
    /// <summary>True when the received BCC matches the frame.</summary>
    public bool BccValid => Frame is not null && EspaBcc.Compute(Frame) == Bcc;

    /// <inheritdoc />
    public override string ToString() => Type switch
    {
        EspaTokenType.Block => $"Block({Frame?.Length ?? 0} bytes, BCC 0x{Bcc:X2}{(BccValid ? "" : " bad")})",
        EspaTokenType.Enq or EspaTokenType.Nak when Address != '\0' => $"{Address} {Type}",
        _ => Type.ToString(),
    };
}

/// <summary>
/// Splits the byte stream into tokens. Inside a block every byte up to ETX is data, and the byte after ETX
/// is always the BCC, so a BCC equal to NAK, EOT or any other control value is never read as one.
/// </summary>
public sealed class EspaTokenizer
{
    private readonly int _maxBlockLength;
    private readonly List<byte> _block = new(256);
    private State _state = State.Idle;
    private char _pendingDigit;
    private int _pairsSinceEot = -1;

    /// <summary>Creates a tokenizer that discards blocks longer than <paramref name="maxBlockLength"/> bytes.</summary>
    public EspaTokenizer(int maxBlockLength = 1024) => _maxBlockLength = maxBlockLength;

    private enum State
    {
        Idle,
        InBlock,
        AwaitBcc,
    }

    /// <summary>Bytes dropped as noise (outside any recognised sequence) since creation.</summary>
    public long DiscardedBytes { get; private set; }

    /// <summary>Feeds one byte; returns a token when one completes.</summary>
    public EspaToken? Feed(byte b)
    {
        switch (_state)
        {
            case State.InBlock:
                _block.Add(b);
                if (b == EspaControl.Etx)
                {
                    _state = State.AwaitBcc;
                }
                else if (b == EspaControl.Soh)
                {
                    // A new SOH inside a block: the sender started over. Keep the new one.
                    DiscardedBytes += _block.Count - 1;
                    _block.Clear();
                    _block.Add(b);
                }
                else if (_block.Count > _maxBlockLength)
                {
                    DiscardedBytes += _block.Count;
                    _block.Clear();
                    _state = State.Idle;
                }

                return null;

            case State.AwaitBcc:
                _state = State.Idle;
                var frame = _block.ToArray();
                _block.Clear();
                return new EspaToken(EspaTokenType.Block, '\0', frame, b, 0);
        }

        var digit = _pendingDigit;
        _pendingDigit = '\0';
        switch (b)
        {
            case EspaControl.Soh:
                DiscardIf(digit);
                _block.Clear();
                _block.Add(b);
                _state = State.InBlock;
                return null;
            case EspaControl.Eot:
                DiscardIf(digit);
                _pairsSinceEot = 0;
                return new EspaToken(EspaTokenType.Eot, '\0', null, 0, 0);
            case EspaControl.Ack:
                DiscardIf(digit);
                return new EspaToken(EspaTokenType.Ack, '\0', null, 0, 0);
            case EspaControl.Nak:
                return new EspaToken(EspaTokenType.Nak, digit, null, 0, 0);
            case EspaControl.Enq:
                var after = _pairsSinceEot;
                if (_pairsSinceEot >= 0)
                {
                    _pairsSinceEot++;
                }

                return new EspaToken(EspaTokenType.Enq, digit, null, 0, Math.Max(after, 0));
            default:
                DiscardIf(digit);
                if (b is >= (byte)'0' and <= (byte)'9')
                {
                    _pendingDigit = (char)b;
                }
                else
                {
                    DiscardedBytes++;
                }

                return null;
        }
    }

    /// <summary>Forgets any partial sequence (after a timeout, or when a transaction starts).</summary>
    public void Reset()
    {
        _state = State.Idle;
        _block.Clear();
        _pendingDigit = '\0';
        _pairsSinceEot = -1;
    }

    private void DiscardIf(char digit)
    {
        if (digit != '\0')
        {
            DiscardedBytes++;
        }
    }
}
