using System.Globalization;
using System.Net;
using System.Text;

namespace Edge.Training.Evaluation;

/// <summary>Minimal SVG charts (no dependencies): grouped histogram, line chart, bar chart.</summary>
internal static class Svg
{
    private const int Width = 720;
    private const int Height = 360;
    private const int Left = 60;
    private const int Right = 20;
    private const int Top = 40;
    private const int Bottom = 60;

    public static string Histogram(string title, string xLabel, double[] edges, IReadOnlyList<(string Name, string Color, double[] Fractions)> series)
    {
        var sb = Begin(title);
        var plotW = Width - Left - Right;
        var plotH = Height - Top - Bottom;
        var bins = edges.Length - 1;
        var maxY = Math.Max(1e-9, series.Max(s => s.Fractions.Max()));
        var barW = plotW / (double)bins / series.Count;
        for (var s = 0; s < series.Count; s++)
        {
            for (var b = 0; b < bins; b++)
            {
                var h = series[s].Fractions[b] / maxY * plotH;
                var x = Left + (b * plotW / (double)bins) + (s * barW);
                sb.Append(Inv($"<rect x=\"{x:F1}\" y=\"{Top + plotH - h:F1}\" width=\"{barW - 1:F1}\" height=\"{h:F1}\" fill=\"{series[s].Color}\"/>"));
            }
        }

        for (var b = 0; b <= bins; b += Math.Max(1, bins / 10))
        {
            var x = Left + (b * plotW / (double)bins);
            sb.Append(Inv($"<text x=\"{x:F1}\" y=\"{Top + plotH + 16}\" font-size=\"11\" text-anchor=\"middle\">{edges[b]:0.##}</text>"));
        }

        Axes(sb, xLabel, "fraction of trials (max " + maxY.ToString("P1", CultureInfo.InvariantCulture) + ")");
        Legend(sb, series.Select(s => (s.Name, s.Color)).ToList());
        return End(sb);
    }

    public static string Lines(string title, string xLabel, string yLabel, double xMax, double yMin, IReadOnlyList<(string Name, string Color, IReadOnlyList<(double X, double Y)> Points)> series, (double X, double Y)? marker)
    {
        var sb = Begin(title);
        var plotW = Width - Left - Right;
        var plotH = Height - Top - Bottom;
        double Px(double x) => Left + (Math.Min(x, xMax) / xMax * plotW);
        double Py(double y) => Top + plotH - ((Math.Max(y, yMin) - yMin) / (1 - yMin) * plotH);
        for (var i = 0; i <= 5; i++)
        {
            var xv = xMax * i / 5;
            var yv = yMin + ((1 - yMin) * i / 5);
            sb.Append(Inv($"<text x=\"{Px(xv):F1}\" y=\"{Top + plotH + 16}\" font-size=\"11\" text-anchor=\"middle\">{xv:0.###}</text>"));
            sb.Append(Inv($"<text x=\"{Left - 6}\" y=\"{Py(yv) + 4:F1}\" font-size=\"11\" text-anchor=\"end\">{yv * 100:0.#}%</text>"));
            sb.Append(Inv($"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Py(yv):F1}\" y2=\"{Py(yv):F1}\" stroke=\"#ddd\"/>"));
        }

        foreach (var s in series)
        {
            var path = string.Join(" ", s.Points.Select(p => Inv($"{Px(p.X):F1},{Py(p.Y):F1}")));
            sb.Append(Inv($"<polyline fill=\"none\" stroke=\"{s.Color}\" stroke-width=\"2\" points=\"{path}\"/>"));
        }

        if (marker is { } m)
        {
            sb.Append(Inv($"<circle cx=\"{Px(m.X):F1}\" cy=\"{Py(m.Y):F1}\" r=\"5\" fill=\"none\" stroke=\"black\" stroke-width=\"2\"/>"));
        }

        Axes(sb, xLabel, yLabel);
        Legend(sb, series.Select(s => (s.Name, s.Color)).ToList());
        return End(sb);
    }

    public static string Bars(string title, string yLabel, IReadOnlyList<(string Label, double Value, string Color)> bars)
    {
        var sb = Begin(title);
        var plotW = Width - Left - Right;
        var plotH = Height - Top - Bottom;
        var w = plotW / (double)Math.Max(1, bars.Count);
        for (var i = 0; i < bars.Count; i++)
        {
            var v = double.IsNaN(bars[i].Value) ? 0 : bars[i].Value;
            var h = v * plotH;
            var x = Left + (i * w);
            sb.Append(Inv($"<rect x=\"{x + 1:F1}\" y=\"{Top + plotH - h:F1}\" width=\"{w - 2:F1}\" height=\"{h:F1}\" fill=\"{bars[i].Color}\"/>"));
            sb.Append(Inv($"<text x=\"{x + (w / 2):F1}\" y=\"{Top + plotH + 12}\" font-size=\"9\" text-anchor=\"end\" transform=\"rotate(-60 {x + (w / 2):F1} {Top + plotH + 12})\">{WebUtility.HtmlEncode(bars[i].Label)}</text>"));
        }

        for (var i = 0; i <= 4; i++)
        {
            var y = Top + plotH - (plotH * i / 4.0);
            sb.Append(Inv($"<text x=\"{Left - 6}\" y=\"{y + 4:F1}\" font-size=\"11\" text-anchor=\"end\">{i * 25}%</text>"));
            sb.Append(Inv($"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{y:F1}\" y2=\"{y:F1}\" stroke=\"#ddd\"/>"));
        }

        Axes(sb, "", yLabel);
        return End(sb);
    }

    private static StringBuilder Begin(string title)
    {
        var sb = new StringBuilder();
        sb.Append(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\">\n"));
        sb.Append(Inv($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>"));
        sb.Append(Inv($"<text x=\"{Width / 2}\" y=\"22\" font-size=\"15\" text-anchor=\"middle\">{WebUtility.HtmlEncode(title)}</text>\n"));
        return sb;
    }

    private static void Axes(StringBuilder sb, string xLabel, string yLabel)
    {
        var plotH = Height - Top - Bottom;
        sb.Append(Inv($"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Top + plotH}\" stroke=\"black\"/>"));
        sb.Append(Inv($"<line x1=\"{Left}\" y1=\"{Top + plotH}\" x2=\"{Width - Right}\" y2=\"{Top + plotH}\" stroke=\"black\"/>"));
        sb.Append(Inv($"<text x=\"{Width / 2}\" y=\"{Height - 8}\" font-size=\"12\" text-anchor=\"middle\">{WebUtility.HtmlEncode(xLabel)}</text>"));
        sb.Append(Inv($"<text x=\"14\" y=\"{Top + (plotH / 2)}\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 14 {Top + (plotH / 2)})\">{WebUtility.HtmlEncode(yLabel)}</text>\n"));
    }

    private static void Legend(StringBuilder sb, IReadOnlyList<(string Name, string Color)> items)
    {
        for (var i = 0; i < items.Count; i++)
        {
            var y = Top + 8 + (i * 16);
            sb.Append(Inv($"<rect x=\"{Width - Right - 170}\" y=\"{y - 9}\" width=\"10\" height=\"10\" fill=\"{items[i].Color}\"/>"));
            sb.Append(Inv($"<text x=\"{Width - Right - 155}\" y=\"{y}\" font-size=\"11\">{WebUtility.HtmlEncode(items[i].Name)}</text>"));
        }
    }

    private static string End(StringBuilder sb) => sb.Append("\n</svg>\n").ToString();

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
