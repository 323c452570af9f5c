namespace DreamTrainer;

/// <summary>A pass's mean loss, weighted by batch size: host values summed here, device values on the device.</summary>
internal struct LossMean
{
    private double _hostSum;
    private double _hostWeight;
    private double _deviceWeight;
    private IDeferredScalar? _deferred;

    /// <summary>The sum and weight so far, all on the host: a checkpoint inside an epoch stores them.</summary>
    public (double Sum, double Weight) Settle()
    {
        if (_deferred is not null && _deviceWeight > 0)
        {
            // One device sync, only when a checkpoint is written inside an epoch; the sum goes on on the host.
            _hostSum += _deferred.TakeRunningSum(out _);
            _hostWeight += _deviceWeight;
            _deviceWeight = 0;
        }

        return (_hostSum, _hostWeight);
    }

    /// <summary>Continues from a checkpoint's <see cref="Settle"/>.</summary>
    public void Restore(double sum, double weight)
    {
        this = default;
        _hostSum = sum;
        _hostWeight = weight;
    }

    public void Add(in StepResult result, int weight)
    {
        if (result.Deferred is { } scalar)
        {
            scalar.AddToRunningSum(weight);
            _deferred = scalar;
            _deviceWeight += weight;
        }
        else
        {
            _hostSum += result.Value * weight;
            _hostWeight += weight;
        }
    }

    public readonly void LogTo(MetricsStore metrics, string name)
    {
        double sum = _hostSum;
        double weight = _hostWeight;
        if (_deferred is not null && _deviceWeight > 0)
        {
            sum += _deferred.TakeRunningSum(out _);
            weight += _deviceWeight;
        }

        if (weight > 0)
        {
            // A weighted mean, so that ranks reduce it weighted by their samples.
            metrics.LogWeightedMean(name, sum, weight);
        }
    }
}
