using System.Globalization;

namespace LlmClusters.Core.Model;

/// <summary>
/// Sums and means of floating-point figures carry binary noise in their last digits (1.7078614999999995 for
/// 1.7078615), which Export-Csv and ConvertTo-Json write as they are. Fifteen significant digits, all that a double
/// holds reliably, read back as the number meant; the figure keeps its full precision otherwise.
/// </summary>
public static class Figure
{
    public static double Tidy(double value) =>
        double.IsFinite(value) && value != 0
            ? double.Parse(value.ToString("G15", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)
            : value;
}
