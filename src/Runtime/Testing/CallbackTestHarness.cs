using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;

namespace DreamTrainer.Testing;

/// <summary>
/// Drives callbacks hook by hook without a model or a training loop, so you can unit-test your
/// own callbacks (the "MockTrainer" of the Dream Trainer guide). Set the state a hook should see
/// (epoch, step, metrics, learning rate, model, batch, step outputs), call the hook, then inspect
/// what the callback logged, requested or changed through <see cref="Context"/>. Every control of
/// the context works: checkpoints go to a temporary folder (<see cref="Directory"/>), and weights
/// are a fake model state (<see cref="Weights"/>) that checkpoints save and snapshots restore.
/// </summary>
/// <example>
/// <code>
/// using var harness = new CallbackTestHarness(new LossSpikeMonitor(threshold: 2.0));
/// harness.TrainBatchEnd(loss: 5.0, batch: new float[32, 10], batchIndex: 0);
/// Assert.Equal(5.0, harness.Context.Metrics["loss_spike"]);
/// </code>
/// </example>
public sealed partial class CallbackTestHarness : IDisposable
{
    private readonly InMemoryLearningRates _learningRates;
    private readonly InMemoryModelState _modelState;
    private readonly List<string> _checkpoints = new();

    /// <summary>Creates a harness dispatching to <paramref name="callbacks"/> through a <see cref="CallbackCollection"/>.</summary>
    /// <param name="callbacks">The callbacks under test.</param>
    public CallbackTestHarness(params ICallback[] callbacks)
        : this(new CallbackCollection(callbacks))
    {
    }

    /// <summary>Creates a harness dispatching through <paramref name="dispatcher"/> (a generated pipeline, for example).</summary>
    /// <param name="dispatcher">The dispatcher under test.</param>
    /// <param name="options">Trainer options the context reports (MaxEpochs, …); default: 10 epochs. Without a <see cref="TrainerOptions.CheckpointDirectory"/>, checkpoints go to <see cref="Directory"/>.</param>
    /// <param name="learningRate">The initial learning rate of the fake optimizer (one parameter group).</param>
    public CallbackTestHarness(ICallbackDispatcher dispatcher, TrainerOptions? options = null, double learningRate = 0.1)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        options = (options ?? new TrainerOptions { MaxEpochs = 10 }).Clone();
        options.Validate();
        Dispatcher = dispatcher;
        Directory = Path.Combine(Path.GetTempPath(), "dreamtrainer-harness-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        options.CheckpointDirectory ??= Directory;
        _learningRates = new InMemoryLearningRates(learningRate);
        _modelState = new InMemoryModelState();
        Context = new TrainerContext(options, model: null, optimizer: _learningRates, _learningRates, _modelState, CancellationToken.None)
        {
            Callbacks = dispatcher,
        };
    }

    /// <summary>The dispatcher the hooks go through.</summary>
    public ICallbackDispatcher Dispatcher { get; }

    /// <summary>The context the callbacks see: read what they logged, requested or reported here.</summary>
    public TrainerContext Context { get; }

    /// <summary>A temporary folder of this harness (the default checkpoint directory); deleted by <see cref="Dispose"/>.</summary>
    public string Directory { get; }

    /// <summary>The model hooks see (<see cref="TrainerContext.Model"/>, and <c>model</c> parameters); default null.</summary>
    public object? Model
    {
        get => Context.Model;
        set => Context.Model = value;
    }

    /// <summary>The optimizer hooks see (<see cref="TrainerContext.Optimizer"/>, and <c>optimizer</c> parameters); default: the fake optimizer behind <see cref="LearningRate"/>.</summary>
    public object? Optimizer
    {
        get => Context.Optimizer;
        set => Context.Optimizer = value;
    }

    /// <summary>The fake optimizer's learning rate (group 0); set it to arrange, read it to assert.</summary>
    public double LearningRate
    {
        get => _learningRates.GetLearningRate(0);
        set => _learningRates.Arrange(value);
    }

    /// <summary>Every learning rate the callbacks set through the context, in order.</summary>
    public IReadOnlyList<double> LearningRateHistory => _learningRates.History;

    /// <summary>
    /// The fake model's weights: what checkpoints save (and a resume loads), what
    /// <see cref="TrainerContext.CreateWeightsSnapshot"/> copies and <see cref="TrainerContext.RestoreWeights"/>
    /// puts back. Set them to arrange, read them to assert.
    /// </summary>
    public double[] Weights
    {
        get => _modelState.Weights;
        set => _modelState.Weights = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>How many times a callback restored weights (<see cref="TrainerContext.RestoreWeights"/>).</summary>
    public int WeightRestores => _modelState.Restores;

    /// <summary>The checkpoints written for <see cref="TrainerContext.RequestCheckpoint"/>, in order (as the trainer does, after batch-end and epoch-end hooks).</summary>
    public IReadOnlyList<string> RequestedCheckpoints => _checkpoints;

    /// <summary>Sets a metric the next hooks will see (as if the module had logged it).</summary>
    /// <param name="name">The metric name.</param>
    /// <param name="value">The value.</param>
    /// <returns>This harness.</returns>
    public CallbackTestHarness SetMetric(string name, double value)
    {
        Context.Log(name, value);
        return this;
    }

    /// <summary>Forgets every metric (what the trainer does when an epoch starts).</summary>
    /// <returns>This harness.</returns>
    public CallbackTestHarness ClearMetrics()
    {
        Context.MetricsStore.Clear();
        return this;
    }

    /// <summary>Runs <see cref="Hook.TrainStart"/>.</summary>
    public void TrainStart() => Run(TrainerPhase.Training, Hook.TrainStart, () => Dispatcher.OnTrainStart(Context));

    /// <summary>Runs <see cref="Hook.TrainEpochStart"/> for <paramref name="epoch"/>.</summary>
    /// <param name="epoch">The epoch.</param>
    public void TrainEpochStart(int epoch)
    {
        Context.Epoch = epoch;
        Run(TrainerPhase.Training, Hook.TrainEpochStart, () => Dispatcher.OnTrainEpochStart(Context, epoch));
    }

    /// <summary>Runs <see cref="Hook.TrainEpochEnd"/> with the given metrics (added to those already set), then writes a requested checkpoint.</summary>
    /// <param name="epoch">The epoch.</param>
    /// <param name="metrics">Metrics to set first, e.g. <c>("val_loss", 0.5)</c>.</param>
    public void TrainEpochEnd(int epoch, params (string Name, double Value)[] metrics)
    {
        Context.Epoch = epoch;
        foreach ((string name, double value) in metrics)
        {
            Context.Log(name, value);
        }

        Context.EpochsCompleted = epoch + 1;
        Run(TrainerPhase.Training, Hook.TrainEpochEnd, () => Dispatcher.OnTrainEpochEnd(Context, epoch, Context.Metrics));
        WriteRequestedCheckpoint();
    }

    /// <summary>Runs <see cref="Hook.TrainEnd"/>.</summary>
    /// <param name="reason">Why training ended.</param>
    public void TrainEnd(TrainEndReason reason = TrainEndReason.Completed) => Run(TrainerPhase.Finished, Hook.TrainEnd, () => Dispatcher.OnTrainEnd(Context, reason));

    /// <summary>Runs <see cref="Hook.ValidationStart"/>.</summary>
    public void ValidationStart() => Run(TrainerPhase.Validating, Hook.ValidationStart, () => Dispatcher.OnValidationStart(Context));

    /// <summary>Runs <see cref="Hook.ValidationEpochStart"/>.</summary>
    /// <param name="epoch">The epoch.</param>
    public void ValidationEpochStart(int epoch) => Run(TrainerPhase.Validating, Hook.ValidationEpochStart, () => Dispatcher.OnValidationEpochStart(Context, epoch));

    /// <summary>Runs <see cref="Hook.ValidationEpochEnd"/> with the given metrics.</summary>
    /// <param name="epoch">The epoch.</param>
    /// <param name="metrics">Metrics to set first.</param>
    public void ValidationEpochEnd(int epoch, params (string Name, double Value)[] metrics)
    {
        foreach ((string name, double value) in metrics)
        {
            Context.Log(name, value);
        }

        Run(TrainerPhase.Validating, Hook.ValidationEpochEnd, () => Dispatcher.OnValidationEpochEnd(Context, epoch, Context.Metrics));
    }

    /// <summary>Runs <see cref="Hook.ValidationEnd"/>.</summary>
    public void ValidationEnd() => Run(TrainerPhase.Validating, Hook.ValidationEnd, () => Dispatcher.OnValidationEnd(Context));

    /// <summary>Runs <see cref="Hook.Exception"/>.</summary>
    /// <param name="exception">The failure to deliver.</param>
    /// <param name="callbackFailure">When testing the delivery of a callback's failure: what <see cref="TrainerContext.CallbackFailure"/> says (which callback and hook threw <paramref name="exception"/>).</param>
    public void Exception(Exception exception, CallbackException? callbackFailure = null)
    {
        Context.CallbackFailure = callbackFailure;
        Run(TrainerPhase.Training, Hook.Exception, () => Dispatcher.OnException(Context, exception));
    }

    /// <summary>Runs <see cref="Hook.SaveState"/> and returns what the callbacks wrote (one section per state key).</summary>
    /// <returns>The written state; pass it to <see cref="LoadState"/> of another harness to test a resume.</returns>
    public CallbackStateWriter SaveState()
    {
        var writer = new CallbackStateWriter();
        Run(Context.Phase, Hook.SaveState, () => Dispatcher.OnSaveState(Context, writer));
        return writer;
    }

    /// <summary>Runs <see cref="Hook.LoadState"/> with state from <see cref="SaveState"/>.</summary>
    /// <param name="state">The state.</param>
    public void LoadState(CallbackStateWriter state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var reader = new CallbackStateReader(state);
        Run(Context.Phase, Hook.LoadState, () => Dispatcher.OnLoadState(Context, reader));
    }

    /// <summary>Deletes <see cref="Directory"/> and what the callbacks wrote there.</summary>
    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private void Run(TrainerPhase phase, Hook hook, Action dispatch)
    {
        Context.Phase = phase;
        BindingCheck.Check(Dispatcher.Callbacks, new BindingCheck.Offer(Context.BatchSlot?.BatchType, Context.Model, Context.Optimizer), "the harness call", hook);
        try
        {
            dispatch();
        }
        catch (Exception failure) when (failure is not CallbackException && Dispatcher.RunningCallback is not null)
        {
            // A generated pipeline lets propagate-policy failures pass; name the callback as the trainer does.
            throw CallbackDispatch.Attribute(Dispatcher, hook, failure);
        }

        // OnException and OnTrainEnd collect failures instead of throwing; surface them here.
        List<Exception> deferred = Context.TakeDeferredFailures();
        if (deferred.Count == 1)
        {
            throw deferred[0];
        }

        if (deferred.Count > 1)
        {
            throw new AggregateException(deferred);
        }
    }

    private void WriteRequestedCheckpoint()
    {
        if (Context.WriteRequestedCheckpoint() is { } path)
        {
            _checkpoints.Add(path);
        }
    }
}
