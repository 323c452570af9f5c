using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.IO;
using System.Text.Json.Nodes;

namespace DreamTrainer;

/// <summary>
/// Where a callback reads its state back when a run resumes. Each <c>TryRead</c> returns false
/// when the entry is absent (a checkpoint from an older version of the callback), so the member
/// keeps its current value. An entry that is present with the wrong type (a string where a number
/// belongs, an enum name that does not exist) throws a <see cref="CheckpointFormatException"/>
/// naming the checkpoint file and the entry: a checkpoint may be hostile.
/// </summary>
public sealed class CallbackStateReader
{
    private const string InMemory = "(state in memory)";

    private readonly JsonObject _source;
    private readonly string _file;
    private readonly string _path;
    private readonly CheckpointEntries? _entries;

    internal CallbackStateReader(JsonObject source, string file, string path, CheckpointEntries? entries)
    {
        _source = source;
        _file = file;
        _path = path;
        _entries = entries;
    }

    /// <summary>Creates a reader over what <paramref name="writer"/> wrote (for tests of callbacks).</summary>
    /// <param name="writer">A writer.</param>
    public CallbackStateReader(CallbackStateWriter writer)
        : this(JsonNode.Parse(writer.Target.ToJsonString())!.AsObject(), InMemory, "state", writer.Entries.ToReadable())
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

    /// <summary>The number of entries present.</summary>
    internal int Count => _source.Count;

    /// <summary>True when <paramref name="name"/> is present.</summary>
    /// <param name="name">The entry name.</param>
    /// <returns>True when present.</returns>
    public bool Contains(string name) => _source.ContainsKey(name);

    /// <summary>Reads a boolean.</summary>
    /// <param name="name">The entry name.</param>
    /// <param name="value">The value.</param>
    /// <returns>False when absent or null.</returns>
    /// <exception cref="CheckpointFormatException">The entry is not a boolean.</exception>
    public bool TryRead(string name, out bool value)
    {
        value = default;
        return Present(name, out JsonNode? node) && (JsonFields.TryBoolean(node, out value) ? true : throw WrongType(name, node, "a boolean"));
    }

    /// <summary>Reads a 32-bit integer.</summary>
    /// <param name="name">The entry name.</param>
    /// <param name="value">The value.</param>
    /// <returns>False when absent or null.</returns>
    /// <exception cref="CheckpointFormatException">The entry is not a 32-bit integer.</exception>
    public bool TryRead(string name, out int value)
    {
        value = default;
        return Present(name, out JsonNode? node) && (JsonFields.TryInt32(node, out value) ? true : throw WrongType(name, node, "a 32-bit integer"));
    }

    /// <summary>Reads a 64-bit integer.</summary>
    /// <param name="name">The entry name.</param>
    /// <param name="value">The value.</param>
    /// <returns>False when absent or null.</returns>
    /// <exception cref="CheckpointFormatException">The entry is not a 64-bit integer.</exception>
    public bool TryRead(string name, out long value)
    {
        value = default;
        return Present(name, out JsonNode? node) && (JsonFields.TryInt64(node, out value) ? true : throw WrongType(name, node, "a 64-bit integer"));
    }

    /// <summary>Reads a double.</summary>
    /// <param name="name">The entry name.</param>
    /// <param name="value">The value.</param>
    /// <returns>False when absent or null.</returns>
    /// <exception cref="CheckpointFormatException">The entry is not a number.</exception>
    public bool TryRead(string name, out double value)
    {
        value = default;
        return Present(name, out JsonNode? node) && (JsonFields.TryDouble(node, out value) ? true : throw WrongType(name, node, "a number"));
    }

    /// <summary>Reads a string.</summary>
    /// <param name="name">The entry name.</param>
    /// <param name="value">The value (null when stored as null).</param>
    /// <returns>False when absent.</returns>
    /// <exception cref="CheckpointFormatException">The entry is not a string.</exception>
    public bool TryRead(string name, out string? value)
    {
        value = null;
        if (!_source.TryGetPropertyValue(name, out JsonNode? node))
        {
            return false;
        }

        return node is null || (JsonFields.TryString(node, out value) ? true : throw WrongType(name, node, "a string"));
    }

    /// <summary>Reads a list of doubles.</summary>
    /// <param name="name">The entry name.</param>
    /// <param name="values">The values (null when stored as null).</param>
    /// <returns>False when absent.</returns>
    /// <exception cref="CheckpointFormatException">The entry is not an array of numbers.</exception>
    public bool TryRead(string name, out List<double>? values)
    {
        values = null;
        if (!_source.TryGetPropertyValue(name, out JsonNode? node))
        {
            return false;
        }

        if (node is null)
        {
            return true;
        }

        if (node is not JsonArray array)
        {
            throw WrongType(name, node, "an array of numbers");
        }

        values = new List<double>(array.Count);
        foreach (JsonNode? item in array)
        {
            if (item is null)
            {
                values.Add(double.NaN);
            }
            else if (JsonFields.TryDouble(item, out double value))
            {
                values.Add(value);
            }
            else
            {
                throw WrongType(name, node, "an array of numbers");
            }
        }

        return true;
    }

    /// <summary>Reads a nullable double: present-and-null gives null.</summary>
    /// <param name="name">The entry name.</param>
    /// <param name="value">The value.</param>
    /// <returns>False when absent.</returns>
    /// <exception cref="CheckpointFormatException">The entry is neither null nor a number.</exception>
    public bool TryRead(string name, out double? value)
    {
        value = null;
        if (!_source.TryGetPropertyValue(name, out JsonNode? node))
        {
            return false;
        }

        if (node is not null)
        {
            value = JsonFields.TryDouble(node, out double number) ? number : throw WrongType(name, node, "a number or null");
        }

        return true;
    }

    /// <summary>Reads a nullable 32-bit integer.</summary>
    /// <param name="name">The entry name.</param>
    /// <param name="value">The value.</param>
    /// <returns>False when absent.</returns>
    /// <exception cref="CheckpointFormatException">The entry is neither null nor a 32-bit integer.</exception>
    public bool TryRead(string name, out int? value)
    {
        value = null;
        if (!_source.TryGetPropertyValue(name, out JsonNode? node))
        {
            return false;
        }

        if (node is not null)
        {
            value = JsonFields.TryInt32(node, out int number) ? number : throw WrongType(name, node, "a 32-bit integer or null");
        }

        return true;
    }

    /// <summary>Reads a nullable 64-bit integer.</summary>
    /// <param name="name">The entry name.</param>
    /// <param name="value">The value.</param>
    /// <returns>False when absent.</returns>
    /// <exception cref="CheckpointFormatException">The entry is neither null nor a 64-bit integer.</exception>
    public bool TryRead(string name, out long? value)
    {
        value = null;
        if (!_source.TryGetPropertyValue(name, out JsonNode? node))
        {
            return false;
        }

        if (node is not null)
        {
            value = JsonFields.TryInt64(node, out long number) ? number : throw WrongType(name, node, "a 64-bit integer or null");
        }

        return true;
    }

    /// <summary>Reads a nullable boolean.</summary>
    /// <param name="name">The entry name.</param>
    /// <param name="value">The value.</param>
    /// <returns>False when absent.</returns>
    /// <exception cref="CheckpointFormatException">The entry is neither null nor a boolean.</exception>
    public bool TryRead(string name, out bool? value)
    {
        value = null;
        if (!_source.TryGetPropertyValue(name, out JsonNode? node))
        {
            return false;
        }

        if (node is not null)
        {
            value = JsonFields.TryBoolean(node, out bool flag) ? flag : throw WrongType(name, node, "a boolean or null");
        }

        return true;
    }

    /// <summary>Reads an enum value written by name.</summary>
    /// <typeparam name="TEnum">The enum type.</typeparam>
    /// <param name="name">The entry name.</param>
    /// <param name="value">The value.</param>
    /// <returns>False when absent or null.</returns>
    /// <exception cref="CheckpointFormatException">The entry is not the name of a value of <typeparamref name="TEnum"/>.</exception>
    public bool TryReadEnum<TEnum>(string name, out TEnum value)
        where TEnum : struct, Enum
    {
        value = default;
        if (!Present(name, out JsonNode? node))
        {
            return false;
        }

        if (JsonFields.TryString(node, out string? text) && text is not null
            && !text.AsSpan().ContainsAny("0123456789-+,") && Enum.TryParse(text, ignoreCase: false, out value) && Enum.IsDefined(value))
        {
            return true;
        }

        throw WrongType(name, node, $"one of {string.Join(", ", Enum.GetNames<TEnum>())}");
    }

    /// <summary>The nested state stored under <paramref name="name"/> by <see cref="CallbackStateWriter.Section"/>.</summary>
    /// <param name="name">The section name.</param>
    /// <param name="section">The section's reader.</param>
    /// <returns>False when absent.</returns>
    /// <exception cref="CheckpointFormatException">The entry is not an object.</exception>
    public bool TryGetSection(string name, [NotNullWhen(true)] out CallbackStateReader? section)
    {
        section = null;
        if (!_source.TryGetPropertyValue(name, out JsonNode? node))
        {
            return false;
        }

        if (node is not JsonObject obj)
        {
            throw WrongType(name, node, "an object");
        }

        section = new CallbackStateReader(obj, _file, _path + "." + name, _entries);
        return true;
    }

    /// <summary>
    /// Reads a weights snapshot written by <see cref="CallbackStateWriter.WriteWeightsSnapshot"/>:
    /// through the engine's <see cref="IModelStateControl.LoadSnapshot"/>, streamed and bounded.
    /// </summary>
    internal bool TryReadWeightsSnapshot(string name, IModelStateControl model, TrainerContext context, out object? snapshot)
    {
        snapshot = null;
        if (!TryRead(name, out string? entry) || entry is null)
        {
            return false;
        }

        if (entry == CallbackStateWriter.CurrentWeights)
        {
            snapshot = context.CreateWeightsSnapshot();
            return true;
        }

        if (!CheckpointArchive.IsSnapshotEntry(entry))
        {
            throw Invalid(name, JsonFields.Show(JsonValue.Create(entry)), $"must name an entry state/<n>.bin of the checkpoint or be \"{CallbackStateWriter.CurrentWeights}\"");
        }

        using Stream? stream = _entries?.Open(entry);
        if (stream is null)
        {
            return false;
        }

        try
        {
            snapshot = model.LoadSnapshot(stream);
        }
        catch (Exception failure) when (failure is not CheckpointFormatException and not OperationCanceledException)
        {
            throw new CheckpointFormatException(_file, $"{_path}.{name}: the weights in entry '{entry}' cannot be loaded into the module ({failure.GetType().Name}: {failure.Message}).", failure);
        }

        CheckpointArchive.Finish(stream);
        return true;
    }

    /// <summary>An error for a value that has the right type but cannot be: names the file, the entry and the value.</summary>
    /// <param name="name">The entry name.</param>
    /// <param name="value">The value as read.</param>
    /// <param name="rule">What it must be ("must be 0 or more").</param>
    /// <returns>The exception to throw.</returns>
    internal CheckpointFormatException Invalid(string name, string value, string rule) =>
        new(_file, $"{_path}.{name} = {value}: it {rule}.", null);

    internal CheckpointFormatException Invalid(string name, double value, string rule) =>
        Invalid(name, value.ToString("R", CultureInfo.InvariantCulture), rule);

    private bool Present(string name, out JsonNode? node) => _source.TryGetPropertyValue(name, out node) && node is not null;

    private CheckpointFormatException WrongType(string name, JsonNode? node, string expected) =>
        new(_file, $"{_path}.{name} is {JsonFields.Show(node)}, not {expected}.", null);
}
