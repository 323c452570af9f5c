using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Threading;

namespace DreamTrainer;

/// <summary>
/// The file writes of one run (checkpoints, their folder's manifest, JSON and CSV logs). By default
/// each write happens at once on the training thread (<see cref="AtomicFile"/>). With
/// <see cref="TrainerOptions.WriteFilesInBackground"/> the content is still produced on the training
/// thread — a snapshot: the model and the callbacks' state as they are at that instant — and one
/// background thread then performs the writes and deletes, atomically and in the order they were
/// asked for, so the folder goes through the same states as with synchronous writes and a kill at
/// any instant leaves one of them. <see cref="Exists"/> answers for the files as they will be
/// once the pending operations are done. A failed background write fails the run: the next file
/// operation throws it, the trainer checks at each epoch's start, and the run's end waits for every
/// pending write and throws what failed.
/// </summary>
internal sealed class RunFiles : IDisposable
{
    // Operations waiting at most: beyond this the training thread waits, so memory stays bounded
    // when the disk is slower than training.
    private const int MaxPending = 16;

    private readonly BlockingCollection<Operation>? _queue;
    private Thread? _worker;
    private readonly Dictionary<string, (bool Exists, int Pending)> _pending = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private int _outstanding;
    private Exception? _failure;

    private RunFiles(bool background)
    {
        if (background)
        {
            // The thread starts with the first operation: a run that writes nothing (or fails to resume) starts none.
            _queue = new BlockingCollection<Operation>(MaxPending);
        }
    }

    /// <summary>Writes at once, on the calling thread.</summary>
    public static RunFiles Synchronous { get; } = new(background: false);

    /// <summary>Whether writes happen on the background thread.</summary>
    public bool InBackground => _queue is not null;

    /// <summary>A writer for a run: in the background when <paramref name="background"/>, else <see cref="Synchronous"/>.</summary>
    public static RunFiles For(bool background) => background ? new RunFiles(background: true) : Synchronous;

    /// <summary>Writes <paramref name="path"/> atomically with what <paramref name="write"/> puts in the stream (called now, on this thread).</summary>
    public void Write(string path, Action<Stream> write)
    {
        if (_queue is null)
        {
            AtomicFile.Write(path, write);
            return;
        }

        ThrowIfFailed();
        var snapshot = new MemoryStream();
        write(snapshot);
        Enqueue(new Operation(Path.GetFullPath(path), snapshot, null));
    }

    /// <summary>
    /// Writes <paramref name="path"/> atomically with <paramref name="write"/>, which in the background
    /// runs on the background thread: it must use only data taken already (a snapshot), so the
    /// expensive part of producing the bytes (compression) is off the training thread too.
    /// </summary>
    public void WriteLater(string path, Action<Stream> write)
    {
        if (_queue is null)
        {
            AtomicFile.Write(path, write);
            return;
        }

        ThrowIfFailed();
        Enqueue(new Operation(Path.GetFullPath(path), null, write));
    }

    /// <summary>Deletes <paramref name="path"/> (no error when it is gone), after the operations asked for before.</summary>
    public void Delete(string path)
    {
        if (_queue is null)
        {
            AtomicFile.Delete(path);
            return;
        }

        ThrowIfFailed();
        Enqueue(new Operation(Path.GetFullPath(path), null, null));
    }

    /// <summary>Whether <paramref name="path"/> exists once the pending operations are done.</summary>
    public bool Exists(string path)
    {
        if (_queue is not null)
        {
            lock (_gate)
            {
                if (_pending.TryGetValue(Path.GetFullPath(path), out var state))
                {
                    return state.Exists;
                }
            }
        }

        return File.Exists(path);
    }

    /// <summary>Throws the failure of a background write, if one failed.</summary>
    public void ThrowIfFailed()
    {
        Exception? failure = Volatile.Read(ref _failure);
        if (failure is not null)
        {
            throw new IOException($"A file write in the background failed: {failure.Message}", failure);
        }
    }

    /// <summary>Waits until every pending operation is done, then throws the failure of one, if one failed.</summary>
    public void Drain()
    {
        if (_queue is not null)
        {
            lock (_gate)
            {
                while (_outstanding > 0)
                {
                    Monitor.Wait(_gate);
                }
            }
        }

        ThrowIfFailed();
    }

    /// <summary>Ends the background thread after the pending operations.</summary>
    public void Dispose()
    {
        if (_queue is not null && !_queue.IsAddingCompleted)
        {
            _queue.CompleteAdding();
            _worker?.Join();
            _queue.Dispose();
        }
    }

    private void Enqueue(Operation operation)
    {
        lock (_gate)
        {
            _pending.TryGetValue(operation.Path, out var state);
            _pending[operation.Path] = (!operation.IsDelete, state.Pending + 1);
            _outstanding++;
            if (_worker is null)
            {
                _worker = new Thread(Work) { IsBackground = true, Name = "DreamTrainer file writes" };
                _worker.Start();
            }
        }

        _queue!.Add(operation);
    }

    private void Work()
    {
        foreach (Operation operation in _queue!.GetConsumingEnumerable())
        {
            // After a failure nothing more is written: the folder stays in the last state the writes reached in order.
            if (Volatile.Read(ref _failure) is null)
            {
                try
                {
                    if (operation.Content is { } content)
                    {
                        AtomicFile.Write(operation.Path, stream => content.WriteTo(stream));
                    }
                    else if (operation.Writer is { } writer)
                    {
                        AtomicFile.Write(operation.Path, writer);
                    }
                    else
                    {
                        AtomicFile.Delete(operation.Path);
                    }
                }
                catch (Exception failure)
                {
                    Volatile.Write(ref _failure, new IOException($"{(operation.IsDelete ? "Deleting" : "Writing")} '{operation.Path}' failed: {failure.Message}", failure));
                }
            }

            lock (_gate)
            {
                var state = _pending[operation.Path];
                if (state.Pending == 1)
                {
                    _pending.Remove(operation.Path);
                }
                else
                {
                    _pending[operation.Path] = (state.Exists, state.Pending - 1);
                }

                _outstanding--;
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>A write (its content, or what writes it from a snapshot) or a delete (neither) of one file.</summary>
    private sealed record Operation(string Path, MemoryStream? Content, Action<Stream>? Writer)
    {
        public bool IsDelete => Content is null && Writer is null;
    }
}
