namespace Edge.Protocol.Tests;

public class TopicsTests
{
    [Theory]
    [InlineData(TopicKind.Accel, "care/home-1/sensors/m5-0001/accel")]
    [InlineData(TopicKind.Status, "care/home-1/sensors/m5-0001/status")]
    [InlineData(TopicKind.Event, "care/home-1/sensors/m5-0001/event")]
    [InlineData(TopicKind.Config, "care/home-1/sensors/m5-0001/config")]
    public void For_ValidIds_BuildsTheTreeAndParsesBack(TopicKind kind, string expected)
    {
        string topic = Topics.For("home-1", "m5-0001", kind);

        Assert.Equal(expected, topic);
        Assert.True(Topics.TryParse(topic, out string site, out string device, out TopicKind parsed));
        Assert.Equal(("home-1", "m5-0001", kind), (site, device, parsed));
    }

    [Fact]
    public void AllDevices_Site_IsSingleLevelWildcardOnTheDevice()
    {
        Assert.Equal("care/home-1/sensors/+/event", Topics.AllDevices("home-1", TopicKind.Event));
    }

    [Theory]
    [InlineData("a/b", "dev")]
    [InlineData("site", "dev/x")]
    [InlineData("site", "+")]
    [InlineData("site", "#")]
    [InlineData("+", "dev")]
    [InlineData("", "dev")]
    [InlineData("site", "")]
    [InlineData(null, "dev")]
    [InlineData("site", null)]
    [InlineData("site", "dev ice")]
    [InlineData("site", "123456789012345678901234567890123")]
    public void For_InvalidId_Throws(string? site, string? device)
    {
        Assert.Throws<ArgumentException>(() => Topics.For(site!, device!, TopicKind.Accel));
    }

    [Fact]
    public void For_KindNone_Throws()
    {
        Assert.Throws<ArgumentException>(() => Topics.For("site", "dev", TopicKind.None));
        Assert.Throws<ArgumentException>(() => Topics.AllDevices("site", TopicKind.None));
        Assert.Throws<ArgumentException>(() => Topics.AllDevices("si/te", TopicKind.Accel));
    }

    [Fact]
    public void For_LongestValidIds_Builds()
    {
        string id = new('x', WireFormat.MaxIdLength);

        Assert.True(Topics.TryParse(Topics.For(id, id, TopicKind.Status), out _, out string device, out _));
        Assert.Equal(id, device);
    }

    [Theory]
    [InlineData("care/site/sensors/+/accel")]
    [InlineData("care/site/sensors/#")]
    [InlineData("care/+/sensors/dev/accel")]
    [InlineData("care/site/sensors/dev/accel/extra")]
    [InlineData("care/site/sensors/dev")]
    [InlineData("/care/site/sensors/dev/accel")]
    [InlineData("care/site/sensors/dev/accel/")]
    [InlineData("care//sensors/dev/accel")]
    [InlineData("care/site/sensors//accel")]
    [InlineData("care/site/sensor/dev/accel")]
    [InlineData("Care/site/sensors/dev/accel")]
    [InlineData("care/site/sensors/dev/Accel")]
    [InlineData("care/site/sensors/dev/none")]
    [InlineData("care/site/sensors/dev/gyro")]
    [InlineData("care/si te/sensors/dev/accel")]
    [InlineData("care/site/sensors/dév/accel")]
    [InlineData("care/site/sensors/123456789012345678901234567890123/accel")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_NotASensorTopic_ReturnsFalseWithEmptyOutputs(string? topic)
    {
        Assert.False(Topics.TryParse(topic!, out string site, out string device, out TopicKind kind));
        Assert.Equal(string.Empty, site);
        Assert.Equal(string.Empty, device);
        Assert.Equal(TopicKind.None, kind);
    }
}
