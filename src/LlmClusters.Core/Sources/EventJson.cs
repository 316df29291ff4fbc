using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LlmClusters.Core.Sources;

/// <summary>Writes events as the JSON lines that <c>INSERT ... FORMAT JSONEachRow</c> takes.</summary>
internal static class EventJson
{
    // Keeps non-ASCII text readable in the stored properties, as PostHog's ingestion does.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Properties(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static string Row(Guid uuid, string eventName, string properties, DateTime timestamp, long teamId, string distinctId)
    {
        var buffer = new ArrayBufferWriter<byte>(properties.Length + 256);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            writer.WriteString("uuid", uuid.ToString("D"));
            writer.WriteString("event", eventName);
            writer.WriteString("properties", properties);
            writer.WriteString("timestamp", timestamp.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture));
            writer.WriteNumber("team_id", teamId);
            writer.WriteString("distinct_id", distinctId);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>ISO-8601 as PostHog's Python writes it (<c>+00:00</c>), or with <c>Z</c> as older runs did.</summary>
    public static string Iso(DateTime utc, bool zulu = false) =>
        utc.ToString(zulu ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'", CultureInfo.InvariantCulture);
}
