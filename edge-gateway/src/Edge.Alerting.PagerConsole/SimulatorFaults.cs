namespace Edge.Alerting.PagerConsole;

/// <summary>Faults a simulator injects; counters count down as they are used. Safe to change while running.</summary>
public sealed class SimulatorFaults
{
    private int _nakNextBlocks;
    private int _busyNextBlocks;
    private int _rejectNextBlocks;
    private int _ignoreNextSelects;

    /// <summary>Answer the next N blocks with 1 NAK (as if the BCC were bad).</summary>
    public int NakNextBlocks { get => _nakNextBlocks; set => _nakNextBlocks = value; }

    /// <summary>Answer the next N blocks with 2 NAK (busy).</summary>
    public int BusyNextBlocks { get => _busyNextBlocks; set => _busyNextBlocks = value; }

    /// <summary>Answer the next N blocks with 3 NAK (not recognised).</summary>
    public int RejectNextBlocks { get => _rejectNextBlocks; set => _rejectNextBlocks = value; }

    /// <summary>Do not answer the next N selects.</summary>
    public int IgnoreNextSelects { get => _ignoreNextSelects; set => _ignoreNextSelects = value; }

    /// <summary>Refuse every select (with <see cref="RefuseWith"/>).</summary>
    public bool RefuseSelects { get; set; }

    /// <summary>The byte a refused select gets: EOT (0x04) or NAK (0x15).</summary>
    public byte RefuseWith { get; set; } = 0x04;

    /// <summary>Answer no polls at all (the paging system is "dead").</summary>
    public bool MutePolls { get; set; }

    /// <summary>After each page, report it acknowledged (record 7 = 6) at the next poll.</summary>
    public bool AutoAcknowledge { get; set; }

    /// <summary>Send status blocks with a stray RS before ETX.</summary>
    public bool RsBeforeEtx { get; set; }

    /// <summary>Corrupt the BCC of the next N status blocks the simulator sends.</summary>
    public int CorruptNextSentBlocks { get; set; }

    internal static bool Take(ref int counter)
    {
        while (true)
        {
            var current = Volatile.Read(ref counter);
            if (current <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref counter, current - 1, current) == current)
            {
                return true;
            }
        }
    }

    internal bool TakeNak() => Take(ref _nakNextBlocks);

    internal bool TakeBusy() => Take(ref _busyNextBlocks);

    internal bool TakeReject() => Take(ref _rejectNextBlocks);

    internal bool TakeIgnoreSelect() => Take(ref _ignoreNextSelects);
}
