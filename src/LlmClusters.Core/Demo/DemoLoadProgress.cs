using System.Globalization;

namespace LlmClusters.Core.Demo;

/// <summary>How far a demo load has come, in traces (the total of events is known only once they are all made).</summary>
public readonly record struct DemoLoadProgress(int TracesWritten, int TracesTotal)
{
    public string Status => string.Format(CultureInfo.CurrentCulture, "{0:N0} of {1:N0} traces", TracesWritten, TracesTotal);
    public int Percent => (int)(TracesWritten * 100L / Math.Max(1, TracesTotal));
}
