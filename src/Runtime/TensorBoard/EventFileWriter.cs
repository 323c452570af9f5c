using System;
using System.Buffers.Binary;
using System.IO;
using Google.Protobuf;

namespace DreamTrainer.TensorBoard;

/// <summary>
/// Appends protobuf messages to a TensorBoard event file as TFRecords:
/// <c>uint64 length, uint32 masked CRC-32C of the length, the bytes, uint32 masked CRC-32C of the bytes</c>
/// (all little-endian). Records are only ever appended whole to a buffered stream, so a process
/// killed at any instant leaves a file whose complete records all decode, followed at most by
/// the prefix of one record, which readers (TensorBoard among them) treat as not yet written.
/// Writing a record allocates nothing once the payload buffer has grown to the largest record.
/// </summary>
internal sealed class EventFileWriter : IDisposable
{
    /// <summary>The version string TensorBoard expects in the first event of a file.</summary>
    public const string FileVersion = "brain.Event:2";

    /// <summary>The prefix TensorBoard looks for in a run folder.</summary>
    public const string FilePrefix = "events.out.tfevents.";

    private const int HeaderSize = sizeof(ulong) + sizeof(uint);
    private const int BufferSize = 64 * 1024;

    private readonly FileStream _stream;
    private byte[] _payload = new byte[512];

    private EventFileWriter(FileStream stream, string path)
    {
        _stream = stream;
        Path = path;
    }

    /// <summary>The event file.</summary>
    public string Path { get; }

    /// <summary>
    /// Creates <c>events.out.tfevents.&lt;unix seconds&gt;.&lt;host&gt;</c> in <paramref name="directory"/>
    /// (and the folder). A second file in the same second gets a <c>.1</c>, <c>.2</c>, … suffix;
    /// an existing file is never opened.
    /// </summary>
    public static EventFileWriter Create(string directory, DateTimeOffset now, string host)
    {
        Directory.CreateDirectory(directory);
        string name = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{FilePrefix}{now.ToUnixTimeSeconds():D10}.{host}");
        for (int attempt = 0; ; attempt++)
        {
            string path = System.IO.Path.Combine(directory, attempt == 0 ? name : name + "." + attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));
            try
            {
                var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, BufferSize);
                return new EventFileWriter(stream, path);
            }
            catch (IOException) when (attempt < 1000 && File.Exists(path))
            {
                // Another run of this second owns that name; try the next suffix.
            }
        }
    }

    /// <summary>Appends <paramref name="message"/> as one record.</summary>
    public void Write(IMessage message)
    {
        int length = message.CalculateSize();
        if (_payload.Length < length)
        {
            _payload = new byte[Math.Max(length, _payload.Length * 2)];
        }

        Span<byte> payload = _payload.AsSpan(0, length);
        message.WriteTo(payload);

        Span<byte> header = stackalloc byte[HeaderSize];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[sizeof(ulong)..], Crc32C.Masked(header[..sizeof(ulong)]));
        Span<byte> footer = stackalloc byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, Crc32C.Masked(payload));

        _stream.Write(header);
        _stream.Write(payload);
        _stream.Write(footer);
    }

    /// <summary>Hands buffered records to the operating system (readers see them); with <paramref name="toDisk"/>, to the disk.</summary>
    public void Flush(bool toDisk) => _stream.Flush(toDisk);

    /// <summary>Flushes to disk and closes the file; the file is closed even when the flush fails.</summary>
    public void Dispose()
    {
        try
        {
            _stream.Flush(flushToDisk: true);
        }
        finally
        {
            _stream.Dispose();
        }
    }
}
