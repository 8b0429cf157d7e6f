using System.Text;

namespace Edge.Protocol.Tests;

public class Crc32Tests
{
    [Fact]
    public void Compute_CheckString123456789_IsCbf43926()
    {
        byte[] input = Encoding.ASCII.GetBytes(GoldenVectors.CrcCheckInput);

        Assert.Equal(0xCBF43926u, Crc32.Compute(input, 0, input.Length));
        Assert.Equal(GoldenVectors.CrcCheckHex, Convert.ToHexStringLower(BitConverter.GetBytes(Crc32.Compute(input, 0, input.Length))));
    }

    [Fact]
    public void Compute_Empty_IsZero()
    {
        Assert.Equal(0u, Crc32.Compute([], 0, 0));
    }

    [Fact]
    public void Compute_SubRange_IgnoresBytesOutsideIt()
    {
        byte[] padded = [0xFF, 0xEE, .. Encoding.ASCII.GetBytes("123456789"), 0xDD];

        Assert.Equal(0xCBF43926u, Crc32.Compute(padded, 2, 9));
    }

    [Fact]
    public void Compute_RandomData_MatchesBitwiseReference()
    {
        var rng = new Random(1234);
        for (int n = 0; n < 300; n++)
        {
            byte[] data = new byte[rng.Next(0, 1700)];
            rng.NextBytes(data);

            Assert.Equal(Frames.ReferenceCrc(data), Crc32.Compute(data, 0, data.Length));
        }
    }
}
