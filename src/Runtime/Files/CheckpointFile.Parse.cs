using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json.Nodes;

namespace DreamTrainer;

/// <summary>The validation of <c>checkpoint.json</c>: every key the runtime reads, with its type and range.</summary>
public sealed partial class CheckpointFile
{
    private void Parse(ManifestFields fields)
    {
        string format = fields.String("format");
        if (format != FormatTag)
        {
            throw fields.Fail("format", fields.Node("format"), $"this runtime reads \"{FormatTag}\"");
        }

        int version = fields.Int32("version", int.MinValue, int.MaxValue);
        if (version < OldestVersion || version > CurrentVersion)
        {
            throw fields.Fail("version", fields.Node("version"), $"this runtime reads versions {OldestVersion} to {CurrentVersion}" + (version > CurrentVersion ? " (the file was written by a newer runtime)" : string.Empty));
        }

        Version = version;
        EpochsCompleted = fields.Int32("epochsCompleted", 0, int.MaxValue);
        GlobalStep = fields.Int64("globalStep", 0, long.MaxValue);
        Metrics = ParseMetrics(fields);
        LearningRates = ParseLearningRates(fields);
        CallbackStates = ParseCallbacks(fields);
        ParseRun(fields);
        Progress = ParseProgress(fields);
    }

    private static Dictionary<string, double> ParseMetrics(ManifestFields fields)
    {
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        if (fields.Object("metrics") is { } section)
        {
            foreach (KeyValuePair<string, JsonNode?> metric in section.Source)
            {
                metrics[metric.Key] = section.Double(metric.Key, finiteNonNegative: false);
            }
        }

        return metrics;
    }

    private static double[] ParseLearningRates(ManifestFields fields)
    {
        JsonArray? rates = fields.Array("learningRates");
        if (rates is null)
        {
            return Array.Empty<double>();
        }

        var values = new double[rates.Count];
        for (int group = 0; group < rates.Count; group++)
        {
            if (!JsonFields.TryDouble(rates[group], out double rate) || !double.IsFinite(rate) || rate < 0)
            {
                throw fields.Fail("learningRates[" + group.ToString(CultureInfo.InvariantCulture) + "]", rates[group], "a learning rate must be a finite number, 0 or more");
            }

            values[group] = rate;
        }

        return values;
    }

    private static JsonObject ParseCallbacks(ManifestFields fields)
    {
        if (fields.Object("callbacks") is not { } section)
        {
            return new JsonObject();
        }

        foreach (KeyValuePair<string, JsonNode?> callback in section.Source)
        {
            if (callback.Value is not JsonObject)
            {
                throw section.Fail(callback.Key, callback.Value, "a callback's state must be an object");
            }
        }

        return section.Source;
    }

    private void ParseRun(ManifestFields fields)
    {
        if (fields.Object("run") is not { } run)
        {
            return;
        }

        if (run.Has("ended"))
        {
            EndReason = run.String("ended") switch
            {
                nameof(TrainEndReason.Completed) => TrainEndReason.Completed,
                nameof(TrainEndReason.Stopped) => TrainEndReason.Stopped,
                _ => throw run.Fail("ended", run.Node("ended"), "must be null, \"Completed\" or \"Stopped\""),
            };
        }

        var reasons = new List<string>();
        if (run.Array("stopReasons") is { } array)
        {
            for (int i = 0; i < array.Count; i++)
            {
                if (!JsonFields.TryString(array[i], out string? reason) || string.IsNullOrWhiteSpace(reason))
                {
                    throw run.Fail("stopReasons[" + i.ToString(CultureInfo.InvariantCulture) + "]", array[i], "a stop reason must be a non-empty string");
                }

                reasons.Add(reason);
            }
        }

        StopReasons = reasons;
        StopImmediately = run.Boolean("stopImmediately", absent: false);
        CheckpointRequested = run.Boolean("checkpointRequested", absent: false);
        if (EndReason == TrainEndReason.Stopped && reasons.Count == 0)
        {
            throw run.Fail("stopReasons", run.Node("stopReasons"), "a run that ended Stopped has at least one stop reason");
        }
    }

    private static SavedProgress? ParseProgress(ManifestFields fields)
    {
        if (fields.Object("epoch") is not { } epoch)
        {
            return null;
        }

        EpochPoint point = epoch.String("point") switch
        {
            "training" => EpochPoint.Training,
            "validating" => EpochPoint.Validating,
            "validated" => EpochPoint.Validated,
            _ => throw epoch.Fail("point", epoch.Node("point"), "must be \"training\", \"validating\" or \"validated\""),
        };
        int batches = epoch.Int32("batchesDone", 0, int.MaxValue);
        double lossSum = epoch.Double("lossSum", finiteNonNegative: false);
        double lossWeight = epoch.Double("lossWeight", finiteNonNegative: true);
        bool validationEpoch = epoch.Boolean("validationEpoch", absent: false);
        var accumulators = new List<SavedAccumulator>();
        if (epoch.Array("metrics") is { } metrics)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < metrics.Count; i++)
            {
                ManifestFields item = epoch.Item("metrics", metrics, i);
                string name = item.String("name");
                if (string.IsNullOrWhiteSpace(name) || !names.Add(name))
                {
                    throw item.Fail("name", item.Node("name"), "must be a metric name, once per epoch");
                }

                string reductionText = item.String("reduction");
                if (!Enum.TryParse(reductionText, ignoreCase: false, out MetricReduction reduction) || !Enum.IsDefined(reduction) || reductionText.Length == 0 || char.IsDigit(reductionText[0]))
                {
                    throw item.Fail("reduction", item.Node("reduction"), "must be Last, Mean, Sum, Min or Max");
                }

                accumulators.Add(new SavedAccumulator(
                    name,
                    reduction,
                    item.Double("value", finiteNonNegative: false),
                    item.Double("weight", finiteNonNegative: true),
                    item.Int64("count", 1, long.MaxValue),
                    item.Boolean("validation", absent: false),
                    item.Boolean("reduced", absent: false)));
            }
        }

        return new SavedProgress(point, batches, lossSum, lossWeight, validationEpoch, accumulators);
    }
}
