namespace LlmClusters.Core.Demo;

/// <summary>Whether a run's clusters carry a metrics object: newer runs do, older ones lack it or hold null.</summary>
internal enum DemoMetricsForm
{
    Present,
    Absent,
    Null,
}
