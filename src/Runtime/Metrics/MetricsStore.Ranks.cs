using System;
using System.Collections.Generic;

namespace DreamTrainer;

/// <summary>
/// What <see cref="MetricsAllReduce"/> needs from the store: the slots not reduced yet, their raw
/// values (a mean's weighted sum and weight), and a way to put the ranks' values back. A reduced
/// slot holds the same value on every rank; a value logged into it later starts it over, and it is
/// reduced again at the next reduction point.
/// </summary>
internal sealed partial class MetricsStore
{
    private bool[] _reduced = new bool[16];

    /// <summary>Adds the slots with a value this epoch that are not reduced yet (only the validation pass's, when asked).</summary>
    public void CollectUnreduced(bool validationOnly, List<int> slots)
    {
        for (int slot = 0; slot < _names.Count; slot++)
        {
            if (_counts[slot] > 0 && !_reduced[slot] && (!validationOnly || _fromValidation[slot]))
            {
                slots.Add(slot);
            }
        }
    }

    public string NameOf(int slot) => _names[slot];

    public MetricReduction ReductionOf(int slot) => _reductions[slot];

    /// <summary>A mean's weighted sum and weight; the value of any other reduction (weight 0).</summary>
    public (double Value, double Weight) RawValue(int slot) => (_values[slot], _reductions[slot] == MetricReduction.Mean ? _weights[slot] : 0);

    /// <summary>The slot of <paramref name="name"/>, or -1.</summary>
    public int FindSlot(string name) => _slots.TryGetValue(name, out int slot) ? slot : -1;

    /// <summary>The slot of <paramref name="name"/>, made if needed.</summary>
    public int SlotFor(string name) => _slots.TryGetValue(name, out int slot) ? slot : AddSlot(name);

    /// <summary>Puts the ranks' value into <paramref name="slot"/> and marks it reduced.</summary>
    public void SetReduced(int slot, MetricReduction reduction, double value, double weight)
    {
        if (_counts[slot] == 0)
        {
            _present++;
        }

        ResetSlot(slot);
        _reductions[slot] = reduction;
        _values[slot] = value;
        _weights[slot] = weight;
        _counts[slot] = 1;
        _reduced[slot] = true;
    }

    /// <summary>
    /// Adds a pass's mean as a weighted sum and its weight (the trainer's <c>loss</c> and
    /// <c>val_loss</c>), so ranks reduce it weighted by their samples.
    /// </summary>
    public void LogWeightedMean(string name, double weightedSum, double weight)
    {
        int slot = Prepare(name, MetricReduction.Mean);
        _values[slot] += weightedSum;
        _weights[slot] += weight;
    }

    /// <summary>A value logged into a reduced slot starts it over on this rank.</summary>
    private bool TakeReduced(int slot)
    {
        if (!_reduced[slot])
        {
            return false;
        }

        _reduced[slot] = false;
        return true;
    }
}
