namespace Edge.Cloud.Api.Reporting;

public static class Percentiles
{
    /// <summary>
    /// The p-th percentile (0-100) by linear interpolation between closest ranks (the "type 7" estimator
    /// of R and NumPy's default); null for no values.
    /// </summary>
    public static double? Of(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.Order().ToArray();
        var rank = p / 100.0 * (sorted.Length - 1);
        var lower = (int)Math.Floor(rank);
        var upper = (int)Math.Ceiling(rank);
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * (rank - lower));
    }
}
