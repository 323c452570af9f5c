using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace DreamTrainer;

/// <summary>
/// Reduces the ranks' epoch metrics, each the way it was logged: means weighted by the ranks'
/// samples (a rank's weighted sum and weight are added), sums added, minima and maxima taken, and
/// last values averaged over the ranks that have one (exactly the value when the ranks agree, as for
/// a learning rate). Every rank ends with the same values.
/// </summary>
/// <remarks>
/// <para>The ranks first check, in one all-reduce, that they hold the same metric names in the same
/// order (a 48-bit hash of names and reductions, and the count). Then two all-reduces carry the
/// values: a sum of 4 numbers per metric (weighted sum, weight, ranks that have it, ranks whose
/// value is NaN) and a max of 2 (the largest value, the negated smallest).</para>
/// <para>When the names differ (a callback that runs on some ranks only logged one), each rank in
/// turn broadcasts its names, and every rank reduces the sorted union; a rank without a metric
/// contributes nothing to it. The same name logged with different reductions on two ranks is an error.</para>
/// </remarks>
internal sealed class MetricsAllReduce
{
    private const int SumFields = 4;
    private const int MaxFields = 2;

    private readonly IProcessGroup _group;
    private readonly List<int> _local = new();
    private readonly List<int> _slots = new();
    private readonly List<(string Name, MetricReduction Reduction)> _metrics = new();

    public MetricsAllReduce(IProcessGroup group) => _group = group;

    public void Reduce(MetricsStore store, bool validationOnly)
    {
        _local.Clear();
        store.CollectUnreduced(validationOnly, _local);
        _metrics.Clear();
        _slots.Clear();
        if (SameNamesEverywhere(store))
        {
            foreach (int slot in _local)
            {
                _metrics.Add((store.NameOf(slot), store.ReductionOf(slot)));
                _slots.Add(slot);
            }
        }
        else
        {
            GatherUnion(store);
        }

        if (_metrics.Count == 0)
        {
            return;
        }

        var sums = new double[_metrics.Count * SumFields];
        var maxima = new double[_metrics.Count * MaxFields];
        for (int i = 0; i < _metrics.Count; i++)
        {
            Contribute(store, _slots[i], _metrics[i].Reduction, sums.AsSpan(i * SumFields, SumFields), maxima.AsSpan(i * MaxFields, MaxFields));
        }

        _group.AllReduce(sums, ReduceOperation.Sum);
        _group.AllReduce(maxima, ReduceOperation.Max);
        for (int i = 0; i < _metrics.Count; i++)
        {
            (string name, MetricReduction reduction) = _metrics[i];
            (double value, double weight) = Combine(reduction, sums.AsSpan(i * SumFields, SumFields), maxima.AsSpan(i * MaxFields, MaxFields));
            store.SetReduced(_slots[i] >= 0 ? _slots[i] : store.SlotFor(name), reduction, value, weight);
        }
    }

    private static void Contribute(MetricsStore store, int slot, MetricReduction reduction, Span<double> sum, Span<double> max)
    {
        max[0] = double.NegativeInfinity;
        max[1] = double.NegativeInfinity;
        if (slot < 0)
        {
            return;
        }

        (double value, double weight) = store.RawValue(slot);
        sum[2] = 1;
        switch (reduction)
        {
            case MetricReduction.Mean:
                sum[0] = value;
                sum[1] = weight;
                return;
            case MetricReduction.Sum:
                sum[0] = value;
                return;
        }

        if (double.IsNaN(value))
        {
            sum[3] = 1;
            return;
        }

        sum[0] = reduction == MetricReduction.Last ? value : 0;
        max[0] = reduction == MetricReduction.Min ? double.NegativeInfinity : value;
        max[1] = reduction == MetricReduction.Max ? double.NegativeInfinity : -value;
    }

    private static (double Value, double Weight) Combine(MetricReduction reduction, ReadOnlySpan<double> sum, ReadOnlySpan<double> max)
    {
        bool nan = sum[3] > 0;
        return reduction switch
        {
            MetricReduction.Mean => (sum[0], sum[1]),
            MetricReduction.Sum => (sum[0], 0),
            MetricReduction.Min => (nan ? double.NaN : -max[1], 0),
            MetricReduction.Max => (nan ? double.NaN : max[0], 0),

            // Last: the ranks' common value exactly, else their mean.
            _ => (nan ? double.NaN : max[0] == -max[1] ? max[0] : sum[0] / sum[2], 0),
        };
    }

    /// <summary>One all-reduce: do all ranks hold the same names, with the same reductions, in the same order?</summary>
    private bool SameNamesEverywhere(MetricsStore store)
    {
        ulong hash = 14695981039346656037UL;
        foreach (int slot in _local)
        {
            hash = Fnv(hash, store.NameOf(slot));
            hash = (hash ^ (ulong)store.ReductionOf(slot)) * 1099511628211UL;
        }

        // 48 bits: every such integer is exact in a double.
        double exact = hash & ((1UL << 48) - 1);
        Span<double> check = stackalloc double[] { exact, -exact, _local.Count, -_local.Count };
        _group.AllReduce(check, ReduceOperation.Max);
        return check[0] == -check[1] && check[2] == -check[3];
    }

    /// <summary>Each rank broadcasts its names in turn; every rank builds the same sorted union.</summary>
    private void GatherUnion(MetricsStore store)
    {
        var text = new StringBuilder();
        foreach (int slot in _local)
        {
            text.Append((int)store.ReductionOf(slot)).Append('\t').Append(store.NameOf(slot)).Append('\n');
        }

        byte[] mine = Encoding.UTF8.GetBytes(text.ToString());
        var union = new SortedDictionary<string, (MetricReduction Reduction, int Rank)>(StringComparer.Ordinal);
        for (int root = 0; root < _group.WorldSize; root++)
        {
            byte[] lengthBytes = BitConverter.GetBytes((long)(root == _group.Rank ? mine.Length : 0));
            _group.Broadcast(lengthBytes, root);
            byte[] names = root == _group.Rank ? mine : new byte[BitConverter.ToInt64(lengthBytes)];
            _group.Broadcast(names, root);
            foreach (string line in Encoding.UTF8.GetString(names).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                int tab = line.IndexOf('\t', StringComparison.Ordinal);
                var reduction = (MetricReduction)int.Parse(line.AsSpan(0, tab), CultureInfo.InvariantCulture);
                string name = line[(tab + 1)..];
                if (union.TryGetValue(name, out var seen) && seen.Reduction != reduction)
                {
                    throw new InvalidOperationException(
                        $"Metric '{name}' is logged with MetricReduction.{seen.Reduction} on rank {seen.Rank} and MetricReduction.{reduction} on rank {root}: the ranks cannot reduce it. Log it the same way on every rank.");
                }

                union[name] = (reduction, union.TryGetValue(name, out seen) ? seen.Rank : root);
            }
        }

        foreach (KeyValuePair<string, (MetricReduction Reduction, int Rank)> metric in union)
        {
            _metrics.Add((metric.Key, metric.Value.Reduction));
            int slot = store.FindSlot(metric.Key);
            _slots.Add(slot >= 0 && _local.Contains(slot) ? slot : -1);
        }
    }

    private static ulong Fnv(ulong hash, string text)
    {
        foreach (char c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return (hash ^ 0xFF) * 1099511628211UL;
    }
}
