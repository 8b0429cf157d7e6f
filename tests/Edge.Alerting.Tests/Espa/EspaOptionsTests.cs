using Edge.Alerting.Espa;

namespace Edge.Alerting.Tests.Espa;

public class EspaOptionsTests
{
    [Fact]
    public void Validate_Defaults_WithDevice_NoErrors()
    {
        var o = new EspaOptions { Serial = { DevicePath = "/dev/ttyUSB0" } };
        Assert.Empty(o.Validate());
        Assert.Equal("9600 7E2", o.Serial.ToString());
    }

    [Fact]
    public void Validate_ManyBadSettings_ReportsEveryError()
    {
        var o = new EspaOptions
        {
            Serial = { DevicePath = "", BaudRate = 1234, DataBits = 6, StopBits = 3 },
            MaxDisplayLength = 200,
            SelectTimeout = TimeSpan.Zero,
            ControlStationAddress = '2',
            StationAddress = '2',
            CallType = '1',
        };
        var errors = o.Validate();
        Assert.Equal(8, errors.Count);
        Assert.Contains(errors, e => e.Contains("DevicePath", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("BaudRate", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("DataBits", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("StopBits", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("MaxDisplayLength", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("SelectTimeout", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("must differ", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("CallType", StringComparison.Ordinal));
    }

    [Fact]
    public void Validator_Failure_PrefixesEveryError()
    {
        var result = new AlertOptionsValidator<EspaOptions>().Validate(null, new EspaOptions { Transport = EspaTransportKind.Tcp });
        Assert.True(result.Failed);
        Assert.Equal(2, result.Failures!.Count());
        Assert.All(result.Failures!, f => Assert.StartsWith("EspaOptions: ", f, StringComparison.Ordinal));
    }
}
