using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DreamTrainer;

/// <summary>
/// Where a callback reads its state back when a run resumes. Each <c>TryRead</c> returns false
/// when the entry is absent (a checkpoint from an older version of the callback), so the member
/// keeps its current value.
/// </summary>
public sealed class CallbackStateReader
{
    private readonly JsonObject _source;

    internal CallbackStateReader(JsonObject source) => _source = source;

    /// <summary>Creates a reader over what <paramref name="writer"/> wrote (for tests of callbacks).</summary>
    /// <param name="writer">A writer.</param>
    public CallbackStateReader(CallbackStateWriter writer)
        : this(JsonNode.Parse(writer.Target.ToJsonString())!.AsObject())
    {
    }

    /// <summary>The entry names present.</summary>
    public IEnumerable<string> Names
    {
        get
        {
            foreach (KeyValuePair<string, JsonNode?> entry in _source)
            {
                yield return entry.Key;
            }
        }
    }

    /// <summary>True when <paramref name="name"/> is present.</summary>
    /// <param name="name">The entry name.</param>
    /// <returns>True when present.</returns>
    public bool Contains(string name) => _source.ContainsKey(name);

    /// <summary>Reads a boolean.</summary>
    /// <param name="name">The entry name.</param>
    /// <param name="value">The value.</param>
    /// <returns>False when absent or null.</returns>
    public bool TryRead(string name, out bool value) => TryGet(name, out value);

    /// <summary>Reads a 32-bit integer.</summary>
    /// <param name="name">The entry name.</param>
    /// <param name="value">The value.</param>
    /// <returns>False when absent or null.</returns>
    public bool TryRead(string name, out int value) => TryGet(name, out value);

    /// <summary>Reads a 64-bit integer.</summary>
    /// <param name="name">The entry name.</param>
    /// <param name="value">The value.</param>
    /// <returns>False when absent or null.</returns>
    public bool TryRead(string name, out long value) => TryGet(name, out value);

    /// <summary>Reads a double.</summary>
    /// <param name="name">The entry name.</param>
    /// <param name="value">The value.</param>
    /// <returns>False when absent or null.</returns>
    public bool TryRead(string name, out double value)
    {
        if (_source.TryGetPropertyValue(name, out JsonNode? node) && node is not null)
        {
            value = DecodeDouble(node, name);
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>Reads a string.</summary>
    /// <param name="name">The entry name.</param>
    /// <param name="value">The value (null when stored as null).</param>
    /// <returns>False when absent.</returns>
    public bool TryRead(string name, out string? value)
    {
        if (_source.TryGetPropertyValue(name, out JsonNode? node))
        {
            value = node?.GetValue<string>();
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>Reads a list of doubles.</summary>
    /// <param name="name">The entry name.</param>
    /// <param name="values">The values (null when stored as null).</param>
    /// <returns>False when absent.</returns>
    public bool TryRead(string name, out List<double>? values)
    {
        if (!_source.TryGetPropertyValue(name, out JsonNode? node))
        {
            values = null;
            return false;
        }

        if (node is null)
        {
            values = null;
            return true;
        }

        var array = node.AsArray();
        values = new List<double>(array.Count);
        foreach (JsonNode? item in array)
        {
            values.Add(item is null ? double.NaN : DecodeDouble(item, name));
        }

        return true;
    }

    /// <summary>Reads a nullable double: present-and-null gives null.</summary>
    /// <param name="name">The entry name.</param>
    /// <param name="value">The value.</param>
    /// <returns>False when absent.</returns>
    public bool TryRead(string name, out double? value)
    {
        if (!_source.TryGetPropertyValue(name, out JsonNode? node))
        {
            value = null;
            return false;
        }

        value = node is null ? null : DecodeDouble(node, name);
        return true;
    }

    /// <summary>Reads a nullable 32-bit integer.</summary>
    /// <param name="name">The entry name.</param>
    /// <param name="value">The value.</param>
    /// <returns>False when absent.</returns>
    public bool TryRead(string name, out int? value)
    {
        bool present = _source.TryGetPropertyValue(name, out JsonNode? node);
        value = node?.GetValue<int>();
        return present;
    }

    /// <summary>Reads a nullable 64-bit integer.</summary>
    /// <param name="name">The entry name.</param>
    /// <param name="value">The value.</param>
    /// <returns>False when absent.</returns>
    public bool TryRead(string name, out long? value)
    {
        bool present = _source.TryGetPropertyValue(name, out JsonNode? node);
        value = node?.GetValue<long>();
        return present;
    }

    /// <summary>Reads a nullable boolean.</summary>
    /// <param name="name">The entry name.</param>
    /// <param name="value">The value.</param>
    /// <returns>False when absent.</returns>
    public bool TryRead(string name, out bool? value)
    {
        bool present = _source.TryGetPropertyValue(name, out JsonNode? node);
        value = node?.GetValue<bool>();
        return present;
    }

    /// <summary>Reads an enum value written by name.</summary>
    /// <typeparam name="TEnum">The enum type.</typeparam>
    /// <param name="name">The entry name.</param>
    /// <param name="value">The value.</param>
    /// <returns>False when absent or not a name of <typeparamref name="TEnum"/>.</returns>
    public bool TryReadEnum<TEnum>(string name, out TEnum value)
        where TEnum : struct, Enum
    {
        if (_source.TryGetPropertyValue(name, out JsonNode? node) && node is not null
            && Enum.TryParse(node.GetValue<string>(), ignoreCase: false, out value))
        {
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>The nested state stored under <paramref name="name"/> by <see cref="CallbackStateWriter.Section"/>.</summary>
    /// <param name="name">The section name.</param>
    /// <param name="section">The section's reader.</param>
    /// <returns>False when absent.</returns>
    public bool TryGetSection(string name, [NotNullWhen(true)] out CallbackStateReader? section)
    {
        if (_source.TryGetPropertyValue(name, out JsonNode? node) && node is JsonObject obj)
        {
            section = new CallbackStateReader(obj);
            return true;
        }

        section = null;
        return false;
    }

    private static double DecodeDouble(JsonNode node, string name)
    {
        JsonValueKind kind = node.GetValueKind();
        if (kind == JsonValueKind.Number)
        {
            return node.GetValue<double>();
        }

        if (kind == JsonValueKind.String
            && double.TryParse(node.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed))
        {
            return parsed;
        }

        throw new FormatException($"State entry '{name}' is not a number: {node.ToJsonString()}.");
    }

    private bool TryGet<T>(string name, out T value)
    {
        if (_source.TryGetPropertyValue(name, out JsonNode? node) && node is not null)
        {
            value = node.GetValue<T>();
            return true;
        }

        value = default!;
        return false;
    }
}
