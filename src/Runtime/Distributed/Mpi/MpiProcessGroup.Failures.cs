using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;

namespace DreamTrainer;

/// <summary>
/// How a failure travels. Each rank keeps one receive posted for a failure notice from any rank
/// (a private communicator and tag); a rank that fails sends the notice to every other rank, and a
/// rank waiting in a collective sees it while it polls. Collectives that can never complete are
/// left pending, so the job ends with <c>MPI_Abort</c> once every rank has finished its failure
/// handling (or the shutdown timeout passed): each rank sends a "done" message and waits for the others'.
/// </summary>
public sealed unsafe partial class MpiProcessGroup
{
    private const int FailureTag = 0x4454;
    private const int DoneTag = FailureTag + 1;
    private const int NoticeBytes = 1024;
    private const int NoticeHeader = 2 * sizeof(int);
    private const int MaxFailureChars = 600;

    private byte* _noticeIn;
    private byte* _noticeOut;
    private IntPtr _noticeRequest;
    private bool _listening;
    private bool _reported;
    private int _failedRank = -1;
    private string? _failure;
    private string? _spentReason;

    /// <summary>True once a failure (here or on a peer) or a timeout left a collective that can never complete.</summary>
    private bool IsSpent => _spentReason is not null;

    /// <inheritdoc/>
    /// <remarks>Sends a short notice (the exception's type and message) to every other rank. A
    /// <see cref="RankFailedException"/> (this rank only saw a peer's failure) is not reported again.</remarks>
    public void ReportFailure(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (_disposed || _reported || _failedRank >= 0 || IsPeerFailure(exception))
        {
            return;
        }

        _reported = true;
        string failure = $"{exception.GetType().Name}: {exception.Message}";
        if (failure.Length > MaxFailureChars)
        {
            failure = string.Concat(failure.AsSpan(0, MaxFailureChars), "…");
        }

        Spend($"rank {Rank} failed: {failure}");
        _noticeOut = (byte*)NativeMemory.Alloc(NoticeBytes);
        int length = Encoding.UTF8.GetBytes(failure, new Span<byte>(_noticeOut + NoticeHeader, NoticeBytes - NoticeHeader));
        ((int*)_noticeOut)[0] = Rank;
        ((int*)_noticeOut)[1] = length;
        for (int destination = 0; destination < WorldSize; destination++)
        {
            if (destination != Rank)
            {
                // Small messages go out eagerly; the request is never waited for, the job ends anyway.
                IntPtr request;
                _mpi.Isend(_noticeOut, NoticeHeader + length, _mpi.Byte, destination, FailureTag, _control, &request);
            }
        }
    }

    private static bool IsPeerFailure(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is RankFailedException)
            {
                return true;
            }

            if (exception is AggregateException aggregate)
            {
                foreach (Exception inner in aggregate.InnerExceptions)
                {
                    if (IsPeerFailure(inner))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private void ListenForFailures()
    {
        _noticeIn = (byte*)NativeMemory.Alloc(NoticeBytes);
        IntPtr request;
        Check(_mpi.Irecv(_noticeIn, NoticeBytes, _mpi.Byte, MpiLibrary.AnySource, FailureTag, _control, &request), "MPI_Irecv");
        _noticeRequest = request;
        _listening = true;
    }

    /// <summary>Throws <see cref="RankFailedException"/> when a peer's failure notice has arrived (now or before).</summary>
    private void ThrowIfPeerFailed()
    {
        if (_listening)
        {
            int arrived;
            IntPtr request = _noticeRequest;
            Check(_mpi.Test(&request, &arrived, null), "MPI_Test");
            _noticeRequest = request;
            if (arrived != 0)
            {
                _listening = false;
                int length = Math.Clamp(((int*)_noticeIn)[1], 0, NoticeBytes - NoticeHeader);
                _failedRank = ((int*)_noticeIn)[0];
                _failure = Encoding.UTF8.GetString(_noticeIn + NoticeHeader, length);
                Spend($"rank {_failedRank} failed: {_failure}");
            }
        }

        if (_failedRank >= 0)
        {
            throw new RankFailedException(_failedRank, Rank, WorldSize, _failure!);
        }
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfPeerFailed();
        if (_spentReason is { } reason)
        {
            throw new InvalidOperationException($"Rank {Rank} of {WorldSize}: the process group can no longer run collectives ({reason}).");
        }
    }

    private void Spend(string reason) => _spentReason ??= reason;

    /// <summary>Waits (bounded) until every rank has finished its failure handling, then ends the job.</summary>
    private void EndJob()
    {
        int* doneOut = (int*)NativeMemory.Alloc(sizeof(int));
        int* doneIn = (int*)NativeMemory.Alloc(sizeof(int));
        *doneOut = Rank;
        for (int destination = 0; destination < WorldSize; destination++)
        {
            if (destination != Rank)
            {
                IntPtr send;
                _mpi.Isend(doneOut, sizeof(int), _mpi.Byte, destination, DoneTag, _control, &send);
            }
        }

        int finished = 0;
        long deadline = Stopwatch.GetTimestamp() + _shutdownTicks;
        IntPtr receive = IntPtr.Zero;
        bool posted = false;
        while (finished < WorldSize - 1 && Stopwatch.GetTimestamp() < deadline)
        {
            if (!posted)
            {
                posted = _mpi.Irecv(doneIn, sizeof(int), _mpi.Byte, MpiLibrary.AnySource, DoneTag, _control, &receive) == MpiLibrary.Success;
            }

            int arrived = 0;
            if (posted && _mpi.Test(&receive, &arrived, null) == MpiLibrary.Success && arrived != 0)
            {
                finished++;
                posted = false;
                continue;
            }

            Thread.Sleep(1);
        }

        Console.Out.Flush();
        Console.Error.WriteLine(
            $"DreamTrainer: rank {Rank} of {WorldSize} ends the MPI job after a failure ({finished} of {WorldSize - 1} other rank(s) finished their failure handling): {_spentReason}");
        Console.Error.Flush();
        _mpi.Abort(_mpi.CommWorld, 1);
        Environment.Exit(1);
    }

    private void StopListening()
    {
        if (!_listening)
        {
            return;
        }

        _listening = false;
        IntPtr request = _noticeRequest;
        int done = 0;
        if (_mpi.Cancel(&request) == MpiLibrary.Success)
        {
            long deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
            while (done == 0 && Stopwatch.GetTimestamp() < deadline && _mpi.Test(&request, &done, null) == MpiLibrary.Success)
            {
                Thread.Yield();
            }
        }

        if (done == 0)
        {
            // Left allocated on purpose: a receive that did not complete may still write into it.
            _noticeIn = null;
        }
    }

    private void FreeNoticeBuffers()
    {
        NativeMemory.Free(_noticeIn);
        NativeMemory.Free(_noticeOut);
        _noticeIn = null;
        _noticeOut = null;
    }
}
