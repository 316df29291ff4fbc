namespace LlmClusters.Core.Demo;

/// <summary>The seven kinds of traffic the demo product serves. Two of them (auth, travel agent) carry most errors.</summary>
public static class DemoTrafficCatalog
{
    private static readonly DemoModel Gpt4o = new("openai", "gpt-4o", 0.0025, 0.01, 3);
    private static readonly DemoModel Gpt4oMini = new("openai", "gpt-4o-mini", 0.00015, 0.0006, 4);
    private static readonly DemoModel Sonnet = new("anthropic", "claude-sonnet-4-5", 0.003, 0.015, 3);
    private static readonly DemoModel Haiku = new("anthropic", "claude-haiku-4-5", 0.001, 0.005, 2);
    private static readonly DemoModel Gemini = new("google", "gemini-2.5-flash", 0.0003, 0.0025, 2);
    private static readonly DemoModel Llama = new("groq", "llama-3.3-70b-versatile", 0.00059, 0.00079, 1);

    public static IReadOnlyList<DemoTrafficKind> Kinds { get; } =
    [
        new()
        {
            Key = "billing", TraceName = "support-chat", Share = 0.20, ErrorRate = 0.02,
            ClusterTitle = "Refunds & billing: \"Where's my invoice?\"",
            ClusterDescription = "Customers asking about refunds, duplicate charges, invoices and changing their plan.\nMostly answered in one turn.",
            ErrorMessages = ["Request timed out after 30s"], ErrorHttpStatus = 504,
            Models = [Gpt4oMini, Haiku],
            SystemPrompt = "You are Acme's support assistant. Be concise and polite. Never promise a refund you cannot issue.",
            Prompts =
            [
                "I was charged twice for my {0} subscription this month, can I get a refund?",
                "Where can I download the invoice for order {1}? My accountant needs it.",
                "How do I switch from the {0} plan to annual billing?",
                "Why did my card get declined when renewing the {0} plan?",
                "Can you refund order {1}? The product arrived broken.",
            ],
            Answers =
            [
                "I'm sorry about the double charge. I've opened a refund request for the duplicate payment; it usually reaches your card within 5-7 business days.",
                "You can download every invoice from Settings > Billing > Invoices. I've also emailed you a PDF copy.",
                "You can switch to annual billing under Settings > Billing. You'll get two months free and the remaining monthly balance is credited.",
            ],
            Slots = [["Pro", "Team", "Starter", "Enterprise"], ["#48213", "#99120", "#10442", "#77311", "#52090"]],
            Generations = (1, 2), SpanNames = ["lookup_customer"], InputTokens = (300, 900), OutputTokens = (60, 220),
            LatencySeconds = (0.6, 2.5),
        },
        new()
        {
            Key = "code-review", TraceName = "code-review", Share = 0.15, ErrorRate = 0.01,
            ClusterTitle = "Pull-request code review",
            ClusterDescription = "Reviews of diffs: naming, null checks, missing tests and security smells in Python and TypeScript changes.",
            ErrorMessages = ["context_length_exceeded: maximum context length is 128000 tokens"], ErrorHttpStatus = 400,
            Models = [Sonnet, Gpt4o],
            SystemPrompt = "You are a senior engineer reviewing a pull request. Point out bugs first, then style.",
            Prompts =
            [
                "Review this diff in {0}:\n```\n- if user:\n+ if user is not None and user.{1}:\n```",
                "Is there a race condition in this {0} change to the {1} handler?",
                "Suggest unit tests for the new {1} function in {0}.",
                "This {0} PR renames {1}; did I miss any call sites?",
            ],
            Answers =
            [
                "The null check is right, but `user.is_active` can raise if the profile is not loaded. Consider `getattr` with a default, and add a test for the anonymous user.",
                "Yes: two requests can read the counter before either writes it. Wrap the read-modify-write in a transaction or use an atomic increment.",
            ],
            Slots = [["payments.py", "auth/session.ts", "billing/worker.py", "api/routes.ts"], ["is_active", "refresh_token", "retry_policy", "webhook"]],
            Generations = (1, 3), SpanNames = ["fetch_diff", "run_linter"], InputTokens = (1500, 6000), OutputTokens = (200, 900),
            LatencySeconds = (3.0, 12.0),
        },
        new()
        {
            Key = "text-to-sql", TraceName = "text-to-sql", Share = 0.12, ErrorRate = 0.03,
            ClusterTitle = "Natural-language questions turned into SQL",
            ClusterDescription = "Analysts asking for numbers (signups, revenue, churn) that the assistant answers with a SQL query.",
            ErrorMessages = ["Generated SQL failed validation: unknown column"], ErrorHttpStatus = 422,
            Models = [Gpt4o, Gemini],
            SystemPrompt = "Translate the question into a ClickHouse SQL query over the given schema. Return only SQL.",
            Prompts =
            [
                "How many {0} did we have per week over the last {1}?",
                "Show me {0} by country for the last {1}, top 10.",
                "What was the average {0} per customer over the last {1}?",
            ],
            Answers =
            [
                "SELECT toStartOfWeek(timestamp) AS week, count() FROM events WHERE event = 'signed_up' AND timestamp > now() - INTERVAL 90 DAY GROUP BY week ORDER BY week",
                "SELECT country, sum(amount) AS revenue FROM orders WHERE created_at > now() - INTERVAL 30 DAY GROUP BY country ORDER BY revenue DESC LIMIT 10",
            ],
            Slots = [["signups", "revenue", "churned accounts", "active users", "refunds"], ["30 days", "quarter", "6 months", "year"]],
            Generations = (1, 2), SpanNames = ["load_schema", "validate_sql"], InputTokens = (800, 2500), OutputTokens = (40, 200),
            LatencySeconds = (0.8, 4.0),
        },
        new()
        {
            Key = "docs-qa", TraceName = "docs-qa", Share = 0.18, ErrorRate = 0.02,
            ClusterTitle = "Product documentation Q&A (retrieval)",
            ClusterDescription = "Questions about how to configure the product, answered from retrieved documentation chunks.",
            ErrorMessages = ["Vector store unavailable"], ErrorHttpStatus = 503,
            Models = [Gpt4oMini, Sonnet, Llama],
            SystemPrompt = "Answer using only the documentation excerpts provided. Cite the page you used.",
            Prompts =
            [
                "How do I configure {0} for the {1} SDK?",
                "Does the {1} SDK support {0}? The docs are unclear.",
                "What is the rate limit for {0} when using {1}?",
            ],
            Answers =
            [
                "To configure it, set the option in your client initialisation (see 'Configuration' in the docs). The SDK reads it once at start-up.",
                "Yes, since version 3.2. Enable it with the flag described on the 'Advanced' page.",
            ],
            Slots = [["feature flags", "session replay", "webhooks", "SSO", "data retention"], ["Python", "Node.js", "iOS", "Android", "Go"]],
            Generations = (1, 1), SpanNames = ["retrieve_chunks", "rerank"], InputTokens = (1200, 3500), OutputTokens = (120, 450),
            LatencySeconds = (1.0, 5.0), UsesEmbedding = true,
        },
        new()
        {
            Key = "auth", TraceName = "auth-helper", Share = 0.10, ErrorRate = 0.14,
            ClusterTitle = "Login, SSO & password-reset troubleshooting",
            ClusterDescription = "Users locked out: expired reset links, SAML/SSO misconfiguration, 2FA codes not arriving. Often hits the provider's rate limit.",
            ErrorMessages = ["429 Too Many Requests: rate limit reached for requests", "Upstream identity provider returned invalid_grant"], ErrorHttpStatus = 429,
            Models = [Gpt4oMini, Haiku],
            SystemPrompt = "You help users regain access to their account. Never ask for a password.",
            Prompts =
            [
                "My password reset link says it expired but I just requested it ({0}).",
                "SSO login with {1} fails with 'invalid_grant', what should I check?",
                "I'm not receiving my 2FA code by {0}.",
                "After enabling {1} SSO nobody on my team can log in!",
            ],
            Answers =
            [
                "Reset links expire after 15 minutes and only the newest one works. Request a new link and open it in the same browser.",
                "invalid_grant usually means the clock on the identity provider is skewed or the redirect URI does not match. Check both in your SSO settings.",
            ],
            Slots = [["email", "SMS", "the authenticator app"], ["Okta", "Google Workspace", "Azure AD", "OneLogin"]],
            Generations = (1, 3), SpanNames = ["check_account_status"], InputTokens = (250, 800), OutputTokens = (50, 200),
            LatencySeconds = (0.5, 3.0),
        },
        new()
        {
            Key = "translation", TraceName = "translate-ui", Share = 0.10, ErrorRate = 0.01,
            ClusterTitle = "Übersetzungen & 翻訳 — UI string translation",
            ClusterDescription = "Short interface strings translated into German, Japanese, French and Spanish (Ä, é, ñ, 日本語).",
            ErrorMessages = ["Output failed JSON schema validation"], ErrorHttpStatus = 422,
            Models = [Gemini, Gpt4oMini],
            SystemPrompt = "Translate the UI string. Keep placeholders like {name} unchanged. Reply with the translation only.",
            Prompts =
            [
                "Translate to {0}: \"{1}\"",
                "Please translate \"{1}\" into {0}, keep it short for a button.",
            ],
            Answers = ["Änderungen speichern", "変更を保存", "Enregistrer les modifications", "Guardar cambios", "Passwort zurücksetzen", "パスワードをリセット"],
            Slots = [["German", "Japanese", "French", "Spanish"], ["Save changes", "Reset password", "Your trial ends in {days} days", "Invite teammates"]],
            Generations = (1, 1), SpanNames = [], InputTokens = (60, 200), OutputTokens = (10, 60),
            LatencySeconds = (0.3, 1.2),
        },
        new()
        {
            Key = "travel-agent", TraceName = "travel-agent", Share = 0.15, ErrorRate = 0.15,
            ClusterTitle = "Multi-step travel booking agent (tool calls)",
            ClusterDescription = "An agent that searches flights and hotels, compares prices and books; long traces with many tool calls and timeouts.",
            ErrorMessages = ["Tool 'search_flights' timed out after 20s", "Booking API returned 502 Bad Gateway"], ErrorHttpStatus = 502,
            Models = [Gpt4o, Sonnet],
            SystemPrompt = "You are a travel agent. Use the tools to search and book. Confirm prices before booking.",
            Prompts =
            [
                "Find me a flight from {0} to {1} next Friday, returning Sunday, under $400.",
                "Book a hotel near the conference centre in {1} for three nights from {0}.",
                "Compare train and flight options from {0} to {1} for tomorrow morning.",
            ],
            Answers =
            [
                "I found 3 options. The cheapest is $312 with one stop; the fastest is $389 non-stop. Shall I book the non-stop flight?",
                "Booked: Hotel Central, 3 nights, $142 per night, free cancellation until 48 hours before arrival.",
            ],
            Slots = [["Berlin", "New York", "San Francisco", "London", "São Paulo"], ["Tokyo", "Lisbon", "Austin", "Zürich", "Toronto"]],
            Generations = (2, 5), SpanNames = ["search_flights", "search_hotels", "compare_prices", "book"], InputTokens = (900, 3000), OutputTokens = (80, 400),
            LatencySeconds = (1.5, 8.0),
        },
    ];
}
