using System.Globalization;

namespace LlmClusters.Core.Formatting;

/// <summary>Figures for reading (views, trace trees): the objects keep full precision, the text shows what matters.</summary>
public static class NumberText
{
    /// <summary>
    /// A cost in dollars with three significant digits and no exponent: $1.23, $0.0345, $0.000000320 (an embedding's
    /// cost is a few ten-millionths of a dollar, which a fixed five decimals shows as $0.00000).
    /// </summary>
    public static string Cost(double dollars)
    {
        if (!double.IsFinite(dollars)) return "$" + dollars.ToString(CultureInfo.InvariantCulture);
        if (dollars == 0) return "$0";
        var magnitude = Math.Abs(dollars);
        if (magnitude >= 1) return "$" + dollars.ToString("#,0.00", CultureInfo.InvariantCulture);
        var decimals = Math.Min(15, 2 - (int)Math.Floor(Math.Log10(magnitude)));
        return "$" + Math.Round(dollars, decimals).ToString("0." + new string('0', decimals), CultureInfo.InvariantCulture);
    }
}
