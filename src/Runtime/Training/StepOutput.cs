namespace DreamTrainer;

/// <summary>
/// What batch-end hooks receive. Reading <see cref="Loss"/> may synchronize a GPU: the first read
/// in a step asks the engine and is counted; later reads in the same step reuse the value. A
/// callback that never reads the loss never causes a synchronization.
/// </summary>
public readonly struct StepOutput
{
    private readonly LossCell _cell;

    internal StepOutput(LossCell cell) => _cell = cell;

    /// <summary>The step's loss (read on demand).</summary>
    public double Loss => _cell.Read();

    /// <summary>The number of samples in the batch.</summary>
    public int BatchSize => _cell.BatchSize;

    /// <summary>True once the loss of this step has been read.</summary>
    public bool IsLossRead => _cell.IsRead;

    /// <summary>What the step returned besides the loss (<see cref="StepResult.Outputs"/>), or null; a hook binds it typed as <c>outputs</c>.</summary>
    public object? Outputs => _cell.Outputs;

    /// <summary>A step output holding <paramref name="loss"/>, for tests of callbacks.</summary>
    /// <param name="loss">The loss.</param>
    /// <param name="batchSize">The batch size.</param>
    /// <param name="outputs">The step's other outputs, or null.</param>
    /// <returns>The output.</returns>
    public static StepOutput FromLoss(double loss, int batchSize = 1, object? outputs = null)
    {
        var cell = new LossCell();
        cell.Set(new StepResult(loss, batchSize, outputs));
        return new StepOutput(cell);
    }
}

/// <summary>The trainer's reusable holder of the current step's result; counts reads of the engine's loss.</summary>
internal sealed class LossCell
{
    private StepResult _result;
    private double _value;

    public bool IsRead { get; private set; }

    public int BatchSize => _result.BatchSize;

    public object? Outputs => _result.Outputs;

    /// <summary>How many times a step's loss was fetched from the engine.</summary>
    public long Reads { get; private set; }

    public void Set(in StepResult result)
    {
        _result = result;
        IsRead = false;
    }

    /// <summary>Forgets the step (a finished run must not keep its outputs or device scalar alive).</summary>
    public void Clear()
    {
        _result = default;
        IsRead = false;
    }

    public double Read()
    {
        if (!IsRead)
        {
            _value = _result.Deferred is { } deferred ? deferred.Read() : _result.Value;
            IsRead = true;
            Reads++;
        }

        return _value;
    }
}
