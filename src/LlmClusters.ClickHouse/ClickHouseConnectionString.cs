using ClickHouse.Driver.ADO;

namespace LlmClusters.ClickHouse;

/// <summary>Reads a ClickHouse connection string (Host=...;Port=...;Username=...) with the driver's own parser.</summary>
public static class ClickHouseConnectionString
{
    public static ClickHouseServerOptions Parse(string connectionString, ClickHouseServerOptions defaults)
    {
        var settings = new ClickHouseClientSettings(connectionString);
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
