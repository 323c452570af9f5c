using System;
using System.Collections.Generic;
using System.IO;

namespace DreamTrainer;

/// <summary>
/// Binary entries a checkpoint holds beside its JSON state (<c>state/&lt;n&gt;.bin</c>): weights
/// snapshots callbacks save, such as early stopping's best weights. Writers add entries that are
/// written when the archive is; readers open them by name, bounded.
/// </summary>
internal sealed class CheckpointEntries
{
    private readonly List<(string Name, Action<Stream> Write)> _pending = new();
    private readonly Func<string, Stream>? _open;

    /// <summary>Entries to be written (a checkpoint being saved).</summary>
    public CheckpointEntries()
    {
    }

    /// <summary>Entries to be read through <paramref name="open"/> (a checkpoint being restored).</summary>
    public CheckpointEntries(Func<string, Stream> open) => _open = open;

    public IReadOnlyList<(string Name, Action<Stream> Write)> Pending => _pending;

    /// <summary>Adds an entry; returns its name.</summary>
    public string Add(Action<Stream> write)
    {
        string name = "state/" + _pending.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".bin";
        _pending.Add((name, write));
        return name;
    }

    /// <summary>Opens an entry to read; null when there is nothing to read from (a state made in memory).</summary>
    public Stream? Open(string name) => _open?.Invoke(name);

    /// <summary>The entries written so far, as a reader sees them (a state made in memory, for tests).</summary>
    public CheckpointEntries ToReadable()
    {
        var buffers = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach ((string name, Action<Stream> write) in _pending)
        {
            using var buffer = new MemoryStream();
            write(buffer);
            buffers[name] = buffer.ToArray();
        }

        return new CheckpointEntries(name => buffers.TryGetValue(name, out byte[]? bytes)
            ? new MemoryStream(bytes, writable: false)
            : throw new CheckpointFormatException($"The state names the entry '{name}', which it does not hold."));
    }
}
