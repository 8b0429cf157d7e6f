using Edge.Alerting.Espa;

namespace Edge.Alerting.Tests.Espa;

public class Ia5TextTests
{
    [Theory]
    [InlineData("Sturz: Frau Müller, Zimmer 12", "Sturz: Frau Mueller, Zimmer 12")]
    [InlineData("Größe Straße", "Groesse Strasse")]
    [InlineData("ÄÖÜ äöü ß", "AeOeUe aeoeue ss")]
    [InlineData("Chambre 3 – Mme Lefèvre, café", "Chambre 3 - Mme Lefevre, cafe")]
    [InlineData("Señora Núñez", "Senora Nunez")]
    [InlineData("“quoted” ‘x’ …", "\"quoted\" 'x' ...")]
    [InlineData("Dvořák Łódź", "Dvorak Lodz")]
    public void Transliterate_NonAscii_BecomesIa5(string input, string expected)
    {
        var result = Ia5Text.Transliterate(input);
        Assert.Equal(expected, result);
        Assert.True(Ia5Text.IsIa5(result));
    }

    [Fact]
    public void Transliterate_ControlCharacters_Removed()
    {
        var result = Ia5Text.Transliterate("Room\u0001 12\u0003\u001E\u001F\u0015 fall\u007F");
        Assert.Equal("Room 12 fall", result);
    }

    [Fact]
    public void Transliterate_LineBreaks_BecomeOneSpace()
    {
        Assert.Equal("Fall room 4 Key carer: Anna", Ia5Text.Transliterate("Fall room 4\r\n\r\nKey carer: Anna"));
    }

    [Fact]
    public void Transliterate_UnknownSymbol_BecomesQuestionMark()
    {
        Assert.Equal("fall ? now", Ia5Text.Transliterate("fall 中 now"));
        Assert.Equal("x ? y", Ia5Text.Transliterate("x \U0001F600 y"));
    }

    [Fact]
    public void Transliterate_Over128_CutTo128()
    {
        var text = new string('A', 200);
        Assert.Equal(128, Ia5Text.Transliterate(text, 128).Length);
    }

    [Fact]
    public void Transliterate_UmlautAtLimit_CountsExpandedLength()
    {
        // 47 'a' + 'ü' → "ue" makes 49 characters: the cut is on the transliterated text.
        var result = Ia5Text.Transliterate(new string('a', 47) + "ü", 48);
        Assert.Equal(48, result.Length);
        Assert.EndsWith("u", result, StringComparison.Ordinal);
    }
}
