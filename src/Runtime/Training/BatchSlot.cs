using System;
using System.ComponentModel;

namespace DreamTrainer;

/// <summary>
/// Where a run keeps its current batch for the hooks that bind it. One per Fit, typed by the batch
/// type, so a struct batch is never boxed: generated code reaches it with one cast and reads it by
/// reference. Not for hand use.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class BatchSlot
{
    private protected BatchSlot()
    {
    }

    /// <summary>The batch type of the run.</summary>
    public abstract Type BatchType { get; }

    /// <summary>Forgets the batch (a run that ended must not keep it, or its tensors, alive).</summary>
    internal abstract void Clear();
}

/// <summary>The current batch of a run whose batches are <typeparamref name="TBatch"/>.</summary>
/// <typeparam name="TBatch">The batch type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class BatchSlot<TBatch> : BatchSlot
{
    private TBatch _current = default!;

    internal BatchSlot()
    {
    }

    /// <inheritdoc/>
    public override Type BatchType => typeof(TBatch);

    /// <summary>The current batch, by reference: a struct batch is not copied.</summary>
    public ref readonly TBatch Current => ref _current;

    internal void Set(TBatch batch) => _current = batch;

    /// <inheritdoc/>
    internal override void Clear() => _current = default!;
}
