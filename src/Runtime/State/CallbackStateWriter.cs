using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json.Nodes;

namespace DreamTrainer;

/// <summary>
/// Where a callback writes its state when a checkpoint is saved: named values of simple types.
/// Generated code writes <c>[CallbackState]</c> members through it; a hook method taking a
/// writer can add more. Non-finite doubles (an early-stopping "best" of infinity) round-trip.
/// </summary>
public sealed class CallbackStateWriter
{
    /// <summary>What <see cref="WriteWeightsSnapshot"/> stores when the snapshot is the weights the checkpoint's model.bin holds.</summary>
    internal const string CurrentWeights = "model.bin";

    internal CallbackStateWriter(JsonObject target, CheckpointEntries entries)
    {
        Target = target;
        Entries = entries;
    }

    /// <summary>Creates a writer over a new, empty state (for tests of callbacks).</summary>
    public CallbackStateWriter()
        : this(new JsonObject(), new CheckpointEntries())
    {
    }

    internal JsonObject Target { get; }

    /// <summary>The checkpoint's binary entries (weights snapshots), shared by every section.</summary>
    internal CheckpointEntries Entries { get; }

    /// <summary>Writes a boolean.</summary>
    /// <param name="name">The entry name.</param>
    /// <param name="value">The value.</param>
    public void Write(string name, bool value) => Set(name, JsonValue.Create(value));

    /// <summary>Writes a 32-bit integer.</summary>
    /// <param name="name">The entry name.</param>
    /// <param name="value">The value.</param>
    public void Write(string name, int value) => Set(name, JsonValue.Create(value));

    /// <summary>Writes a 64-bit integer.</summary>
    /// <param name="name">The entry name.</param>
    /// <param name="value">The value.</param>
    public void Write(string name, long value) => Set(name, JsonValue.Create(value));

    /// <summary>Writes a double (NaN and infinities included).</summary>
    /// <param name="name">The entry name.</param>
    /// <param name="value">The value.</param>
    public void Write(string name, double value) => Set(name, EncodeDouble(value));

    /// <summary>Writes a string (or null).</summary>
    /// <param name="name">The entry name.</param>
    /// <param name="value">The value.</param>
    public void Write(string name, string? value) => Set(name, value is null ? null : JsonValue.Create(value));

    /// <summary>Writes a list of doubles (or null).</summary>
    /// <param name="name">The entry name.</param>
    /// <param name="values">The values.</param>
    public void Write(string name, IReadOnlyList<double>? values)
    {
        if (values is null)
        {
            Set(name, null);
            return;
        }

        var array = new JsonArray();
        foreach (double value in values)
        {
            array.Add(EncodeDouble(value));
        }

        Set(name, array);
    }

    /// <summary>Writes a nullable value of a simple type.</summary>
    /// <param name="name">The entry name.</param>
    /// <param name="value">The value, or null.</param>
    public void Write(string name, double? value) => Set(name, value is { } v ? EncodeDouble(v) : null);

    /// <summary>Writes a nullable 32-bit integer.</summary>
    /// <param name="name">The entry name.</param>
    /// <param name="value">The value, or null.</param>
    public void Write(string name, int? value) => Set(name, value is { } v ? JsonValue.Create(v) : null);

    /// <summary>Writes a nullable 64-bit integer.</summary>
    /// <param name="name">The entry name.</param>
    /// <param name="value">The value, or null.</param>
    public void Write(string name, long? value) => Set(name, value is { } v ? JsonValue.Create(v) : null);

    /// <summary>Writes a nullable boolean.</summary>
    /// <param name="name">The entry name.</param>
    /// <param name="value">The value, or null.</param>
    public void Write(string name, bool? value) => Set(name, value is { } v ? JsonValue.Create(v) : null);

    /// <summary>Writes an enum value by name.</summary>
    /// <typeparam name="TEnum">The enum type.</typeparam>
    /// <param name="name">The entry name.</param>
    /// <param name="value">The value.</param>
    public void WriteEnum<TEnum>(string name, TEnum value)
        where TEnum : struct, Enum => Set(name, JsonValue.Create(value.ToString()));

    /// <summary>A nested writer stored under <paramref name="name"/> (one per callback in a checkpoint).</summary>
    /// <param name="name">The section name.</param>
    /// <returns>The section's writer.</returns>
    public CallbackStateWriter Section(string name)
    {
        var section = new JsonObject();
        Set(name, section);
        return new CallbackStateWriter(section, Entries);
    }

    /// <summary>
    /// Stores a weights snapshot (made by <see cref="IModelStateControl.CreateSnapshot"/>) in its own
    /// entry of the checkpoint, written through <see cref="IModelStateControl.SaveSnapshot"/> when the
    /// archive is; or, when <paramref name="isCurrent"/>, a reference to the checkpoint's model.bin.
    /// </summary>
    internal void WriteWeightsSnapshot(string name, IModelStateControl model, object snapshot, bool isCurrent) =>
        Write(name, isCurrent ? CurrentWeights : Entries.Add(stream => model.SaveSnapshot(snapshot, stream)));

    internal static JsonNode EncodeDouble(double value)
    {
        if (double.IsFinite(value))
        {
            return JsonValue.Create(value);
        }

        // JSON has no NaN or infinity; store them as the strings .NET parses back.
        return JsonValue.Create(value.ToString(CultureInfo.InvariantCulture));
    }

    private void Set(string name, JsonNode? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Target[name] = value;
    }
}
