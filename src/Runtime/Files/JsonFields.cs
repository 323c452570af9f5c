using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DreamTrainer;

/// <summary>Typed reads of JSON values from files on disk: each says whether the value has the type, never throws.</summary>
internal static class JsonFields
{
    public static bool TryInt32(JsonNode? node, out int value)
    {
        value = 0;
        return node is JsonValue json && json.GetValueKind() == JsonValueKind.Number && json.TryGetValue(out value);
    }

    public static bool TryInt64(JsonNode? node, out long value)
    {
        value = 0;
        return node is JsonValue json && json.GetValueKind() == JsonValueKind.Number && json.TryGetValue(out value);
    }

    /// <summary>A number, or the strings NaN, Infinity and -Infinity (how checkpoints store non-finite values).</summary>
    public static bool TryDouble(JsonNode? node, out double value)
    {
        value = double.NaN;
        if (node is not JsonValue json)
        {
            return false;
        }

        JsonValueKind kind = json.GetValueKind();
        if (kind == JsonValueKind.Number)
        {
            return json.TryGetValue(out value);
        }

        if (kind == JsonValueKind.String && json.TryGetValue(out string? text))
        {
            switch (text)
            {
                case "NaN":
                    value = double.NaN;
                    return true;
                case "Infinity":
                    value = double.PositiveInfinity;
                    return true;
                case "-Infinity":
                    value = double.NegativeInfinity;
                    return true;
            }

            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }

        return false;
    }

    public static bool TryString(JsonNode? node, out string? value)
    {
        value = null;
        return node is JsonValue json && json.GetValueKind() == JsonValueKind.String && json.TryGetValue(out value);
    }

    public static bool TryBoolean(JsonNode? node, out bool value)
    {
        value = false;
        if (node is JsonValue json && json.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            value = json.GetValueKind() == JsonValueKind.True;
            return true;
        }

        return false;
    }

    /// <summary>The value as it appears in the file, shortened for a message.</summary>
    public static string Show(JsonNode? node)
    {
        string text = node is null ? "null" : node.ToJsonString();
        return text.Length <= 80 ? text : text[..80] + "…";
    }
}
