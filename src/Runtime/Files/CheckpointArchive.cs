using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Text.RegularExpressions;

namespace DreamTrainer;

/// <summary>
/// A checkpoint's zip archive opened for reading with every read bounded: the central directory's
/// size and entry count are checked before the archive is parsed, each entry's declared size before
/// it is opened, and the bytes are counted and their CRC-32 checked while they stream. Every
/// problem is a <see cref="CheckpointFormatException"/> naming the file and the entry.
/// </summary>
internal sealed partial class CheckpointArchive : IDisposable
{
    public const string ManifestEntry = "checkpoint.json";
    public const string ModelEntry = "model.bin";

    /// <summary>The most entries a checkpoint may have (the runtime writes a manifest, a model and one entry per saved snapshot).</summary>
    public const int MaxEntries = 1024;

    private const long MaxCentralDirectoryBytes = 1L << 20;
    private const int EndRecordSize = 22;
    private const uint EndRecordSignature = 0x06054b50;
    private const uint Zip64LocatorSignature = 0x07064b50;
    private const uint Zip64EndRecordSignature = 0x06064b50;

    private readonly ZipArchive _archive;
    private readonly Dictionary<string, ZipArchiveEntry> _entries = new(StringComparer.Ordinal);

    private CheckpointArchive(string path, ZipArchive archive, CheckpointReadLimits limits)
    {
        Path = path;
        _archive = archive;
        Limits = limits;
    }

    public string Path { get; }

    public CheckpointReadLimits Limits { get; }

    /// <summary>Opens <paramref name="path"/>; the entries are listed and checked, nothing is decompressed.</summary>
    public static CheckpointArchive Open(string path, CheckpointReadLimits limits)
    {
        string fullPath = System.IO.Path.GetFullPath(path);
        var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.RandomAccess);
        try
        {
            CheckCentralDirectory(stream, fullPath);
            ZipArchive archive;
            try
            {
                archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: false);
            }
            catch (InvalidDataException failure)
            {
                throw new CheckpointFormatException(fullPath, $"is not a readable zip archive ({failure.Message})", failure);
            }

            var opened = new CheckpointArchive(fullPath, archive, limits);
            try
            {
                opened.ListEntries();
                return opened;
            }
            catch
            {
                opened.Dispose();
                throw;
            }
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>True when the archive has <paramref name="name"/>.</summary>
    public bool Contains(string name) => _entries.ContainsKey(name);

    /// <summary>The uncompressed bytes of a small entry (the manifest), at most <paramref name="limit"/> bytes.</summary>
    public byte[] ReadAll(string name, long limit)
    {
        ZipArchiveEntry entry = Require(name, limit);
        var buffer = new byte[(int)entry.Length];
        using (Stream stream = OpenBounded(entry, limit))
        {
            int total = 0;
            while (total < buffer.Length)
            {
                int read = stream.Read(buffer, total, buffer.Length - total);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }

            // Reads on to the end, so the length and CRC checks run.
            if (stream.ReadByte() >= 0 || total != buffer.Length)
            {
                throw new CheckpointFormatException(Path, $"entry '{name}' does not hold the {entry.Length} bytes its header declares.", null);
            }
        }

        return buffer;
    }

    /// <summary>A stream over an entry that fails (naming file and entry) past the limit, on a length or CRC mismatch, or on corrupt data.</summary>
    public Stream Open(string name, long limit) => OpenBounded(Require(name, limit), limit);

    public void Dispose() => _archive.Dispose();

    /// <summary>
    /// Reads the end-of-central-directory record (and its zip64 form) before .NET parses the
    /// directory: a crafted record announcing millions of entries would otherwise be read into memory.
    /// </summary>
    private static void CheckCentralDirectory(FileStream stream, string path)
    {
        long length = stream.Length;
        if (length < EndRecordSize)
        {
            throw new CheckpointFormatException(path, $"is {length} bytes long, too short for a zip archive (truncated or empty).", null);
        }

        int tailLength = (int)Math.Min(length, EndRecordSize + ushort.MaxValue);
        var tail = new byte[tailLength];
        stream.Seek(length - tailLength, SeekOrigin.Begin);
        stream.ReadExactly(tail);
        int end = -1;
        for (int i = tailLength - EndRecordSize; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i)) == EndRecordSignature)
            {
                end = i;
                break;
            }
        }

        if (end < 0)
        {
            throw new CheckpointFormatException(path, "is not a zip archive: it has no end-of-central-directory record (truncated, or not a checkpoint).", null);
        }

        long entries = BinaryPrimitives.ReadUInt16LittleEndian(tail.AsSpan(end + 10));
        long directorySize = BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(end + 12));
        if ((entries == ushort.MaxValue || directorySize == uint.MaxValue) && end >= 20
            && BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(end - 20)) == Zip64LocatorSignature)
        {
            long recordOffset = (long)BinaryPrimitives.ReadUInt64LittleEndian(tail.AsSpan(end - 20 + 8));
            if (recordOffset < 0 || recordOffset > length - 56)
            {
                throw new CheckpointFormatException(path, "has a zip64 locator pointing outside the file.", null);
            }

            var record = new byte[56];
            stream.Seek(recordOffset, SeekOrigin.Begin);
            stream.ReadExactly(record);
            if (BinaryPrimitives.ReadUInt32LittleEndian(record) != Zip64EndRecordSignature)
            {
                throw new CheckpointFormatException(path, "has a zip64 locator that points at no zip64 end record.", null);
            }

            entries = (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(32)), long.MaxValue);
            directorySize = (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(40)), long.MaxValue);
        }

        if (entries > MaxEntries || directorySize > MaxCentralDirectoryBytes)
        {
            throw new CheckpointFormatException(
                path,
                $"announces {entries} entries in a {directorySize}-byte central directory; a checkpoint has at most {MaxEntries} entries in {MaxCentralDirectoryBytes} bytes.",
                null);
        }

        stream.Seek(0, SeekOrigin.Begin);
    }

    [GeneratedRegex(@"^state/[0-9]{1,4}\.bin$", RegexOptions.CultureInvariant)]
    private static partial Regex SnapshotEntryName();

    /// <summary>True for the entry names a checkpoint may hold.</summary>
    public static bool IsSnapshotEntry(string name) => SnapshotEntryName().IsMatch(name);

    private void ListEntries()
    {
        IReadOnlyCollection<ZipArchiveEntry> entries;
        try
        {
            entries = _archive.Entries;
        }
        catch (InvalidDataException failure)
        {
            throw new CheckpointFormatException(Path, $"has a corrupt zip directory ({failure.Message})", failure);
        }

        foreach (ZipArchiveEntry entry in entries)
        {
            string name = entry.FullName;
            if (name != ManifestEntry && name != ModelEntry && !IsSnapshotEntry(name))
            {
                throw new CheckpointFormatException(Path, $"has an entry '{Printable(name)}' that no checkpoint holds (expected {ManifestEntry}, {ModelEntry} and state/<n>.bin).", null);
            }

            if (!_entries.TryAdd(name, entry))
            {
                throw new CheckpointFormatException(Path, $"has the entry '{name}' twice.", null);
            }

            // Every declared size is checked now, before any entry is read.
            Require(name, name == ManifestEntry ? Limits.MaxManifestBytes : Limits.MaxModelBytes);
        }
    }

    private ZipArchiveEntry Require(string name, long limit)
    {
        if (!_entries.TryGetValue(name, out ZipArchiveEntry? entry))
        {
            throw new CheckpointFormatException(Path, $"has no entry '{name}'.", null);
        }

        if (entry.Length > limit || entry.Length < 0)
        {
            throw new CheckpointFormatException(
                Path,
                $"entry '{name}' declares {entry.Length} bytes, more than the limit of {limit} bytes. "
                + "If the file is genuine (a large model), raise CheckpointReadLimits.MaxModelBytes or MaxManifestBytes (TrainerOptions.CheckpointReadLimits).",
                null);
        }

        return entry;
    }

    private Stream OpenBounded(ZipArchiveEntry entry, long limit)
    {
        try
        {
            return new BoundedEntryStream(entry.Open(), this, entry, limit);
        }
        catch (InvalidDataException failure)
        {
            throw new CheckpointFormatException(Path, $"entry '{entry.FullName}' cannot be opened ({failure.Message})", failure);
        }
    }

    private static string Printable(string name)
    {
        var text = new System.Text.StringBuilder(Math.Min(name.Length, 80));
        foreach (char c in name)
        {
            if (text.Length == 80)
            {
                text.Append('…');
                break;
            }

            text.Append(char.IsControl(c) ? '?' : c);
        }

        return text.ToString();
    }

    /// <summary>Reads the rest of a stream from <see cref="Open(string, long)"/> so its checks run (an engine may stop reading early).</summary>
    public static void Finish(Stream stream)
    {
        if (stream is BoundedEntryStream bounded)
        {
            bounded.Drain();
        }
    }
}
