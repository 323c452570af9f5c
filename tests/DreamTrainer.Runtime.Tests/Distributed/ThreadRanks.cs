using System;
using System.Threading;

namespace DreamTrainer.Tests.Distributed;

/// <summary>
/// Ranks as threads of one process, for fast tests of the trainer's behaviour across ranks: each
/// collective waits (bounded) for every rank, then every rank computes the same result from the
/// contributions in rank order. A reported failure wakes the waiting ranks with
/// <see cref="RankFailedException"/>, as MPI's group does.
/// </summary>
internal sealed class ThreadRanks
{
    private readonly object _gate = new();
    private readonly object?[] _contributions;
    private readonly TimeSpan _timeout;
    private object?[] _completed = Array.Empty<object?>();
    private long _generation;
    private int _arrived;
    private int _failedRank = -1;
    private string? _failure;

    private ThreadRanks(int size, TimeSpan timeout)
    {
        _contributions = new object?[size];
        _timeout = timeout;
    }

    public int Size => _contributions.Length;

    /// <summary>Runs <paramref name="body"/> on <paramref name="size"/> threads, one per rank; returns each rank's result or exception.</summary>
    public static (T? Result, Exception? Error)[] Run<T>(int size, Func<IProcessGroup, T> body, TimeSpan? timeout = null)
    {
        var world = new ThreadRanks(size, timeout ?? TimeSpan.FromSeconds(30));
        var outcomes = new (T? Result, Exception? Error)[size];
        var threads = new Thread[size];
        for (int rank = 0; rank < size; rank++)
        {
            int r = rank;
            threads[r] = new Thread(() =>
            {
                try
                {
                    outcomes[r] = (body(new Group(world, r)), null);
                }
                catch (Exception error)
                {
                    outcomes[r] = (default, error);
                }
            });
            threads[r].Start();
        }

        foreach (Thread thread in threads)
        {
            if (!thread.Join(TimeSpan.FromMinutes(1)))
            {
                throw new TimeoutException("A rank thread did not finish within a minute.");
            }
        }

        return outcomes;
    }

    /// <summary>Waits until every rank contributed; returns the contributions in rank order.</summary>
    private object?[] Exchange(int rank, object? contribution)
    {
        lock (_gate)
        {
            ThrowIfFailed(rank);
            _contributions[rank] = contribution;
            long generation = _generation;
            if (++_arrived == Size)
            {
                _completed = (object?[])_contributions.Clone();
                _arrived = 0;
                _generation++;
                Monitor.PulseAll(_gate);
                return _completed;
            }

            DateTime deadline = DateTime.UtcNow + _timeout;
            while (_generation == generation)
            {
                ThrowIfFailed(rank);
                TimeSpan left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !Monitor.Wait(_gate, left))
                {
                    ThrowIfFailed(rank);
                    throw new TimeoutException($"Rank {rank}: the other ranks did not join within {_timeout.TotalSeconds} s.");
                }
            }

            return _completed;
        }
    }

    private void ThrowIfFailed(int rank)
    {
        if (_failedRank >= 0)
        {
            throw new RankFailedException(_failedRank, rank, Size, _failure!);
        }
    }

    private void Fail(int rank, Exception exception)
    {
        lock (_gate)
        {
            if (_failedRank < 0)
            {
                _failedRank = rank;
                _failure = $"{exception.GetType().Name}: {exception.Message}";
                Monitor.PulseAll(_gate);
            }
        }
    }

    private sealed class Group : IProcessGroup
    {
        private readonly ThreadRanks _world;

        public Group(ThreadRanks world, int rank)
        {
            _world = world;
            Rank = rank;
        }

        public int Rank { get; }

        public int WorldSize => _world.Size;

        public int Collectives { get; private set; }

        public void AllReduce(Span<double> values, ReduceOperation operation)
        {
            Collectives++;
            object?[] all = _world.Exchange(Rank, values.ToArray());
            for (int i = 0; i < values.Length; i++)
            {
                double result = ((double[])all[0]!)[i];
                for (int r = 1; r < all.Length; r++)
                {
                    double value = ((double[])all[r]!)[i];
                    result = operation switch
                    {
                        ReduceOperation.Sum => result + value,
                        ReduceOperation.Max => Math.Max(result, value),
                        _ => Math.Min(result, value),
                    };
                }

                values[i] = result;
            }
        }

        public void AllReduce(Span<float> values, ReduceOperation operation)
        {
            double[] wide = new double[values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                wide[i] = values[i];
            }

            AllReduce(wide, operation);
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (float)wide[i];
            }
        }

        public void Broadcast(Span<byte> buffer, int root)
        {
            Collectives++;
            object?[] all = _world.Exchange(Rank, buffer.ToArray());
            ((byte[])all[root]!).CopyTo(buffer);
        }

        public void Barrier()
        {
            Collectives++;
            _world.Exchange(Rank, null);
        }

        public void ReportFailure(Exception exception)
        {
            if (exception is not RankFailedException)
            {
                _world.Fail(Rank, exception);
            }
        }
    }
}
