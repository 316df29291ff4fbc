using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sources;

namespace LlmClusters.Tests.Model;

/// <summary>PowerShell's wildcards, here and as RE2 for the database's match(): checked against PowerShell's own matching, in the engine.</summary>
[Collection(EngineCollectionDefinition.Name)]
public sealed class WildcardTests(EngineFixture engine)
{
    public static TheoryData<string, string, bool> Cases() => new()
    {
        { "gpt-4o*", "gpt-4o-mini", true },
        { "gpt-4o*", "GPT-4O", true },
        { "GPT-4O", "gpt-4o", true },
        { "gpt-4o", "gpt-4o-mini", false },
        { "claude-?-haiku", "claude-3-haiku", true },
        { "claude-[3-4]*", "claude-4-sonnet", true },
        { "claude-[3-4]*", "claude-5-sonnet", false },
        { "Default - traces (v2)", "default - TRACES (v2)", true },
        { "a.b", "axb", false },
        { "cost $ + 1", "cost $ + 1", true },
        { "literal `*star", "literal *star", true },
        { "literal `*star", "literal xstar", false },
        { "# tag", "# tag", true },
        { "Travel [b]ooking*", "travel Booking help", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Here_and_in_the_engine_it_matches_as_PowerShell_does(string wildcard, string text, bool matches)
    {
        Assert.Equal(matches, new System.Management.Automation.WildcardPattern(wildcard, System.Management.Automation.WildcardOptions.IgnoreCase).IsMatch(text));
        Assert.Equal(matches, new Wildcard(wildcard).IsMatch(text));
        var result = await engine.Source.QueryAsync(new SqlQuery("Match", "SELECT match({text:String}, {pattern:String}) AS matched",
            new Dictionary<string, object?> { ["text"] = text, ["pattern"] = Wildcard.ToRegex(wildcard) }), CancellationToken.None);
        Assert.Equal(matches, Convert.ToBoolean(result.Rows[0][0], System.Globalization.CultureInfo.InvariantCulture));
    }
}
