using System;
using System.IO;
using System.Text.RegularExpressions;

namespace DreamTrainer;

/// <summary>
/// Writes files so that a process killed at any instant leaves the old file or the new one,
/// never a torn one: write a temporary file in the same folder, flush it to disk, rename it over
/// the target. The temporary file is named <c>.&lt;target&gt;.dt-&lt;32 hex digits&gt;.tmp</c>, so a
/// later run recognises what a killed one left (<see cref="RemoveStaleTemporaries"/>) and nothing
/// ever reads one as a result.
/// </summary>
public static partial class AtomicFile
{
    /// <summary>
    /// Test-only fault injection: called with a stage (<c>created</c>, <c>partial</c>, <c>written</c>,
    /// <c>renamed</c>, <c>deleted</c>) and the target's full path at each step of a write or delete,
    /// so a test can kill the process at a chosen instant. Null (no cost) outside tests.
    /// </summary>
    internal static Action<string, string>? FaultInjection { get; set; }

    /// <summary>Writes <paramref name="path"/> atomically with what <paramref name="write"/> puts in the stream.</summary>
    /// <param name="path">The target file; its folder is created if missing.</param>
    /// <param name="write">Writes the content.</param>
    public static void Write(string path, Action<Stream> write)
    {
        Pending file = Begin(path, write);
        try
        {
            MakeDurable(new[] { file });
        }
        catch
        {
            file.Abandon();
            throw;
        }

        file.Commit();
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8, no BOM) to <paramref name="path"/> atomically.</summary>
    /// <param name="path">The target file.</param>
    /// <param name="text">The content.</param>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Write(path, stream =>
        {
            byte[] bytes = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text);
            stream.Write(bytes, 0, bytes.Length);
        });
    }

    /// <summary>
    /// Deletes the temporary files that writes of targets in <paramref name="directory"/> left when
    /// their process was killed: only files named as <see cref="Write"/> names them (and as earlier
    /// versions did, <c>.&lt;target&gt;.&lt;32 hex digits&gt;.tmp</c>), whose target
    /// <paramref name="isTarget"/> accepts, and that no live writer holds open.
    /// </summary>
    /// <param name="directory">The folder; nothing happens when it does not exist.</param>
    /// <param name="isTarget">Whether a target file name is one the caller writes.</param>
    /// <returns>How many files were removed.</returns>
    public static int RemoveStaleTemporaries(string directory, Func<string, bool> isTarget)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(isTarget);
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        int removed = 0;
        foreach (string path in Directory.EnumerateFiles(directory, ".*.tmp"))
        {
            Match match = TemporaryName().Match(Path.GetFileName(path));
            if (!match.Success || !isTarget(match.Groups["target"].Value))
            {
                continue;
            }

            try
            {
                // A live writer holds its temporary file exclusively; a killed one holds nothing.
                using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                {
                }

                File.Delete(path);
                removed++;
            }
            catch (IOException)
            {
                // In use by a writer that is alive: not stale.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours to remove.
            }
        }

        return removed;
    }

    /// <summary>Deletes a file (no error when it is gone), reporting the step to <see cref="FaultInjection"/>.</summary>
    internal static void Delete(string path)
    {
        File.Delete(path);
        FaultInjection?.Invoke("deleted", Path.GetFullPath(path));
    }

    [GeneratedRegex(@"^\.(?<target>.+)\.(dt-)?[0-9a-f]{32}\.tmp$", RegexOptions.CultureInvariant)]
    private static partial Regex TemporaryName();

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The write already failed; that error is the one to report.
        }
        catch (UnauthorizedAccessException)
        {
            // Likewise.
        }
    }

    /// <summary>Reports the first bytes written to the temporary file (a torn write's instant); otherwise the file stream itself.</summary>
    private sealed class FaultStream(FileStream inner, string target, Action<string, string> fault) : Stream
    {
        private bool _reported;

        public override bool CanRead => false;

        public override bool CanSeek => inner.CanSeek;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => inner.Position = value;
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void SetLength(long value) => inner.SetLength(value);

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            if (!_reported && buffer.Length > 0)
            {
                _reported = true;
                inner.Flush(flushToDisk: true);
                fault("partial", target);
            }
        }
    }
}
