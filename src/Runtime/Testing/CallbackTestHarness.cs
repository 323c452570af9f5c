using System;
using System.Collections.Generic;
using System.Threading;

namespace DreamTrainer.Testing;

/// <summary>
/// Drives callbacks hook by hook without a model or a training loop, so you can unit-test your
/// own callbacks (the "MockTrainer" of the Dream Trainer guide). Set the state a hook should see
/// (epoch, step, metrics, learning rate), call the hook, then inspect what the callback logged,
/// requested or changed through <see cref="Context"/>.
/// </summary>
/// <example>
/// <code>
/// var harness = new CallbackTestHarness(new LossSpikeMonitor(threshold: 2.0));
/// harness.TrainBatchEnd(loss: 5.0);
/// Assert.Equal(5.0, harness.Context.Metrics["loss_spike"]);
/// </code>
/// </example>
public sealed class CallbackTestHarness
{
    private readonly InMemoryLearningRates _learningRates;

    /// <summary>Creates a harness dispatching to <paramref name="callbacks"/> through a <see cref="CallbackCollection"/>.</summary>
    /// <param name="callbacks">The callbacks under test.</param>
    public CallbackTestHarness(params ICallback[] callbacks)
        : this(new CallbackCollection(callbacks))
    {
    }

    /// <summary>Creates a harness dispatching through <paramref name="dispatcher"/> (a generated pipeline, for example).</summary>
    /// <param name="dispatcher">The dispatcher under test.</param>
    /// <param name="options">Trainer options the context reports (MaxEpochs, …); default: 10 epochs.</param>
    /// <param name="learningRate">The initial learning rate of the fake optimizer (one parameter group).</param>
    public CallbackTestHarness(ICallbackDispatcher dispatcher, TrainerOptions? options = null, double learningRate = 0.1)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        options ??= new TrainerOptions { MaxEpochs = 10 };
        options.Validate();
        Dispatcher = dispatcher;
        _learningRates = new InMemoryLearningRates(learningRate);
        Context = new TrainerContext(options.Clone(), model: null, optimizer: _learningRates, _learningRates, modelState: null, CancellationToken.None);
    }

    /// <summary>The dispatcher the hooks go through.</summary>
    public ICallbackDispatcher Dispatcher { get; }

    /// <summary>The context the callbacks see: read what they logged, requested or reported here.</summary>
    public TrainerContext Context { get; }

    /// <summary>The fake optimizer's learning rate (group 0); set it to arrange, read it to assert.</summary>
    public double LearningRate
    {
        get => _learningRates.GetLearningRate(0);
        set => _learningRates.Arrange(value);
    }

    /// <summary>Every learning rate the callbacks set through the context, in order.</summary>
    public IReadOnlyList<double> LearningRateHistory => _learningRates.History;

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

    /// <summary>Runs <see cref="Hook.TrainBatchStart"/>.</summary>
    /// <param name="batchIndex">The batch index.</param>
    /// <param name="globalStep">The step index; default: the context's step count.</param>
    public void TrainBatchStart(int batchIndex = 0, long? globalStep = null)
    {
        long step = globalStep ?? Context.GlobalStep;
        Context.BatchIndex = batchIndex;
        Run(TrainerPhase.Training, Hook.TrainBatchStart, () => Dispatcher.OnTrainBatchStart(Context, batchIndex, step));
    }

    /// <summary>Runs <see cref="Hook.TrainBatchEnd"/> with a step that had <paramref name="loss"/>; advances the step count.</summary>
    /// <param name="loss">The step's loss.</param>
    /// <param name="batchIndex">The batch index.</param>
    /// <param name="globalStep">The step index; default: the context's step count.</param>
    public void TrainBatchEnd(double loss = 0, int batchIndex = 0, long? globalStep = null)
    {
        long step = globalStep ?? Context.GlobalStep;
        Context.BatchIndex = batchIndex;
        Context.TrainLoss.Set(new StepResult(loss));
        var output = new StepOutput(Context.TrainLoss);
        Context.GlobalStep = step + 1;
        Run(TrainerPhase.Training, Hook.TrainBatchEnd, () => Dispatcher.OnTrainBatchEnd(Context, in output, batchIndex, step));
    }

    /// <summary>Runs <see cref="Hook.TrainEpochEnd"/> with the given metrics (added to those already set).</summary>
    /// <param name="epoch">The epoch.</param>
    /// <param name="metrics">Metrics to set first, e.g. <c>("val_loss", 0.5)</c>.</param>
    public void TrainEpochEnd(int epoch, params (string Name, double Value)[] metrics)
    {
        Context.Epoch = epoch;
        foreach ((string name, double value) in metrics)
        {
            Context.Log(name, value);
        }

        Run(TrainerPhase.Training, Hook.TrainEpochEnd, () => Dispatcher.OnTrainEpochEnd(Context, epoch, Context.Metrics));
        Context.EpochsCompleted = epoch + 1;
    }

    /// <summary>Runs <see cref="Hook.TrainEnd"/>.</summary>
    /// <param name="reason">Why training ended.</param>
    public void TrainEnd(TrainEndReason reason = TrainEndReason.Completed) => Run(TrainerPhase.Finished, Hook.TrainEnd, () => Dispatcher.OnTrainEnd(Context, reason));

    /// <summary>Runs <see cref="Hook.ValidationStart"/>.</summary>
    public void ValidationStart() => Run(TrainerPhase.Validating, Hook.ValidationStart, () => Dispatcher.OnValidationStart(Context));

    /// <summary>Runs <see cref="Hook.ValidationEpochStart"/>.</summary>
    /// <param name="epoch">The epoch.</param>
    public void ValidationEpochStart(int epoch) => Run(TrainerPhase.Validating, Hook.ValidationEpochStart, () => Dispatcher.OnValidationEpochStart(Context, epoch));

    /// <summary>Runs <see cref="Hook.ValidationBatchStart"/>.</summary>
    /// <param name="batchIndex">The batch index.</param>
    public void ValidationBatchStart(int batchIndex = 0) =>
        Run(TrainerPhase.Validating, Hook.ValidationBatchStart, () => Dispatcher.OnValidationBatchStart(Context, batchIndex, Context.GlobalStep));

    /// <summary>Runs <see cref="Hook.ValidationBatchEnd"/> with a step that had <paramref name="loss"/>.</summary>
    /// <param name="loss">The step's loss.</param>
    /// <param name="batchIndex">The batch index.</param>
    public void ValidationBatchEnd(double loss = 0, int batchIndex = 0)
    {
        Context.ValidationLoss.Set(new StepResult(loss));
        var output = new StepOutput(Context.ValidationLoss);
        Run(TrainerPhase.Validating, Hook.ValidationBatchEnd, () => Dispatcher.OnValidationBatchEnd(Context, in output, batchIndex, Context.GlobalStep));
    }

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
    public void Exception(Exception exception) => Run(TrainerPhase.Training, Hook.Exception, () => Dispatcher.OnException(Context, exception));

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

    private void Run(TrainerPhase phase, Hook hook, Action dispatch)
    {
        Context.Phase = phase;
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

    /// <summary>A one-group fake optimizer that records every learning rate set.</summary>
    private sealed class InMemoryLearningRates : ILearningRateControl
    {
        private readonly List<double> _history = new();
        private double _learningRate;

        public InMemoryLearningRates(double learningRate) => _learningRate = learningRate;

        public IReadOnlyList<double> History => _history;

        /// <summary>Sets the rate as the test's starting point, without recording it.</summary>
        public void Arrange(double learningRate) => _learningRate = learningRate;

        public int GroupCount => 1;

        public double GetLearningRate(int group) => _learningRate;

        public void SetLearningRate(int group, double learningRate)
        {
            _learningRate = learningRate;
            _history.Add(learningRate);
        }

        public bool TryGetMomentum(int group, out double momentum)
        {
            momentum = double.NaN;
            return false;
        }
    }
}
