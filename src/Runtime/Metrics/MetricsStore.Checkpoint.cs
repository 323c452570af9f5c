using System;
using System.Text.Json.Nodes;

namespace DreamTrainer;

/// <summary>The epoch's accumulators in a checkpoint written inside an epoch, so a resume continues each mean, sum, minimum and maximum.</summary>
/// <remarks>Across ranks the checkpoint is rank 0's: values not reduced yet are rank 0's running values, and every rank resumes with them.</remarks>
internal sealed partial class MetricsStore
{
    /// <summary>Every metric with a value this epoch: name, reduction, accumulated value and weight, count, whether validation logged it.</summary>
    public JsonArray SaveAccumulators()
    {
        var saved = new JsonArray();
        for (int slot = 0; slot < _names.Count; slot++)
        {
            if (_counts[slot] == 0)
            {
                continue;
            }

            // Values of a step still running wait for its weight: a checkpoint inside a step counts them with weight 1.
            double value = _values[slot];
            double weight = _weights[slot];
            if (_reductions[slot] == MetricReduction.Mean && _pendingCounts[slot] > 0)
            {
                value += _pendingSums[slot] / _pendingCounts[slot];
                weight += 1;
            }

            saved.Add((JsonNode)new JsonObject
            {
                ["name"] = _names[slot],
                ["reduction"] = _reductions[slot].ToString(),
                ["value"] = CallbackStateWriter.EncodeDouble(value),
                ["weight"] = CallbackStateWriter.EncodeDouble(weight),
                ["count"] = _counts[slot],
                ["validation"] = _fromValidation[slot],

                // Across ranks: a value the ranks already agreed on (a validation pass's) is not reduced again at the epoch end.
                ["reduced"] = _reduced[slot],
            });
        }

        return saved;
    }

    /// <summary>Sets one metric's accumulator from a checkpoint (values of the epoch so far).</summary>
    public void RestoreAccumulator(string name, MetricReduction reduction, double value, double weight, long count, bool validation, bool reduced)
    {
        if (!_slots.TryGetValue(name, out int slot))
        {
            ValidateName(name);
            slot = AddSlot(name);
        }

        if (_counts[slot] == 0 && count > 0)
        {
            _present++;
        }

        _reductions[slot] = reduction;
        _values[slot] = value;
        _weights[slot] = weight;
        _counts[slot] = Math.Max(0, count);
        _fromValidation[slot] = validation;
        _reduced[slot] = reduced;
        _pendingSums[slot] = 0;
        _pendingCounts[slot] = 0;
    }
}
