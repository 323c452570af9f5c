using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace DreamTrainer.Tests.Common;

/// <summary>A scalar read back from an event file.</summary>
internal sealed record Scalar(string Tag, long Step, float Value);

/// <summary>One event read back from an event file.</summary>
internal sealed record EventRecord(double WallTime, long Step, string? FileVersion, IReadOnlyList<(string Tag, float Value)> Values, int? SessionStatus);

/// <summary>What a file held: its complete records, and how many bytes followed them.</summary>
internal sealed record EventFile(IReadOnlyList<EventRecord> Events, int TailBytes)
{
    public IEnumerable<Scalar> Scalars()
    {
        foreach (EventRecord record in Events)
        {
            foreach ((string tag, float value) in record.Values)
            {
                yield return new Scalar(tag, record.Step, value);
            }
        }
    }
}

/// <summary>
/// An event-file reader written from the format's description, sharing no code with the writer:
/// TFRecord framing checked with a bit-by-bit CRC-32C (not the CPU instruction the writer uses),
/// and the protobuf wire format decoded by hand (not Google.Protobuf). A record whose CRC does not
/// match throws; bytes after the last complete record are counted as the tail (a write cut short).
/// </summary>
internal static class EventFileReader
{
    private const uint Castagnoli = 0x82F63B78u;

    public static EventFile Read(string path)
    {
        byte[] bytes;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
        }

        var events = new List<EventRecord>();
        int offset = 0;
        while (bytes.Length - offset >= 12)
        {
            ReadOnlySpan<byte> header = bytes.AsSpan(offset, 12);
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(header);
            uint lengthCrc = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
            if (lengthCrc != Masked(header[..8]))
            {
                throw new InvalidDataException($"{path}: length CRC mismatch in the record at byte {offset}.");
            }

            if ((ulong)(bytes.Length - offset - 12) < length + 4)
            {
                break;
            }

            ReadOnlySpan<byte> data = bytes.AsSpan(offset + 12, (int)length);
            uint dataCrc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 12 + (int)length, 4));
            if (dataCrc != Masked(data))
            {
                throw new InvalidDataException($"{path}: data CRC mismatch in the record at byte {offset}.");
            }

            events.Add(DecodeEvent(data));
            offset += 12 + (int)length + 4;
        }

        return new EventFile(events, bytes.Length - offset);
    }

    /// <summary>Bitwise CRC-32C, reflected polynomial 0x82F63B78.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ Castagnoli : crc >> 1;
            }
        }

        return ~crc;
    }

    private static uint Masked(ReadOnlySpan<byte> data)
    {
        uint crc = Crc32C(data);
        return unchecked(((crc >> 15) | (crc << 17)) + 0xa282ead8u);
    }

    // Event: 1 wall_time (double), 2 step (int64), 3 file_version (string), 5 summary, 7 session_log.
    private static EventRecord DecodeEvent(ReadOnlySpan<byte> data)
    {
        double wallTime = 0;
        long step = 0;
        string? version = null;
        var values = new List<(string, float)>();
        int? status = null;
        var reader = new Wire(data);
        while (reader.Next(out int field, out int type))
        {
            switch (field, type)
            {
                case (1, 1): wallTime = BitConverter.Int64BitsToDouble((long)reader.Fixed64()); break;
                case (2, 0): step = (long)reader.Varint(); break;
                case (3, 2): version = Encoding.UTF8.GetString(reader.Bytes()); break;
                case (5, 2): DecodeSummary(reader.Bytes(), values); break;
                case (7, 2): status = DecodeSessionStatus(reader.Bytes()); break;
                default: reader.Skip(type); break;
            }
        }

        return new EventRecord(wallTime, step, version, values, status);
    }

    // Summary: 1 repeated Value; Value: 1 tag (string), 2 simple_value (float).
    private static void DecodeSummary(ReadOnlySpan<byte> data, List<(string, float)> values)
    {
        var summary = new Wire(data);
        while (summary.Next(out int field, out int type))
        {
            if (field != 1 || type != 2)
            {
                summary.Skip(type);
                continue;
            }

            var value = new Wire(summary.Bytes());
            string tag = string.Empty;
            float? simple = null;
            while (value.Next(out int f, out int t))
            {
                switch (f, t)
                {
                    case (1, 2): tag = Encoding.UTF8.GetString(value.Bytes()); break;
                    case (2, 5): simple = BitConverter.Int32BitsToSingle((int)value.Fixed32()); break;
                    default: value.Skip(t); break;
                }
            }

            values.Add((tag, simple ?? throw new InvalidDataException($"Summary value '{tag}' has no simple_value.")));
        }
    }

    private static int DecodeSessionStatus(ReadOnlySpan<byte> data)
    {
        var log = new Wire(data);
        int status = 0;
        while (log.Next(out int field, out int type))
        {
            if (field == 1 && type == 0)
            {
                status = (int)log.Varint();
            }
            else
            {
                log.Skip(type);
            }
        }

        return status;
    }

    private ref struct Wire
    {
        private readonly ReadOnlySpan<byte> _data;
        private int _position;

        public Wire(ReadOnlySpan<byte> data)
        {
            _data = data;
            _position = 0;
        }

        public bool Next(out int field, out int type)
        {
            if (_position >= _data.Length)
            {
                field = type = 0;
                return false;
            }

            ulong key = Varint();
            field = (int)(key >> 3);
            type = (int)(key & 7);
            return true;
        }

        public ulong Varint()
        {
            ulong value = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                byte b = _data[_position++];
                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return value;
                }
            }

            throw new InvalidDataException("Varint longer than 10 bytes.");
        }

        public ulong Fixed64()
        {
            ulong value = BinaryPrimitives.ReadUInt64LittleEndian(_data[_position..]);
            _position += 8;
            return value;
        }

        public uint Fixed32()
        {
            uint value = BinaryPrimitives.ReadUInt32LittleEndian(_data[_position..]);
            _position += 4;
            return value;
        }

        public ReadOnlySpan<byte> Bytes()
        {
            int length = checked((int)Varint());
            ReadOnlySpan<byte> bytes = _data.Slice(_position, length);
            _position += length;
            return bytes;
        }

        public void Skip(int type)
        {
            switch (type)
            {
                case 0: Varint(); break;
                case 1: _position += 8; break;
                case 2: Bytes(); break;
                case 5: _position += 4; break;
                default: throw new InvalidDataException($"Unsupported wire type {type}.");
            }
        }
    }
}
