namespace Edge.Protocol.Tests;

public class SequenceNumberTests
{
    [Theory]
    [InlineData(0xFFFFFFFFu, 0u, 1)]
    [InlineData(0u, 0xFFFFFFFFu, -1)]
    [InlineData(5u, 5u, 0)]
    [InlineData(0xFFFFFFF0u, 0x10u, 32)]
    [InlineData(0x10u, 0xFFFFFFF0u, -32)]
    [InlineData(0u, 0x7FFFFFFFu, int.MaxValue)]
    [InlineData(0u, 0x80000000u, int.MinValue)]
    public void Distance_AcrossAndAwayFromWrap_IsSignedShortestDistance(uint from, uint to, int expected)
    {
        Assert.Equal(expected, SequenceNumber.Distance(from, to));
    }

    [Theory]
    [InlineData(0u, 0xFFFFFFFFu, true)]
    [InlineData(0xFFFFFFFFu, 0u, false)]
    [InlineData(5u, 0xFFFFFFFAu, true)]
    [InlineData(0xFFFFFFFAu, 5u, false)]
    [InlineData(7u, 7u, false)]
    [InlineData(8u, 7u, true)]
    [InlineData(7u, 8u, false)]
    public void IsNewer_AcrossWrap_UsesSerialNumberArithmetic(uint candidate, uint reference, bool expected)
    {
        Assert.Equal(expected, SequenceNumber.IsNewer(candidate, reference));
    }

    [Fact]
    public void IsNewer_ExactlyHalfTheSpaceApart_NeitherIsNewer()
    {
        Assert.False(SequenceNumber.IsNewer(0x80000000u, 0u));
        Assert.False(SequenceNumber.IsNewer(0u, 0x80000000u));
    }

    [Theory]
    [InlineData(0xFFFFFFFFu, 0u)]
    [InlineData(0u, 1u)]
    [InlineData(41u, 42u)]
    public void Next_Wraps(uint value, uint next)
    {
        Assert.Equal(next, SequenceNumber.Next(value));
        Assert.True(SequenceNumber.IsNewer(SequenceNumber.Next(value), value));
        Assert.Equal(1, SequenceNumber.Distance(value, SequenceNumber.Next(value)));
    }

    [Fact]
    public void IsNewer_RunOfNumbersThroughTheWrap_EachIsNewerThanEveryEarlierOneWithinHalfTheSpace()
    {
        uint start = 0xFFFFFF00u;
        for (uint i = 0; i < 512; i++)
        {
            uint a = unchecked(start + i);
            uint b = unchecked(a + 1 + (i * 977));
            Assert.True(SequenceNumber.IsNewer(b, a), $"{b:X8} after {a:X8}");
            Assert.False(SequenceNumber.IsNewer(a, b), $"{a:X8} not after {b:X8}");
        }
    }
}
