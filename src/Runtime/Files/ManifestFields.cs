using System;
using System.Globalization;
using System.Text.Json.Nodes;

namespace DreamTrainer;

/// <summary>
/// Typed, validated reads from an object of a JSON file on disk: each failure is a
/// <see cref="CheckpointFormatException"/> naming the file, the key (as a path) and the value.
/// </summary>
internal readonly struct ManifestFields
{
    private readonly string _file;
    private readonly string _path;

    public ManifestFields(string file, JsonObject source, string path = "")
    {
        _file = file;
        Source = source;
        _path = path;
    }

    public JsonObject Source { get; }

    public string Key(string name) => _path.Length == 0 ? name : _path + "." + name;

    public bool Has(string name) => Source.TryGetPropertyValue(name, out JsonNode? node) && node is not null;

    public JsonNode? Node(string name) => Source.TryGetPropertyValue(name, out JsonNode? node) ? node : null;

    public CheckpointFormatException Fail(string name, JsonNode? value, string rule) =>
        new(_file, $"{Key(name)} = {JsonFields.Show(value)}: {rule}.", null);

    public CheckpointFormatException Missing(string name, string what) =>
        new(_file, $"{Key(name)} is missing; it must be {what}.", null);

    public string String(string name)
    {
        JsonNode? node = Node(name);
        return JsonFields.TryString(node, out string? value) ? value! : throw (node is null ? Missing(name, "a string") : Fail(name, node, "must be a string"));
    }

    public int Int32(string name, int min, int max)
    {
        JsonNode? node = Node(name);
        if (!JsonFields.TryInt32(node, out int value))
        {
            throw node is null ? Missing(name, "an integer") : Fail(name, node, "must be an integer");
        }

        return value >= min && value <= max ? value : throw Fail(name, node, Range(min, max));
    }

    public long Int64(string name, long min, long max)
    {
        JsonNode? node = Node(name);
        if (!JsonFields.TryInt64(node, out long value))
        {
            throw node is null ? Missing(name, "an integer") : Fail(name, node, "must be an integer");
        }

        return value >= min && value <= max ? value : throw Fail(name, node, Range(min, max));
    }

    public double Double(string name, bool finiteNonNegative)
    {
        JsonNode? node = Node(name);
        if (!JsonFields.TryDouble(node, out double value))
        {
            throw node is null ? Missing(name, "a number") : Fail(name, node, "must be a number");
        }

        return !finiteNonNegative || (double.IsFinite(value) && value >= 0) ? value : throw Fail(name, node, "must be finite and 0 or more");
    }

    public bool Boolean(string name, bool absent)
    {
        JsonNode? node = Node(name);
        if (node is null)
        {
            return absent;
        }

        return JsonFields.TryBoolean(node, out bool value) ? value : throw Fail(name, node, "must be true or false");
    }

    /// <summary>An optional object: null when absent or null.</summary>
    public ManifestFields? Object(string name)
    {
        JsonNode? node = Node(name);
        return node switch
        {
            null => null,
            JsonObject obj => new ManifestFields(_file, obj, Key(name)),
            _ => throw Fail(name, node, "must be an object"),
        };
    }

    /// <summary>An optional array: null when absent or null.</summary>
    public JsonArray? Array(string name)
    {
        JsonNode? node = Node(name);
        return node switch
        {
            null => null,
            JsonArray array => array,
            _ => throw Fail(name, node, "must be an array"),
        };
    }

    /// <summary>The fields of the <paramref name="index"/>-th item of <paramref name="name"/>, which must be an object.</summary>
    public ManifestFields Item(string name, JsonArray array, int index)
    {
        string key = Key(name) + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";
        return array[index] is JsonObject obj
            ? new ManifestFields(_file, obj, key)
            : throw new CheckpointFormatException(_file, $"{key} = {JsonFields.Show(array[index])}: must be an object.", null);
    }

    private static string Range(long min, long max) =>
        max == long.MaxValue || max == int.MaxValue
            ? string.Create(CultureInfo.InvariantCulture, $"must be {min} or more")
            : string.Create(CultureInfo.InvariantCulture, $"must be between {min} and {max}");
}
