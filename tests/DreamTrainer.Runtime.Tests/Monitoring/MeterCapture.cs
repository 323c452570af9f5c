using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;

namespace DreamTrainer.Tests.Monitoring;

/// <summary>A measurement of the DreamTrainer meter, with its tags.</summary>
internal sealed record Measured(string Instrument, double Value, IReadOnlyDictionary<string, string?> Tags);

/// <summary>Listens to the DreamTrainer meter and keeps the measurements of one run.</summary>
internal sealed class MeterCapture : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly string _run;
    private readonly List<Measured> _measured = new();

    public MeterCapture(string run)
    {
        _run = run;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == TrainerMeter.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public IReadOnlyList<Measured> Of(string instrument)
    {
        lock (_measured)
        {
            return _measured.Where(m => m.Instrument == instrument).ToList();
        }
    }

    public void Collect() => _listener.RecordObservableInstruments();

    public void Clear()
    {
        lock (_measured)
        {
            _measured.Clear();
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var dictionary = new Dictionary<string, string?>();
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            dictionary[tag.Key] = tag.Value?.ToString();
        }

        if (dictionary.GetValueOrDefault(TrainerMeter.RunTag) == _run)
        {
            lock (_measured)
            {
                _measured.Add(new Measured(instrument.Name, value, dictionary));
            }
        }
    }
}
