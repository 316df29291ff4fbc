using LlmClusters.Core.Model;

namespace LlmClusters.Core.Queries.Rows;

/// <summary>The verdicts on one cluster's items, from <see cref="EvaluationQueries.ClusterVerdicts"/>.</summary>
public sealed record ClusterVerdictsRow(int ClusterId, VerdictCounts Verdicts);
