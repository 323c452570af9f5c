using System;
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
/// any instant leaves one of them. Operations go to the disk in groups, those asked for between
/// two training steps (an epoch's checkpoints, manifest and log; <see cref="EndGroup"/>). The
/// training thread hands the background thread a group whole when it ends — one wake-up of the
/// writer an epoch; handing it each operation as it came woke it several times an epoch, and it
/// spun on its queue between them, which cost the training thread measurably on two cores. The
/// background thread writes the group's temporary files, flushes them to disk with one flush, then
/// renames and deletes in order — each file on the disk before its name changes, as with
/// synchronous writes, for one flush instead of one per file.
/// <see cref="Exists"/> answers for the files as they will be once the pending operations are done.
/// A failed background write fails the run: the next file operation throws it, the trainer checks
/// at each epoch's start, and the run's end waits for every pending write and throws what failed.
/// </summary>
internal sealed class RunFiles : IDisposable
{
    // Groups handed over and not yet taken, at most: beyond this the training thread waits, so
    // memory stays bounded when the disk is slower than training.
    private const int MaxWaitingGroups = 2;

    // A group goes to the disk at the latest when it holds this many operations.
    private const int MaxGroupWrites = 64;

    private readonly bool _background;
    private Thread? _worker;
    private readonly Dictionary<string, (bool Exists, int Pending)> _pending = new(StringComparer.Ordinal);

    // Guards _pending, _outstanding, _handed and _completing; the two threads wait on it for each other.
    private readonly object _gate = new();
    private int _outstanding;
    private Exception? _failure;

    // Groups handed to the background thread, in order; _completing once Dispose asks it to end.
    private readonly Queue<List<Operation>> _handed = new();
    private bool _completing;

    // Operations asked for since the last group ended (the training thread's).
    private List<Operation> _ungrouped = new();

    // The background thread's group: operations taken, their temporary files written, not yet in place.
    private readonly List<(Operation Operation, AtomicFile.Pending? File)> _group = new();

    private RunFiles(bool background)
    {
        // The thread starts with the first operation: a run that writes nothing (or fails to resume) starts none.
        _background = background;
    }

    /// <summary>Writes at once, on the calling thread.</summary>
    public static RunFiles Synchronous { get; } = new(background: false);

    /// <summary>Whether writes happen on the background thread.</summary>
    public bool InBackground => _background;

    /// <summary>A writer for a run: in the background when <paramref name="background"/>, else <see cref="Synchronous"/>.</summary>
    public static RunFiles For(bool background) => background ? new RunFiles(background: true) : Synchronous;

    /// <summary>Writes <paramref name="path"/> atomically with what <paramref name="write"/> puts in the stream (called now, on this thread).</summary>
    public void Write(string path, Action<Stream> write)
    {
        if (!_background)
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
        if (!_background)
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
        if (!_background)
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
        if (_background)
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

    /// <summary>
    /// Ends the group of operations asked for since the last one: they are carried out together,
    /// their temporary files flushed to disk at once. The trainer ends a group before each training
    /// step, so an epoch's files (checkpoints, manifest, log) cost one flush.
    /// </summary>
    public void EndGroup()
    {
        if (_ungrouped.Count == 0)
        {
            return;
        }

        List<Operation> group = _ungrouped;
        _ungrouped = new List<Operation>();
        lock (_gate)
        {
            while (_handed.Count >= MaxWaitingGroups)
            {
                Monitor.Wait(_gate);
            }

            _handed.Enqueue(group);
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Waits until every pending operation is done, then throws the failure of one, if one failed.</summary>
    public void Drain()
    {
        if (_background)
        {
            EndGroup();
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
        if (_background && !_completing)
        {
            EndGroup();
            lock (_gate)
            {
                _completing = true;
                Monitor.PulseAll(_gate);
            }

            _worker?.Join();
        }
    }

    private void Enqueue(Operation operation)
    {
        lock (_gate)
        {
            if (_completing)
            {
                // The run's writer has ended: queued now, the operation would never be carried out.
                throw new InvalidOperationException($"Writing '{operation.Path}' was asked for after the run's file writes ended (the trainer's run is over).");
            }

            _pending.TryGetValue(operation.Path, out var state);
            _pending[operation.Path] = (!operation.IsDelete, state.Pending + 1);
            _outstanding++;
            if (_worker is null)
            {
                _worker = new Thread(Work) { IsBackground = true, Name = "DreamTrainer file writes" };
                _worker.Start();
            }
        }

        _ungrouped.Add(operation);
        if (_ungrouped.Count >= MaxGroupWrites)
        {
            EndGroup();
        }
    }

    private void Work()
    {
        while (true)
        {
            List<Operation> group;
            lock (_gate)
            {
                while (_handed.Count == 0 && !_completing)
                {
                    Monitor.Wait(_gate);
                }

                if (_handed.Count == 0)
                {
                    return;
                }

                group = _handed.Dequeue();
                Monitor.PulseAll(_gate);
            }

            foreach (Operation operation in group)
            {
                Begin(operation);
            }

            Commit();
        }
    }

    /// <summary>
    /// Adds <paramref name="operation"/> to the group, its temporary file written now (to the system,
    /// not yet to the disk). When that fails, the operations before it are carried out and none after.
    /// </summary>
    private void Begin(Operation operation)
    {
        AtomicFile.Pending? file = null;
        if (Volatile.Read(ref _failure) is null && !operation.IsDelete)
        {
            try
            {
                file = AtomicFile.Begin(operation.Path, operation.Content is { } content ? stream => content.WriteTo(stream) : operation.Writer!);
            }
            catch (Exception failure)
            {
                Commit();
                Fail(operation, failure);
                _group.Add((operation, null));
                Commit();
                return;
            }
        }

        _group.Add((operation, file));
    }

    /// <summary>
    /// Carries out the group: its temporary files flushed to disk together, then the renames and
    /// deletes in the order asked for, so the targets change in that order, as with one write after
    /// the other. After a failure nothing more changes: the folder stays in the last state the
    /// operations reached in order. Then the group's operations are done.
    /// </summary>
    private void Commit()
    {
        if (_group.Count == 0)
        {
            return;
        }

        int carried = 0;
        if (Volatile.Read(ref _failure) is null)
        {
            var written = new List<AtomicFile.Pending>(_group.Count);
            foreach ((Operation _, AtomicFile.Pending? file) in _group)
            {
                if (file is not null)
                {
                    written.Add(file);
                }
            }

            bool durable = false;
            try
            {
                AtomicFile.MakeDurable(written);
                durable = true;
                for (; carried < _group.Count; carried++)
                {
                    (Operation operation, AtomicFile.Pending? file) = _group[carried];
                    if (file is not null)
                    {
                        file.Commit();
                    }
                    else
                    {
                        AtomicFile.Delete(operation.Path);
                    }
                }
            }
            catch (Exception failure)
            {
                Fail(durable ? _group[carried].Operation : _group.Find(entry => entry.File is not null).Operation, failure);
            }
        }

        // What was not carried out leaves no temporary file behind.
        for (int k = carried; k < _group.Count; k++)
        {
            _group[k].File?.Abandon();
        }

        lock (_gate)
        {
            foreach ((Operation operation, AtomicFile.Pending? _) in _group)
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
            }

            _outstanding -= _group.Count;
            Monitor.PulseAll(_gate);
        }

        _group.Clear();
    }

    private void Fail(Operation operation, Exception failure) =>
        Volatile.Write(ref _failure, _failure ?? new IOException($"{(operation.IsDelete ? "Deleting" : "Writing")} '{operation.Path}' failed: {failure.Message}", failure));

    /// <summary>A write (its content, or what writes it from a snapshot) or a delete (neither) of one file.</summary>
    private sealed record Operation(string Path, MemoryStream? Content, Action<Stream>? Writer)
    {
        public bool IsDelete => Content is null && Writer is null;
    }
}
