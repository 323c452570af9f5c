using System;
using System.Collections.Generic;

namespace DreamTrainer;

/// <summary>
/// The run's metrics. Names get a slot the first time they are logged and keep it, so logging a
/// known name costs one dictionary look-up and no allocation. Values are per epoch: the trainer
/// clears them when an epoch starts, so an epoch's view holds what was logged in that epoch.
/// </summary>
internal sealed class MetricsStore
{
    private readonly Dictionary<string, int> _slots = new(StringComparer.Ordinal);
    private readonly List<string> _names = new();
    private double[] _sums = new double[16];
    private long[] _counts = new long[16];
    private MetricReduction[] _reductions = new MetricReduction[16];
    private int _present;

    /// <summary>Number of names that have a value this epoch.</summary>
    public int Count => _present;

    /// <summary>Every name ever logged, in first-logged order.</summary>
    public IReadOnlyList<string> Names => _names;

    public void Log(string name, double value, MetricReduction reduction)
    {
        if (!_slots.TryGetValue(name, out int slot))
        {
            ValidateName(name);
            slot = AddSlot(name);
        }

        if (_counts[slot] == 0)
        {
            _present++;
        }

        _reductions[slot] = reduction;
        if (reduction == MetricReduction.Mean)
        {
            _sums[slot] += value;
            _counts[slot]++;
        }
        else
        {
            _sums[slot] = value;
            _counts[slot] = 1;
        }
    }

    public bool TryGet(string name, out double value)
    {
        if (_slots.TryGetValue(name, out int slot) && _counts[slot] > 0)
        {
            value = ValueAt(slot);
            return true;
        }

        value = double.NaN;
        return false;
    }

    /// <summary>True when the slot has a value this epoch.</summary>
    public bool HasValue(int slot) => _counts[slot] > 0;

    /// <summary>The epoch value of a slot that <see cref="HasValue"/>.</summary>
    public double ValueAt(int slot) => _reductions[slot] == MetricReduction.Mean ? _sums[slot] / _counts[slot] : _sums[slot];

    public bool Remove(string name)
    {
        if (_slots.TryGetValue(name, out int slot) && _counts[slot] > 0)
        {
            _counts[slot] = 0;
            _sums[slot] = 0;
            _present--;
            return true;
        }

        return false;
    }

    /// <summary>Forgets every value (names keep their slots).</summary>
    public void Clear()
    {
        Array.Clear(_sums);
        Array.Clear(_counts);
        _present = 0;
    }

    /// <summary>A copy of this epoch's values, in first-logged order.</summary>
    public Dictionary<string, double> ToDictionary()
    {
        var copy = new Dictionary<string, double>(_present, StringComparer.Ordinal);
        for (int slot = 0; slot < _names.Count; slot++)
        {
            if (_counts[slot] > 0)
            {
                copy[_names[slot]] = ValueAt(slot);
            }
        }

        return copy;
    }

    private static void ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException($"A metric name must not be empty or white space; it was '{name}'.", nameof(name));
        }
    }

    private int AddSlot(string name)
    {
        int slot = _names.Count;
        if (slot == _sums.Length)
        {
            Array.Resize(ref _sums, slot * 2);
            Array.Resize(ref _counts, slot * 2);
            Array.Resize(ref _reductions, slot * 2);
        }

        _names.Add(name);
        _slots.Add(name, slot);
        return slot;
    }
}
