using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;

namespace DreamTrainer;

// A write in three steps, so several writes can share one flush to disk: Begin writes the
// temporary file (to the operating system, not yet to the disk), MakeDurable flushes a group of
// them, Commit renames each over its target in order. A kill at any step leaves the targets as the
// renames done so far made them, as with Write; a power loss after MakeDurable finds every renamed
// file's content on the disk, as with Write.
public static partial class AtomicFile
{
    // Linux's syncfs(2): one flush of the whole file system for a group of files, where fsync(2)
    // per file costs one flush (a journal commit and a disk cache flush) each. Null elsewhere.
    private static readonly unsafe delegate* unmanaged<int, int> SyncFileSystem = FindSyncFileSystem();

    /// <summary>Writes the temporary file for <paramref name="path"/>; <see cref="Pending.Commit"/> puts it in place.</summary>
    internal static Pending Begin(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.dt-{Guid.NewGuid():N}.tmp");
        Action<string, string>? fault = FaultInjection;
        FileStream? stream = null;
        try
        {
            stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            fault?.Invoke("created", fullPath);
            write(fault is null ? stream : new FaultStream(stream, fullPath, fault));
            stream.Flush(flushToDisk: false);
            return new Pending(fullPath, temporary, stream);
        }
        catch
        {
            stream?.Dispose();
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>
    /// Flushes the temporary files of <paramref name="files"/> to the disk: each file on its own
    /// when there is one, or where the system has no file-system-wide flush; one <c>syncfs</c>
    /// per folder otherwise.
    /// </summary>
    internal static unsafe void MakeDurable(IReadOnlyList<Pending> files)
    {
        if (files.Count > 1 && SyncFileSystem != null)
        {
            var flushed = new HashSet<string>(StringComparer.Ordinal);
            foreach (Pending file in files)
            {
                int descriptor = (int)file.Stream.SafeFileHandle.DangerousGetHandle();
                if (flushed.Add(MountOf(descriptor) ?? Path.GetDirectoryName(file.Target)!) && SyncFileSystem(descriptor) != 0)
                {
                    throw new IOException($"Flushing '{file.Target}' to disk failed (syncfs: error {Marshal.GetLastSystemError()}).");
                }
            }
        }
        else
        {
            foreach (Pending file in files)
            {
                file.Stream.Flush(flushToDisk: true);
            }
        }

        foreach (Pending file in files)
        {
            FaultInjection?.Invoke("written", file.Target);
        }
    }

    /// <summary>The mount an open file is on (Linux's <c>/proc/self/fdinfo</c>), or null when unknown: one <c>syncfs</c> per mount.</summary>
    private static string? MountOf(int descriptor)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/self/fdinfo/{descriptor}"))
            {
                if (line.StartsWith("mnt_id:", StringComparison.Ordinal))
                {
                    return line;
                }
            }
        }
        catch (IOException)
        {
            // Unknown: the caller flushes by folder.
        }
        catch (UnauthorizedAccessException)
        {
            // Likewise.
        }

        return null;
    }

    private static unsafe delegate* unmanaged<int, int> FindSyncFileSystem()
    {
        if (OperatingSystem.IsLinux()
            && NativeLibrary.TryLoad("libc.so.6", typeof(AtomicFile).Assembly, null, out IntPtr libc)
            && NativeLibrary.TryGetExport(libc, "syncfs", out IntPtr syncfs))
        {
            return (delegate* unmanaged<int, int>)syncfs;
        }

        return null;
    }

    /// <summary>A temporary file written for a target, not yet in place.</summary>
    internal sealed class Pending
    {
        internal Pending(string target, string temporary, FileStream stream)
        {
            Target = target;
            Temporary = temporary;
            Stream = stream;
        }

        /// <summary>The file it will replace (full path).</summary>
        public string Target { get; }

        /// <summary>The temporary file.</summary>
        public string Temporary { get; }

        /// <summary>The temporary file, open until <see cref="Commit"/> or <see cref="Abandon"/>.</summary>
        public FileStream Stream { get; }

        /// <summary>Renames the temporary file over the target (call after <see cref="MakeDurable"/>).</summary>
        public void Commit()
        {
            try
            {
                Stream.Dispose();
                File.Move(Temporary, Target, overwrite: true);
            }
            catch
            {
                TryDelete(Temporary);
                throw;
            }

            FaultInjection?.Invoke("renamed", Target);
        }

        /// <summary>Removes the temporary file: the target stays as it was.</summary>
        public void Abandon()
        {
            Stream.Dispose();
            TryDelete(Temporary);
        }
    }
}
