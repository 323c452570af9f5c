using System;
using System.Collections.Generic;
using System.Text;

namespace DreamTrainer;

/// <summary>
/// A read-only view of the current epoch's metrics (<c>loss</c>, <c>val_loss</c>, <c>lr</c> and
/// whatever callbacks and the module logged). A struct over the trainer's store: passing it and
/// reading from it allocate nothing.
/// </summary>
public readonly struct MetricsView
{
    private readonly MetricsStore? _store;

    internal MetricsView(MetricsStore store) => _store = store;

    /// <summary>The number of metrics with a value.</summary>
    public int Count => _store?.Count ?? 0;

    /// <summary>The value of <paramref name="name"/>.</summary>
    /// <param name="name">The metric name, e.g. <c>val_loss</c>.</param>
    /// <exception cref="KeyNotFoundException">No such metric this epoch; the message lists those that exist.</exception>
    public double this[string name]
    {
        get
        {
            if (TryGetValue(name, out double value))
            {
                return value;
            }

            throw new KeyNotFoundException($"No metric '{name}' in this epoch; the metrics are: {Describe()}.");
        }
    }

    /// <summary>Reads <paramref name="name"/> when it has a value.</summary>
    /// <param name="name">The metric name.</param>
    /// <param name="value">The value, or NaN.</param>
    /// <returns>True when present.</returns>
    public bool TryGetValue(string name, out double value)
    {
        if (_store is null)
        {
            value = double.NaN;
            return false;
        }

        return _store.TryGet(name, out value);
    }

    /// <summary>True when <paramref name="name"/> has a value.</summary>
    /// <param name="name">The metric name.</param>
    /// <returns>True when present.</returns>
    public bool Contains(string name) => TryGetValue(name, out _);

    /// <summary>A copy of the values, in first-logged order.</summary>
    /// <returns>A new dictionary.</returns>
    public Dictionary<string, double> ToDictionary() => _store?.ToDictionary() ?? new Dictionary<string, double>();

    /// <summary>The names present, comma-separated (for messages).</summary>
    /// <returns>The names, or "(none)".</returns>
    public string Describe()
    {
        if (_store is null || _store.Count == 0)
        {
            return "(none)";
        }

        var text = new StringBuilder();
        foreach (KeyValuePair<string, double> metric in this)
        {
            if (text.Length > 0)
            {
                text.Append(", ");
            }

            text.Append(metric.Key);
        }

        return text.ToString();
    }

    /// <summary>Enumerates name/value pairs in first-logged order without allocating.</summary>
    /// <returns>The enumerator.</returns>
    public Enumerator GetEnumerator() => new(_store);

    /// <inheritdoc/>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (KeyValuePair<string, double> metric in this)
        {
            if (text.Length > 0)
            {
                text.Append(", ");
            }

            text.Append(metric.Key).Append('=').Append(metric.Value.ToString("G6", System.Globalization.CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    /// <summary>Enumerates the metrics of a <see cref="MetricsView"/>.</summary>
    public struct Enumerator
    {
        private readonly MetricsStore? _store;
        private int _slot;

        internal Enumerator(MetricsStore? store)
        {
            _store = store;
            _slot = -1;
        }

        /// <summary>The current name and value.</summary>
        public readonly KeyValuePair<string, double> Current => new(_store!.Names[_slot], _store.ValueAt(_slot));

        /// <summary>Advances to the next metric with a value.</summary>
        /// <returns>False at the end.</returns>
        public bool MoveNext()
        {
            if (_store is null)
            {
                return false;
            }

            while (++_slot < _store.Names.Count)
            {
                if (_store.HasValue(_slot))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
