using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;

namespace DreamTrainer;

/// <summary>
/// The trainer's side of a data-parallel run: where the ranks meet, and what they agree on there.
/// The trainer has one only when the module's process group has more than one rank, so a single
/// process pays nothing.
/// </summary>
/// <remarks>
/// <para>Before every training step (after the batch is fetched), once when the epoch's training
/// batches are done, and after the epoch-end hooks, every rank contributes its stop, immediate-stop,
/// checkpoint and cancellation flags to one all-reduce (max of 8 doubles, allocation-free). A flag
/// raised on any rank is then raised on all, so all ranks stop at the same step; a checkpoint is
/// written by rank 0 while the others wait in a barrier. Each rank also says where it is (about to
/// step, out of data, at the epoch end): ranks at different places have different amounts of data,
/// an error named before it can turn into mismatched collectives.</para>
/// <para>Each flag is sent as <c>W - rank</c> (0 when down), so the maximum also names the lowest
/// rank that raised it.</para>
/// </remarks>
internal sealed class RankSync
{
    private const int Where = 0;
    private const int WhereNegated = 1;
    private const int Stop = 2;
    private const int Immediate = 3;
    private const int Checkpoint = 4;
    private const int Cancel = 5;
    private const int OutOfData = 6;
    private const int HasBatch = 7;

    private readonly TrainerContext _context;
    private readonly IProcessGroup _group;
    private readonly double[] _flags = new double[8];
    private readonly MetricsAllReduce _metrics;

    private RankSync(TrainerContext context)
    {
        _context = context;
        _group = context.ProcessGroup;
        _metrics = new MetricsAllReduce(_group);
    }

    /// <summary>Where a rank is when it meets the others.</summary>
    internal enum Point
    {
        /// <summary>It fetched a batch and is about to train on it.</summary>
        BeforeStep = 1,

        /// <summary>Its training batches of the epoch are done.</summary>
        EndOfData = 2,

        /// <summary>The epoch-end hooks have run.</summary>
        EpochEnd = 3,

        /// <summary>A validation pass every N steps is due.</summary>
        BeforeValidation = 4,
    }

    /// <summary>The synchronisation of a run on <paramref name="context"/>'s ranks; null for a single process.</summary>
    public static RankSync? For(TrainerContext context) => context.WorldSize > 1 ? new RankSync(context) : null;

    /// <summary>
    /// Copies rank 0's model state to every other rank (DistributedDataParallel does the same when
    /// it wraps a model), so all ranks start from the same weights whatever their seeds.
    /// </summary>
    public void BroadcastInitialState(IModelStateControl? state)
    {
        if (state is null)
        {
            return;
        }

        byte[] bytes = Array.Empty<byte>();
        if (_group.Rank == 0)
        {
            using var stream = new MemoryStream();
            state.Save(stream);
            bytes = stream.ToArray();
        }

        bytes = BroadcastBytes(bytes, root: 0);
        if (_group.Rank != 0)
        {
            using var stream = new MemoryStream(bytes, writable: false);
            state.Load(stream);
        }
    }

    /// <summary>
    /// Meets the other ranks at <paramref name="point"/> and raises on this rank every flag a rank
    /// raised: a stop (with the reason of the lowest rank that asked), an immediate stop, a requested
    /// checkpoint. Returns true when a rank's run was cancelled: every rank then ends cancelled.
    /// </summary>
    /// <param name="point">Where this rank is.</param>
    /// <param name="batchIndex">Training batches done this epoch (for the uneven-data error).</param>
    /// <exception cref="InvalidOperationException">Ranks have different numbers of batches.</exception>
    public bool Agree(Point point, int batchIndex)
    {
        TrainerContext context = _context;
        double mark = _group.WorldSize - _group.Rank;
        double[] flags = _flags;
        flags[Where] = (int)point;
        flags[WhereNegated] = -(int)point;
        flags[Stop] = context.StopRequested ? mark : 0;
        flags[Immediate] = context.ImmediateStopRequested ? mark : 0;
        flags[Checkpoint] = context.CheckpointRequested ? mark : 0;
        flags[Cancel] = context.CancellationToken.IsCancellationRequested ? mark : 0;
        flags[OutOfData] = point == Point.EndOfData ? mark : 0;
        flags[HasBatch] = point == Point.BeforeStep ? mark : 0;
        _group.AllReduce(flags, ReduceOperation.Max);

        bool cancelled = flags[Cancel] > 0;
        if (flags[Stop] > 0)
        {
            int root = RankOf(flags[Stop]);
            context.AdoptStop(AgreeOnStopReason(root), root, immediately: flags[Immediate] > 0);
        }

        if (flags[Checkpoint] > 0)
        {
            context.CheckpointRequested = true;
        }

        if (flags[Where] != -flags[WhereNegated])
        {
            bool allEnd = cancelled || context.ImmediateStopRequested || (context.StopRequested && context.CanStopEarly);
            if (!allEnd)
            {
                throw new InvalidOperationException(
                    $"Rank {RankOf(flags[OutOfData])} ran out of training batches after {batchIndex} batch(es) of epoch {context.Epoch + 1} while rank {RankOf(flags[HasBatch])} has another: "
                    + "every rank must get the same number of batches per epoch. Shard the data with DistributedSampler, which gives every rank the same count.");
            }
        }

        return cancelled;
    }

    /// <summary>Reduces the metrics not reduced yet (only the validation pass's, or all) across ranks, weighted by samples.</summary>
    public void ReduceMetrics(bool validationOnly) => _metrics.Reduce(_context.MetricsStore, validationOnly);

    /// <summary>Every rank waits here until rank 0 has written the checkpoint the ranks agreed on.</summary>
    public void WaitForCheckpoint() => _group.Barrier();

    /// <summary>The run ended on this rank without a failure: the ranks meet once more, so that a rank that failed late fails the run everywhere.</summary>
    public void Finish() => _group.Barrier();

    private int RankOf(double mark) => _group.WorldSize - (int)mark;

    /// <summary>The stop reason of <paramref name="root"/>, sent to every rank (runs once per stop).</summary>
    private string AgreeOnStopReason(int root)
    {
        byte[] bytes = _group.Rank == root ? Encoding.UTF8.GetBytes(_context.StopReason ?? "stop") : Array.Empty<byte>();
        return Encoding.UTF8.GetString(BroadcastBytes(bytes, root));
    }

    /// <summary>Broadcasts a byte array of any length: its length first, then the bytes.</summary>
    private byte[] BroadcastBytes(byte[] bytes, int root)
    {
        Span<byte> length = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(length, bytes.LongLength);
        _group.Broadcast(length, root);
        long count = BinaryPrimitives.ReadInt64LittleEndian(length);
        if (count > Array.MaxLength)
        {
            throw new InvalidOperationException($"Rank {root} sent {count} bytes; one broadcast holds at most {Array.MaxLength}.");
        }

        byte[] received = _group.Rank == root ? bytes : new byte[count];
        _group.Broadcast(received, root);
        return received;
    }
}
