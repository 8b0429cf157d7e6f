using Edge.Alerting.Espa;

namespace Edge.Alerting.Tests.Espa;

/// <summary>The framing check reads what the driver applied from <c>stty -a</c>; its parser on real stty output.</summary>
public class SttyReadBackTests
{
    [Theory]
    [InlineData("speed 9600 baud; rows 0; columns 0; line = 0;\n-parenb -parodd -cmspar cs8 -hupcl -cstopb cread clocal -crtscts", 9600, 8, SerialParity.None, 1)]
    [InlineData("speed 1200 baud; line = 0;\nparenb -parodd -cmspar cs7 hupcl cstopb cread clocal -crtscts", 1200, 7, SerialParity.Even, 2)]
    [InlineData("speed 300 baud; line = 0;\nparenb parodd -cmspar cs7 -hupcl -cstopb cread clocal -crtscts", 300, 7, SerialParity.Odd, 1)]
    public void ParseStty_RealOutput_ReadsBaudDataBitsParityStopBits(string stty, int baud, int dataBits, SerialParity parity, int stopBits)
    {
        var s = SerialEspaTransport.ParseStty("/dev/ttyUSB0", stty);

        Assert.Equal((baud, dataBits, parity, stopBits), (s.BaudRate, s.DataBits, s.Parity, s.StopBits));
    }
}
