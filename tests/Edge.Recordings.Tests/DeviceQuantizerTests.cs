using Edge.Recordings;

namespace Edge.Recordings.Tests;

public sealed class DeviceQuantizerTests
{
    [Theory]
    [InlineData(1f, 16, 2048)]
    [InlineData(-1f, 16, -2048)]
    [InlineData(0.5f, 2, 8192)]
    [InlineData(1f / 4096, 16, 1)] // half a count rounds away from zero
    [InlineData(-1f / 4096, 16, -1)]
    [InlineData(0f, 8, 0)]
    public void ToCounts_KnownValues(float g, int range, short expected)
    {
        Assert.Equal(expected, DeviceQuantizer.ToCounts(g, range));
    }

    [Fact]
    public void ToG_IsWireProtocolFormula_2048CountsPerGAt16G()
    {
        Assert.Equal(1f, DeviceQuantizer.ToG(2048, 16));
        Assert.Equal(-16f, DeviceQuantizer.ToG(short.MinValue, 16));
        Assert.Equal(32767f * 16 / 32768, DeviceQuantizer.ToG(short.MaxValue, 16));
        Assert.Equal(0.25f, DeviceQuantizer.ToG(2048, 4));
    }

    [Fact]
    public void ToCounts_OutOfRange_ClipsAndSaysSo()
    {
        Assert.Equal(short.MaxValue, DeviceQuantizer.ToCounts(17f, 16, out var high));
        Assert.True(high);
        Assert.Equal(short.MinValue, DeviceQuantizer.ToCounts(-16.5f, 16, out var low));
        Assert.True(low);
        Assert.Equal(-32768, DeviceQuantizer.ToCounts(-16f, 16, out var edge));
        Assert.False(edge);
    }

    [Fact]
    public void Quantize_CountsClippedSamples()
    {
        var counts = new short[4];

        var clipped = DeviceQuantizer.Quantize([0f, 20f, -3f, -40f], 16, counts);

        Assert.Equal(2, clipped);
        Assert.Equal(new short[] { 0, short.MaxValue, -6144, short.MinValue }, counts);
    }

    [Fact]
    public void RoundTrip_ErrorAtMostHalfACount()
    {
        for (var g = -15.9f; g < 15.9f; g += 0.0137f)
        {
            var back = DeviceQuantizer.ToG(DeviceQuantizer.ToCounts(g, 16), 16);
            Assert.True(Math.Abs(back - g) <= 0.5f / 2048 + 1e-6f, $"{g} -> {back}");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(32)]
    public void InvalidRange_Throws(int range)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DeviceQuantizer.ToCounts(1f, range));
        Assert.Throws<ArgumentOutOfRangeException>(() => DeviceQuantizer.ToG(1, range));
    }
}
