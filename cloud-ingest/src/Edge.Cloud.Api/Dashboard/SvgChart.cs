using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace Edge.Cloud.Api.Dashboard;

/// <summary>One row of a bar chart: a label and one value per series (null: no data).</summary>
public sealed record BarGroup(string Label, IReadOnlyList<double?> Values);

/// <summary>
/// Horizontal grouped bar charts as inline SVG, rendered on the server: no script, no chart library,
/// nothing fetched from the internet. Each bar carries its number as text, so the chart reads without colour.
/// </summary>
public static class SvgChart
{
    private static readonly string[] Palette = ["#1f6feb", "#d1242f", "#1a7f37", "#9a6700"];

    private const int LabelWidth = 180;
    private const int PlotWidth = 440;
    private const int ValueWidth = 80;
    private const int BarHeight = 16;
    private const int BarGap = 4;
    private const int GroupGap = 12;
    private const int Top = 46;

    public static string HorizontalBars(string title, IReadOnlyList<string> series, IReadOnlyList<BarGroup> groups, Func<double, string> format)
    {
        var encoder = HtmlEncoder.Default;
        var max = groups.SelectMany(g => g.Values).Where(v => v is > 0).Select(v => v!.Value).DefaultIfEmpty(1).Max();
        var groupHeight = (series.Count * (BarHeight + BarGap)) + GroupGap;
        var height = Top + Math.Max(1, groups.Count) * groupHeight + 8;
        var width = LabelWidth + PlotWidth + ValueWidth;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"""<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" aria-label="{encoder.Encode(title)}">""");
        svg.Append(CultureInfo.InvariantCulture, $"<title>{encoder.Encode(title)}</title>");
        svg.Append(CultureInfo.InvariantCulture, $"""<text x="0" y="14" font-size="14" font-weight="600">{encoder.Encode(title)}</text>""");

        // Legend
        var x = LabelWidth;
        for (var s = 0; s < series.Count; s++)
        {
            svg.Append(CultureInfo.InvariantCulture, $"""<rect x="{x}" y="24" width="12" height="12" fill="{Palette[s % Palette.Length]}"/>""");
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{x + 16}" y="34" font-size="12">{encoder.Encode(series[s])}</text>""");
            x += 24 + (series[s].Length * 7);
        }

        if (groups.Count == 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{LabelWidth}" y="{Top + 14}" font-size="12">no data in this period</text>""");
        }

        for (var g = 0; g < groups.Count; g++)
        {
            var y = Top + (g * groupHeight);
            svg.Append(CultureInfo.InvariantCulture,
                $"""<text x="{LabelWidth - 8}" y="{y + BarHeight - 3}" font-size="12" text-anchor="end">{encoder.Encode(groups[g].Label)}</text>""");
            for (var s = 0; s < series.Count; s++)
            {
                var value = s < groups[g].Values.Count ? groups[g].Values[s] : null;
                var barY = y + (s * (BarHeight + BarGap));
                var length = value is > 0 ? Math.Max(1, value.Value / max * PlotWidth) : 0;
                svg.Append(CultureInfo.InvariantCulture,
                    $"""<rect class="bar" x="{LabelWidth}" y="{barY}" width="{length:0.#}" height="{BarHeight}" fill="{Palette[s % Palette.Length]}"><title>{encoder.Encode(groups[g].Label)}, {encoder.Encode(series[s])}: {(value is null ? "no data" : encoder.Encode(format(value.Value)))}</title></rect>""");
                svg.Append(CultureInfo.InvariantCulture,
                    $"""<text x="{LabelWidth + length + 4:0.#}" y="{barY + BarHeight - 3}" font-size="11">{(value is null ? "–" : encoder.Encode(format(value.Value)))}</text>""");
            }
        }

        svg.Append("</svg>");
        return svg.ToString();
    }
}
