using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using Xunit.Abstractions;

namespace Edge.Protocol.Tests;

/// <summary>
/// Property tests over the whole decoder: 120,000 generated payloads per run (see <see cref="Runs"/>).
/// Every run draws new random cases; a failure prints FsCheck's seed so it can be replayed.
/// The only way these can fail on a correct decoder is a CRC-32 collision on a corrupted payload,
/// about 2^-32 per corrupted case.
/// </summary>
public class PropertyTests(ITestOutputHelper output)
{
    /// <summary>Cases per property; the total over this class is the sum (120,000).</summary>
    public static class Runs
    {
        public const int RoundTrip = 20_000;
        public const int RandomBytes = 20_000;
        public const int ForgedCrc = 20_000;
        public const int SingleCorruption = 40_000;
        public const int Splice = 20_000;
    }

    private void Check(string name, int cases, Property property)
    {
        var clock = Stopwatch.StartNew();
        property.Check(Config.QuickThrowOnFailure.WithMaxTest(cases).WithQuietOnSuccess(true).WithName(name));
        output.WriteLine($"{name}: {cases} cases in {clock.Elapsed.TotalSeconds:F2} s");
    }

    /// <summary>
    /// Decodes <paramref name="bytes"/> alone and embedded in random surrounding bytes; the two
    /// results must agree (the decoder reads nothing outside its range) and it must not throw.
    /// </summary>
    private static DecodeResult DecodeBothWays(byte[] bytes, int junkSeed)
    {
        DecodeResult alone = WireDecoder.Decode(bytes);
        var rng = new Random(junkSeed);
        byte[] buffer = new byte[bytes.Length + 16];
        rng.NextBytes(buffer);
        int offset = rng.Next(0, 17);
        bytes.CopyTo(buffer, offset);
        DecodeResult embedded = WireDecoder.Decode(buffer, offset, bytes.Length);
        if (alone.Status != embedded.Status || Codec.Describe(Codec.Message(alone)) != Codec.Describe(Codec.Message(embedded)))
        {
            throw new InvalidOperationException($"decode depends on bytes outside its range: {alone.Status} vs {embedded.Status}");
        }

        return alone;
    }

    /// <summary>Ok only for a genuine message: the decoded message re-encodes to exactly these bytes.</summary>
    private static bool OkOnlyIfCanonical(byte[] bytes, DecodeResult r)
    {
        if (!r.IsOk)
        {
            return Codec.Message(r) == null;
        }

        return Codec.Hex(Codec.Encode(Codec.Message(r)!)) == Codec.Hex(bytes);
    }

    [Fact]
    public void ValidMessages_RoundTripExactly()
    {
        Check("round trip", Runs.RoundTrip, Prop.ForAll(ProtocolGen.Message.ToArbitrary(), m =>
        {
            byte[] bytes = Codec.Encode(m);
            DecodeResult r = WireDecoder.Decode(bytes);
            return r.IsOk
                && bytes.Length <= WireFormat.MaxMessageSize
                && r.DeviceId == Codec.Message(r) switch
                {
                    AccelBatch a => a.DeviceId,
                    DeviceStatus s => s.DeviceId,
                    DeviceEvent e => e.DeviceId,
                    DeviceConfig c => c.DeviceId,
                    _ => "?",
                }
                && Codec.Describe(Codec.Message(r)) == Codec.Describe(m);
        }));
    }

    [Fact]
    public void RandomBytes_NeverThrowAndAreOkOnlyWhenTheyAreAMessage()
    {
        Gen<(byte[] Bytes, int Junk)> gen =
            from length in Gen.OneOf(Gen.Choose(0, 40), Gen.Choose(0, 2000))
            from firstIsVersion in Gen.Elements(true, false)
            from bytes in Gen.ArrayOf(ProtocolGen.U8, length)
            from junk in Gen.Choose(int.MinValue, int.MaxValue)
            select (WithVersion(bytes, firstIsVersion), junk);

        Check("random bytes", Runs.RandomBytes, Prop.ForAll(gen.ToArbitrary(), c => OkOnlyIfCanonical(c.Bytes, DecodeBothWays(c.Bytes, c.Junk))));
    }

    [Fact]
    public void RandomFramesWithAValidCrc_NeverThrowAndAreOkOnlyWhenTheyAreAMessage()
    {
        // Random bodies sealed with a correct CRC reach the type, id and field checks that plain
        // random bytes almost never get past.
        Gen<(byte[] Bytes, int Junk)> gen =
            from type in Gen.Frequency((8, Gen.Choose(1, 4)), (1, Gen.Choose(0, 255)))
            from id in Gen.Frequency((6, ProtocolGen.Id.Select(s => s.Select(c => (byte)c).ToArray())), (1, Gen.ArrayOf(ProtocolGen.U8, 0)))
            from idLenByte in Gen.Frequency((8, Gen.Constant(-1)), (1, Gen.Choose(0, 255)))
            from bodyLength in Gen.Frequency((6, Gen.Choose(0, 48)), (1, Gen.Choose(0, 1600)))
            from body in Gen.ArrayOf(ProtocolGen.U8, bodyLength)
            from junk in Gen.Choose(int.MinValue, int.MaxValue)
            select (Frames.WithCrc([WireFormat.Version, (byte)type, (byte)(idLenByte < 0 ? id.Length : idLenByte), .. id, .. body]), junk);

        Check("random frames with a valid CRC", Runs.ForgedCrc, Prop.ForAll(gen.ToArbitrary(), c => OkOnlyIfCanonical(c.Bytes, DecodeBothWays(c.Bytes, c.Junk))));
    }

    /// <summary>One corruption of one valid encoding: bit flips, byte changes, truncation, extension.</summary>
    private static Gen<(object Message, byte[] Bytes, string What)> Corrupted() =>
        from m in ProtocolGen.Message
        let original = Codec.Encode(m)
        from kind in Gen.Choose(0, 4)
        from a in Gen.Choose(0, int.MaxValue)
        from b in Gen.Choose(0, int.MaxValue)
        from c in Gen.Choose(0, int.MaxValue)
        from tail in Gen.ArrayOf(ProtocolGen.U8, 1 + (c % 64))
        select (m, Corrupt(original, kind, a, b, c, tail, out string what), what);

    private static byte[] Corrupt(byte[] original, int kind, int a, int b, int c, byte[] tail, out string what)
    {
        byte[] x = (byte[])original.Clone();
        int n = x.Length;
        switch (kind)
        {
            case 0: // 1 to 3 bit flips anywhere (distinct bits, so at least one bit really changes)
                {
                    int flips = 1 + (c % 3);
                    var bits = new HashSet<int> { a % (8 * n) };
                    int step = 1 + (b % (8 * n));
                    while (bits.Count < flips)
                    {
                        bits.Add((bits.Last() + step) % (8 * n));
                        step++;
                    }

                    foreach (int bit in bits)
                    {
                        x[bit / 8] ^= (byte)(1 << (bit % 8));
                    }

                    what = $"flip bits {string.Join(",", bits)}";
                    return x;
                }

            case 1: // change 1 to 8 bytes to random values (possibly the same value)
                {
                    int count = 1 + (c % 8);
                    var rng = new Random(a);
                    for (int i = 0; i < count; i++)
                    {
                        x[rng.Next(n)] = (byte)rng.Next(256);
                    }

                    what = $"change {count} bytes (seed {a})";
                    return x;
                }

            case 2: // truncate by at least one byte
                {
                    int keep = a % n;
                    what = $"truncate to {keep}";
                    return x[..keep];
                }

            case 3: // append 1 to 64 bytes
                what = $"append {tail.Length}";
                return [.. x, .. tail];

            default: // insert or delete bytes in the middle
                {
                    int at = a % n;
                    if (b % 2 == 0)
                    {
                        what = $"insert {tail.Length} at {at}";
                        return [.. x[..at], .. tail, .. x[at..]];
                    }

                    int remove = Math.Min(1 + (c % 16), n - at);
                    what = $"delete {remove} at {at}";
                    return [.. x[..at], .. x[(at + remove)..]];
                }
        }
    }

    [Fact]
    public void CorruptedEncodings_AreDetectedOrDecodeToExactlyTheOriginal()
    {
        Gen<((object Message, byte[] Bytes, string What) Case, int Junk)> gen =
            from c in Corrupted()
            from junk in Gen.Choose(int.MinValue, int.MaxValue)
            select (c, junk);

        Check("single corruption", Runs.SingleCorruption, Prop.ForAll(gen.ToArbitrary(), t =>
        {
            DecodeResult r = DecodeBothWays(t.Case.Bytes, t.Junk);
            return (!r.IsOk || Codec.Describe(Codec.Message(r)) == Codec.Describe(t.Case.Message))
                .Label($"{t.Case.What}: {r.Status}");
        }));
    }

    [Fact]
    public void SplicedEncodings_AreDetectedOrDecodeToExactlyOneOfTheSources()
    {
        Gen<(object A, object B, byte[] Bytes, int Junk)> gen =
            from a in ProtocolGen.Message
            from b in ProtocolGen.Message
            let ea = Codec.Encode(a)
            let eb = Codec.Encode(b)
            from cutA in Gen.Choose(0, ea.Length)
            from cutB in Gen.Choose(0, eb.Length)
            from junk in Gen.Choose(int.MinValue, int.MaxValue)
            select (a, b, (byte[])[.. ea[..cutA], .. eb[cutB..]], junk);

        Check("splice", Runs.Splice, Prop.ForAll(gen.ToArbitrary(), t =>
        {
            DecodeResult r = DecodeBothWays(t.Bytes, t.Junk);
            if (!r.IsOk)
            {
                return true;
            }

            string decoded = Codec.Describe(Codec.Message(r));
            return (decoded == Codec.Describe(t.A) && Codec.Hex(t.Bytes) == Codec.Hex(Codec.Encode(t.A)))
                || (decoded == Codec.Describe(t.B) && Codec.Hex(t.Bytes) == Codec.Hex(Codec.Encode(t.B)));
        }));
    }

    [Fact]
    public void Runs_AddUpToAtLeast100000Payloads()
    {
        Assert.True(Runs.RoundTrip + Runs.RandomBytes + Runs.ForgedCrc + Runs.SingleCorruption + Runs.Splice >= 100_000);
    }

    private static byte[] WithVersion(byte[] bytes, bool firstIsVersion)
    {
        if (firstIsVersion && bytes.Length > 0)
        {
            bytes[0] = WireFormat.Version;
        }

        return bytes;
    }
}
