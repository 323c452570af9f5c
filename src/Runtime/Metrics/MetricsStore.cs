using System;
using System.Collections.Generic;

namespace DreamTrainer;

/// <summary>
/// The run's metrics. Names get a slot the first time they are logged and keep it, so logging a
/// known name costs one dictionary look-up and no allocation. Values are per epoch: the trainer
/// clears them when an epoch starts, so an epoch's view holds what was logged in that epoch.
/// </summary>
/// <remarks>
/// A step is bracketed by <see cref="BeginStep"/>, <see cref="SetStepWeight"/> (when the module's
/// step has returned its batch size) and <see cref="EndStep"/>. <see cref="MetricReduction.Mean"/>
/// values logged inside the module's step wait until the batch size is known and then count with
/// that weight, so an epoch mean is a mean over samples, not over batches.
/// </remarks>
internal sealed partial class MetricsStore
{
    private readonly Dictionary<string, int> _slots = new(StringComparer.Ordinal);
    private readonly List<string> _names = new();
    private double[] _values = new double[16];
    private double[] _weights = new double[16];
    private long[] _counts = new long[16];
    private MetricReduction[] _reductions = new MetricReduction[16];
    private double[] _pendingSums = new double[16];
    private int[] _pendingCounts = new int[16];
    private int[] _pendingSlots = new int[16];
    private bool[] _fromValidation = new bool[16];
    private bool _inValidation;
    private int _pendingSlotCount;
    private bool _inStep;
    private double _stepWeight;
    private int _present;

    /// <summary>Number of names that have a value this epoch.</summary>
    public int Count => _present;

    /// <summary>Every name ever logged, in first-logged order.</summary>
    public IReadOnlyList<string> Names => _names;

    public void Log(string name, double value, MetricReduction reduction)
    {
        int slot = Prepare(name, reduction);
        switch (reduction)
        {
            case MetricReduction.Last:
                _values[slot] = value;
                break;
            case MetricReduction.Sum:
                _values[slot] += value;
                break;
            case MetricReduction.Min:
                _values[slot] = value < _values[slot] || double.IsNaN(value) ? value : _values[slot];
                break;
            case MetricReduction.Max:
                _values[slot] = value > _values[slot] || double.IsNaN(value) ? value : _values[slot];
                break;
            default:
                AddToMean(slot, value);
                break;
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
    public double ValueAt(int slot)
    {
        if (_reductions[slot] != MetricReduction.Mean)
        {
            return _values[slot];
        }

        if (_weights[slot] > 0)
        {
            return _values[slot] / _weights[slot];
        }

        // Only values of the step still running: their plain mean until the step's weight is known.
        return _pendingCounts[slot] > 0 ? _pendingSums[slot] / _pendingCounts[slot] : double.NaN;
    }

    public bool Remove(string name)
    {
        if (_slots.TryGetValue(name, out int slot) && _counts[slot] > 0)
        {
            ResetSlot(slot);
            _present--;
            return true;
        }

        return false;
    }

    /// <summary>Forgets every value (names keep their slots).</summary>
    public void Clear()
    {
        Array.Clear(_values);
        Array.Clear(_weights);
        Array.Clear(_counts);
        Array.Clear(_pendingSums);
        Array.Clear(_pendingCounts);
        Array.Clear(_fromValidation);
        Array.Clear(_reduced);
        _pendingSlotCount = 0;
        _present = 0;
    }

    /// <summary>
    /// A validation pass starts: what the previous pass of this epoch logged is forgotten, so the
    /// epoch's validation metrics are those of its last pass (validation every N steps).
    /// </summary>
    public void BeginValidation()
    {
        for (int slot = 0; slot < _names.Count; slot++)
        {
            if (_fromValidation[slot])
            {
                _fromValidation[slot] = false;
                if (_counts[slot] > 0)
                {
                    ResetSlot(slot);
                    _present--;
                }
            }
        }

        _inValidation = true;
    }

    /// <summary>The validation pass is over.</summary>
    public void EndValidation() => _inValidation = false;

    /// <summary>A step starts: mean values logged from now wait for the step's batch size.</summary>
    public void BeginStep()
    {
        _inStep = true;
        _stepWeight = 0;
    }

    /// <summary>The module's step returned <paramref name="batchSize"/>: its waiting values count with that weight, and so do values logged until <see cref="EndStep"/>.</summary>
    public void SetStepWeight(int batchSize)
    {
        double weight = batchSize;
        for (int i = 0; i < _pendingSlotCount; i++)
        {
            int slot = _pendingSlots[i];
            if (_pendingCounts[slot] > 0)
            {
                _values[slot] += _pendingSums[slot] / _pendingCounts[slot] * weight;
                _weights[slot] += weight;
                _pendingSums[slot] = 0;
                _pendingCounts[slot] = 0;
            }
        }

        _pendingSlotCount = 0;
        _stepWeight = weight;
    }

    /// <summary>The step and its batch hooks are over: values logged from now weigh 1.</summary>
    public void EndStep()
    {
        if (_pendingSlotCount > 0)
        {
            SetStepWeight(1);
        }

        _inStep = false;
        _stepWeight = 0;
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

    /// <summary>The slot <paramref name="name"/> logs into with <paramref name="reduction"/>, counted as logged once more.</summary>
    private int Prepare(string name, MetricReduction reduction)
    {
        if (!_slots.TryGetValue(name, out int slot))
        {
            ValidateName(name);
            slot = AddSlot(name);
        }

        if ((uint)reduction > (uint)MetricReduction.Max)
        {
            throw new ArgumentOutOfRangeException(nameof(reduction), reduction, $"reduction must be Last, Mean, Sum, Min or Max; it was {(int)reduction}.");
        }

        if (TakeReduced(slot))
        {
            ResetSlot(slot);
            _present--;
        }

        if (_counts[slot] == 0)
        {
            _present++;
            _reductions[slot] = reduction;
            _values[slot] = reduction switch
            {
                MetricReduction.Min => double.PositiveInfinity,
                MetricReduction.Max => double.NegativeInfinity,
                _ => 0,
            };
        }
        else if (_reductions[slot] != reduction)
        {
            // A name logged with another reduction starts over: the epoch's value follows the latest way of logging it.
            ResetSlot(slot);
            _reductions[slot] = reduction;
            _values[slot] = reduction switch
            {
                MetricReduction.Min => double.PositiveInfinity,
                MetricReduction.Max => double.NegativeInfinity,
                _ => 0,
            };
        }

        _counts[slot]++;
        _fromValidation[slot] |= _inValidation;
        return slot;
    }

    private static void ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException($"A metric name must not be empty or white space; it was '{name}'.", nameof(name));
        }
    }

    private void AddToMean(int slot, double value)
    {
        if (_inStep && _stepWeight == 0)
        {
            if (_pendingCounts[slot]++ == 0)
            {
                if (_pendingSlotCount == _pendingSlots.Length)
                {
                    Array.Resize(ref _pendingSlots, _pendingSlotCount * 2);
                }

                _pendingSlots[_pendingSlotCount++] = slot;
            }

            _pendingSums[slot] += value;
            return;
        }

        double weight = _inStep ? _stepWeight : 1;
        _values[slot] += value * weight;
        _weights[slot] += weight;
    }

    private void ResetSlot(int slot)
    {
        _counts[slot] = 0;
        _reduced[slot] = false;
        _values[slot] = 0;
        _weights[slot] = 0;
        _pendingSums[slot] = 0;
        _pendingCounts[slot] = 0;
    }

    private int AddSlot(string name)
    {
        int slot = _names.Count;
        if (slot == _values.Length)
        {
            int size = slot * 2;
            Array.Resize(ref _values, size);
            Array.Resize(ref _weights, size);
            Array.Resize(ref _counts, size);
            Array.Resize(ref _reductions, size);
            Array.Resize(ref _pendingSums, size);
            Array.Resize(ref _pendingCounts, size);
            Array.Resize(ref _pendingSlots, size);
            Array.Resize(ref _fromValidation, size);
            Array.Resize(ref _reduced, size);
        }

        _names.Add(name);
        _slots.Add(name, slot);
        return slot;
    }
}
