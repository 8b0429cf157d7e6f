using System.Xml.Linq;
using Edge.Cloud.Api.Dashboard;

namespace Edge.Cloud.Tests.Dashboard;

public sealed class SvgChartTests
{
    [Fact]
    public void HorizontalBars_ValidSvgWithBarsScaledToTheLargestValue()
    {
        var svg = SvgChart.HorizontalBars("Time to accept", ["median", "p95"],
            [new BarGroup("Oak <House>", [1.0, 4.0]), new BarGroup("Elm", [2.0, null])], v => v.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture));

        var doc = XDocument.Parse(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        var bars = doc.Descendants(ns + "rect").Where(r => (string?)r.Attribute("class") == "bar").ToList();
        Assert.Equal(4, bars.Count);
        var widths = bars.Select(b => double.Parse((string)b.Attribute("width")!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(440, widths[1]);             // the largest value fills the plot
        Assert.Equal(110, widths[0]);             // a quarter of it
        Assert.Equal(0, widths[3]);               // no data: no bar
        Assert.Contains("Oak &lt;House&gt;", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void HorizontalBars_NoGroups_SaysNoData() =>
        Assert.Contains("no data", SvgChart.HorizontalBars("x", ["a"], [], v => "v"), StringComparison.Ordinal);
}
