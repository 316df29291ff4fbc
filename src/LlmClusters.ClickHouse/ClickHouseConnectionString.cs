using ClickHouse.Driver.ADO;
using LlmClusters.Core.Sources;

namespace LlmClusters.ClickHouse;

/// <summary>Reads a ClickHouse connection string (Host=...;Port=...;Username=...) with the driver's own parser.</summary>
public static class ClickHouseConnectionString
{
    public static ClickHouseServerOptions Parse(string connectionString, ClickHouseServerOptions defaults)
    {
        ClickHouseClientSettings settings;
        try
        {
            settings = new ClickHouseClientSettings(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            // The parser's message may quote the string, password included: say only what kind of fault it was.
            throw new InvalidConnectionStringException($"The connection string cannot be read ({e.GetType().Name}). Write it as Host=...;Port=...;Username=...;Password=...;Database=...");
        }
        return defaults with
        {
            Host = settings.Host,
            Port = settings.Port,
            UseTls = string.Equals(settings.Protocol, "https", StringComparison.OrdinalIgnoreCase),
            Database = string.IsNullOrEmpty(settings.Database) ? "default" : settings.Database,
            User = string.IsNullOrEmpty(settings.Username) ? "default" : settings.Username,
            Password = settings.Password,
        };
    }
}
