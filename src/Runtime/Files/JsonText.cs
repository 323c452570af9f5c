using System.Text.Encodings.Web;
using System.Text.Json;

namespace DreamTrainer;

/// <summary>How the runtime writes JSON files people read: <c>+00:00</c> and <c>&lt;</c> as themselves, not <c>\u002B</c>.</summary>
internal static class JsonText
{
    /// <summary>
    /// Escapes only what JSON requires. The files are data on disk, never embedded in HTML, so the
    /// default encoder's HTML-safe escaping only makes them harder to read.
    /// </summary>
    public static JavaScriptEncoder Encoder => JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>Indented output with <see cref="Encoder"/>.</summary>
    public static JsonWriterOptions Indented => new() { Indented = true, Encoder = Encoder };
}
