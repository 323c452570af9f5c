using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;

namespace DreamTrainer;

/// <summary>
/// The process group of a run started by <c>mpirun</c>: one rank per process, collectives through
/// Open MPI (shared memory on one host, the cluster's network across hosts). Create it once at the
/// start of <c>Main</c> and dispose it at the end:
/// <code>
/// using MpiProcessGroup group = MpiProcessGroup.Initialize();
/// var model = new MyModule(..., processGroup: group);   // the trainer takes the group from the module
/// </code>
/// </summary>
/// <remarks>
/// <para>Every wait is bounded. Collectives are started non-blocking and polled; while polling, the
/// group also watches for a failure notice from a peer (<see cref="ReportFailure"/>), and gives up
/// after <see cref="MpiOptions.Timeout"/>. Either way the collective can never complete any more
/// (MPI cannot cancel a collective), so the group is spent: later calls throw at once, and
/// <see cref="Dispose"/> waits (at most <see cref="MpiOptions.ShutdownTimeout"/>) for every rank to
/// finish its failure handling, then ends the whole job with <c>MPI_Abort</c>, exit code 1. A
/// healthy group's <see cref="Dispose"/> meets the other ranks in a barrier and calls <c>MPI_Finalize</c>.</para>
/// <para>Buffers are copied into native memory the group owns before MPI sees them, so a collective
/// left pending by a failure can never write into managed memory the garbage collector has moved.</para>
/// <para>MPI is initialised once per process (<c>MPI_THREAD_SERIALIZED</c>: any thread, one at a time).</para>
/// </remarks>
public sealed unsafe partial class MpiProcessGroup : IProcessGroup, IDisposable
{
    private static readonly object InitializeGate = new();
    private static bool s_initialized;

    private readonly MpiLibrary _mpi;
    private readonly bool _ownsMpi;
    private readonly long _timeoutTicks;
    private readonly long _shutdownTicks;
    private IntPtr _collectives;
    private IntPtr _control;
    private void* _staging;
    private nuint _stagingBytes;
    private bool _disposed;

    private MpiProcessGroup(MpiLibrary mpi, bool ownsMpi, MpiOptions options)
    {
        _mpi = mpi;
        _ownsMpi = ownsMpi;
        _timeoutTicks = (long)(options.Timeout.TotalSeconds * Stopwatch.Frequency);
        _shutdownTicks = (long)(options.ShutdownTimeout.TotalSeconds * Stopwatch.Frequency);
        Timeout = options.Timeout;

        int rank;
        int size;
        Check(mpi.CommRank(mpi.CommWorld, &rank), "MPI_Comm_rank");
        Check(mpi.CommSize(mpi.CommWorld, &size), "MPI_Comm_size");
        Rank = rank;
        WorldSize = size;

        // Private communicators: the group's collectives and notices never match a message of the
        // application's own MPI code, and errors come back as codes instead of killing the job.
        IntPtr collectives;
        IntPtr control;
        Check(mpi.CommDup(mpi.CommWorld, &collectives), "MPI_Comm_dup");
        Check(mpi.CommDup(mpi.CommWorld, &control), "MPI_Comm_dup");
        _collectives = collectives;
        _control = control;
        Check(mpi.CommSetErrhandler(collectives, mpi.ErrorsReturn), "MPI_Comm_set_errhandler");
        Check(mpi.CommSetErrhandler(control, mpi.ErrorsReturn), "MPI_Comm_set_errhandler");
        ListenForFailures();
    }

    /// <inheritdoc/>
    public int Rank { get; }

    /// <inheritdoc/>
    public int WorldSize { get; }

    /// <summary>The longest a collective waits for the other ranks (<see cref="MpiOptions.Timeout"/>).</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The MPI library in use.</summary>
    public string LibraryPath => _mpi.Path;

    /// <summary>True when this process was started by <c>mpirun</c>/<c>mpiexec</c> (Open MPI's or a PMI launcher's environment is present).</summary>
    public static bool IsLaunchedByMpirun =>
        Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is not null
        || Environment.GetEnvironmentVariable("PMIX_RANK") is not null
        || Environment.GetEnvironmentVariable("PMI_RANK") is not null;

    /// <summary>
    /// Loads Open MPI, initialises it (unless the application already did) and returns the group of
    /// every rank of the job. Call it once per process.
    /// </summary>
    /// <param name="options">Timeouts and the library; default: <see cref="MpiOptions"/>' defaults.</param>
    /// <returns>The group.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="DllNotFoundException">No Open MPI library was found.</exception>
    /// <exception cref="NotSupportedException">The library is another MPI (MPICH's ABI).</exception>
    /// <exception cref="InvalidOperationException">MPI was already initialised by this class, or initialisation failed.</exception>
    public static MpiProcessGroup Initialize(MpiOptions? options = null)
    {
        MpiOptions settings = (options ?? new MpiOptions()).Clone();
        settings.Validate();
        lock (InitializeGate)
        {
            if (s_initialized)
            {
                throw new InvalidOperationException("MpiProcessGroup.Initialize was already called in this process; MPI can be initialised once per process: keep the first group.");
            }

            MpiLibrary mpi = MpiLibrary.Load(settings.LibraryPath);
            int already;
            CheckStatic(mpi, mpi.Initialized(&already), "MPI_Initialized");
            if (already == 0)
            {
                int provided;
                CheckStatic(mpi, mpi.InitThread(null, null, MpiLibrary.ThreadSerialized, &provided), "MPI_Init_thread");
                if (provided < MpiLibrary.ThreadSerialized)
                {
                    throw new InvalidOperationException($"MPI_Init_thread provided thread level {provided}; DreamTrainer needs MPI_THREAD_SERIALIZED ({MpiLibrary.ThreadSerialized}).");
                }
            }

            s_initialized = true;
            var group = new MpiProcessGroup(mpi, ownsMpi: already == 0, settings);

            // A program that forgets to dispose must still finalize (or end the job): an MPI process
            // that exits without MPI_Finalize makes mpirun kill the whole job.
            AppDomain.CurrentDomain.ProcessExit += (_, _) => group.Dispose();
            return group;
        }
    }

    /// <inheritdoc/>
    public void AllReduce(Span<double> values, ReduceOperation operation) =>
        AllReduce(MemoryMarshal.AsBytes(values), values.Length, _mpi.Double, operation, "all-reduce of {0} double(s)");

    /// <inheritdoc/>
    public void AllReduce(Span<float> values, ReduceOperation operation) =>
        AllReduce(MemoryMarshal.AsBytes(values), values.Length, _mpi.Float, operation, "all-reduce of {0} float(s)");

    /// <inheritdoc/>
    public void Broadcast(Span<byte> buffer, int root)
    {
        ProcessGroupChecks.CheckRoot(root, WorldSize);
        ThrowIfUnusable();
        if (buffer.IsEmpty)
        {
            return;
        }

        void* staging = Stage(buffer);
        IntPtr request;
        Check(_mpi.Ibcast(staging, buffer.Length, _mpi.Byte, root, _collectives, &request), "MPI_Ibcast");
        Complete(&request, "broadcast of {0} byte(s)", buffer.Length);
        new ReadOnlySpan<byte>(staging, buffer.Length).CopyTo(buffer);
    }

    /// <inheritdoc/>
    public void Barrier()
    {
        ThrowIfUnusable();
        IntPtr request;
        Check(_mpi.Ibarrier(_collectives, &request), "MPI_Ibarrier");
        Complete(&request, "barrier", 0);
    }

    /// <summary>
    /// Ends this rank's part of the job. A healthy group meets every rank in a barrier and finalizes
    /// MPI. A group spent by a failure (here or on a peer) or a timeout waits until every rank has
    /// finished handling it, at most <see cref="MpiOptions.ShutdownTimeout"/>, then ends the whole
    /// job with <c>MPI_Abort</c> (exit code 1) after one line on standard error that names the failure.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        if (!IsSpent)
        {
            try
            {
                // No rank finalizes while another still trains, or fails late.
                Barrier();
            }
            catch (Exception barrierFailure) when (barrierFailure is RankFailedException or TimeoutException)
            {
                // Spent now: ended below.
            }
        }

        _disposed = true;
        if (IsSpent)
        {
            EndJob();
        }

        StopListening();
        IntPtr collectives = _collectives;
        IntPtr control = _control;
        _mpi.CommFree(&collectives);
        _mpi.CommFree(&control);
        if (_ownsMpi)
        {
            _mpi.Finalize();
        }

        FreeBuffers();
    }

    private void AllReduce(Span<byte> bytes, int count, IntPtr datatype, ReduceOperation operation, string what)
    {
        ProcessGroupChecks.Check(operation);
        ThrowIfUnusable();
        if (count == 0)
        {
            return;
        }

        void* staging = Stage(bytes);
        IntPtr request;
        Check(_mpi.Iallreduce(MpiLibrary.InPlace, staging, count, datatype, _mpi.Op(operation), _collectives, &request), "MPI_Iallreduce");
        Complete(&request, what, count);
        new ReadOnlySpan<byte>(staging, bytes.Length).CopyTo(bytes);
    }

    /// <summary>Copies <paramref name="data"/> into the group's native buffer, grown as needed.</summary>
    private void* Stage(ReadOnlySpan<byte> data)
    {
        if ((nuint)data.Length > _stagingBytes)
        {
            NativeMemory.AlignedFree(_staging);
            nuint size = Math.Max((nuint)data.Length, 2 * _stagingBytes);
            _staging = NativeMemory.AlignedAlloc(size, 64);
            _stagingBytes = size;
        }

        data.CopyTo(new Span<byte>(_staging, data.Length));
        return _staging;
    }

    /// <summary>Polls <paramref name="request"/> until it completes, a peer reports a failure, or the timeout passes.</summary>
    private void Complete(IntPtr* request, string what, int count)
    {
        long started = Stopwatch.GetTimestamp();
        long deadline = started + _timeoutTicks;
        while (true)
        {
            int done;
            Check(_mpi.Test(request, &done, null), "MPI_Test");
            if (done != 0)
            {
                return;
            }

            ThrowIfPeerFailed();
            long now = Stopwatch.GetTimestamp();
            if (now > deadline)
            {
                string operation = string.Format(System.Globalization.CultureInfo.InvariantCulture, what, count);
                Spend($"rank {Rank} timed out after {Timeout.TotalSeconds:0.###} s in a {operation}");
                throw new TimeoutException(
                    $"Rank {Rank} of {WorldSize}: a {operation} did not complete within {Timeout.TotalSeconds:0.###} s (MpiOptions.Timeout): "
                    + "another rank is stuck, died, or runs a different sequence of collectives.");
            }

            Pause(now - started);
        }
    }

    /// <summary>
    /// How a waiting rank passes time: spin for the first 50 µs (a peer doing the same step usually
    /// arrives by then), yield the core for the next 20 ms (ranks may outnumber cores: the peer needs
    /// it), then sleep a millisecond at a time (a peer writing a checkpoint).
    /// </summary>
    private static void Pause(long waitedTicks)
    {
        if (waitedTicks < Stopwatch.Frequency / 20_000)
        {
            Thread.SpinWait(16);
        }
        else if (waitedTicks < Stopwatch.Frequency / 50)
        {
            Thread.Yield();
        }
        else
        {
            Thread.Sleep(1);
        }
    }

    private void Check(int code, string call)
    {
        if (code != MpiLibrary.Success)
        {
            string description = _mpi.Describe(code);
            Spend($"{call} failed on rank {Rank}: {description}");
            throw new InvalidOperationException($"{call} failed on rank {Rank} of {WorldSize}: {description}.");
        }
    }

    private static void CheckStatic(MpiLibrary mpi, int code, string call)
    {
        if (code != MpiLibrary.Success)
        {
            throw new InvalidOperationException($"{call} failed: {mpi.Describe(code)}.");
        }
    }

    private void FreeBuffers()
    {
        NativeMemory.AlignedFree(_staging);
        _staging = null;
        _stagingBytes = 0;
        FreeNoticeBuffers();
    }
}
