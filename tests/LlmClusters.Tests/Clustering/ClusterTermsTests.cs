using LlmClusters.Core.Clustering;

namespace LlmClusters.Tests.Clustering;

public sealed class ClusterTermsTests
{
    [Fact]
    public void Each_cluster_is_named_by_the_words_only_it_uses()
    {
        string[] texts = ["refund the invoice", "invoice for the plan", "book a flight", "flight and hotel", "noise words here"];
        var terms = ClusterTerms.Distinctive(texts, [0, 0, 1, 1, -1], top: 2);
        Assert.Equal("invoice", terms[0][0]);
        Assert.Equal("flight", terms[1][0]);
        Assert.False(terms.ContainsKey(-1));
    }

    [Fact]
    public void Words_keep_identifiers_and_drop_stop_words()
    {
        Assert.Equal(["support-chat", "lookup_customer", "übersetzung", "refund"], ClusterTerms.Words("support-chat: the lookup_customer Übersetzung, refund it"));
    }
}
