using System;
using System.IO;
using System.IO.Compression;

namespace DreamTrainer;

/// <summary>The stream of one checkpoint entry: bounded, counted, CRC-checked.</summary>
internal sealed partial class CheckpointArchive
{
    /// <summary>Counts the bytes and computes the CRC of an entry as it streams; checks both at its end.</summary>
    private sealed class BoundedEntryStream : Stream
    {
        private readonly Stream _inner;
        private readonly CheckpointArchive _archive;
        private readonly ZipArchiveEntry _entry;
        private readonly long _limit;
        private long _count;
        private uint _crc;
        private bool _checked;

        public BoundedEntryStream(Stream inner, CheckpointArchive archive, ZipArchiveEntry entry, long limit)
        {
            _inner = inner;
            _archive = archive;
            _entry = entry;
            _limit = limit;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => _entry.Length;

        public override long Position
        {
            get => _count;
            set => throw new NotSupportedException("A checkpoint entry streams forward only.");
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int read;
            try
            {
                read = _inner.Read(buffer);
            }
            catch (InvalidDataException failure)
            {
                throw Problem($"holds corrupt compressed data ({failure.Message})", failure);
            }

            if (read == 0)
            {
                Check();
                return 0;
            }

            _count += read;
            if (_count > _limit || _count > _entry.Length)
            {
                throw Problem($"holds more bytes than its header declares ({_entry.Length}) or the limit allows ({_limit}).", null);
            }

            _crc = ZipCrc32.Append(_crc, buffer[..read]);
            return read;
        }

        public override void Flush()
        {
        }

        /// <summary>Skips forward (an engine that skips a tensor it does not load); the skipped bytes are still counted and checked.</summary>
        public override long Seek(long offset, SeekOrigin origin)
        {
            long target = origin switch
            {
                SeekOrigin.Current => _count + offset,
                SeekOrigin.Begin => offset,
                _ => throw new NotSupportedException("A checkpoint entry streams forward only."),
            };
            if (target < _count)
            {
                throw new NotSupportedException("A checkpoint entry streams forward only.");
            }

            Span<byte> sink = stackalloc byte[4096];
            while (_count < target && Read(sink[..(int)Math.Min(sink.Length, target - _count)]) > 0)
            {
            }

            return _count;
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        /// <summary>Reads what the consumer left, so the length and CRC are checked even when it stopped early.</summary>
        public void Drain()
        {
            Span<byte> sink = stackalloc byte[4096];
            while (Read(sink) > 0)
            {
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private void Check()
        {
            if (_checked)
            {
                return;
            }

            _checked = true;
            if (_count != _entry.Length)
            {
                throw Problem($"holds {_count} bytes, but its header declares {_entry.Length} (truncated or corrupt).", null);
            }

            if (_crc != _entry.Crc32)
            {
                throw Problem($"fails its CRC-32 check (stored {_entry.Crc32:x8}, computed {_crc:x8}): the data is corrupt.", null);
            }
        }

        private CheckpointFormatException Problem(string what, Exception? inner) =>
            new(_archive.Path, $"entry '{_entry.FullName}' {what}", inner);
    }
}
