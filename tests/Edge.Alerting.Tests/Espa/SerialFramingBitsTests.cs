using Edge.Alerting.Espa;

namespace Edge.Alerting.Tests.Espa;

public class SerialFramingBitsTests
{
    // Linux asm-generic/termbits.h (octal in the header): CSIZE 060, CS7 040, CS8 060, CSTOPB 0100,
    // CREAD 0200, PARENB 0400, PARODD 01000, CLOCAL 04000.
    [Theory]
    [InlineData(7, SerialParity.Even, 2, 0x20 | 0x100 | 0x40)]
    [InlineData(7, SerialParity.Even, 1, 0x20 | 0x100)]
    [InlineData(7, SerialParity.Odd, 1, 0x20 | 0x100 | 0x200)]
    [InlineData(8, SerialParity.None, 1, 0x30)]
    [InlineData(8, SerialParity.None, 2, 0x30 | 0x40)]
    public void ApplyFraming_Settings_SetsExactCflagBits(int dataBits, SerialParity parity, int stopBits, int expectedFraming)
    {
        var t = new Termios.TermiosStruct { CCflag = 0xFFFF_FFFF & ~0x100Fu, CLflag = 0xFFFF, CIflag = 0xFFFF, COflag = 0xFFFF };
        SerialEspaTransport.ApplyFraming(ref t, new SerialLineSettings { DataBits = dataBits, Parity = parity, StopBits = stopBits });

        Assert.Equal((uint)expectedFraming, t.CCflag & (0x30u | 0x40 | 0x100 | 0x200));
        Assert.Equal(0x80u | 0x800, t.CCflag & (0x80u | 0x800)); // CREAD | CLOCAL
        Assert.Equal(0u, t.CCflag & 0x80000000); // no RTS/CTS
        Assert.Equal(0u, t.CLflag & (0x2u | 0x8 | 0x1)); // no ICANON, ECHO, ISIG
        Assert.Equal(0u, t.COflag & 0x1); // no OPOST
        Assert.Equal(0u, t.CIflag & (0x400u | 0x1000 | 0x20)); // no IXON, IXOFF, ISTRIP
        Assert.Equal(parity != SerialParity.None, (t.CIflag & 0x10) != 0); // INPCK with parity
    }
}
