using System;
using System.Collections.Generic;
using DreamTrainer;

namespace AnalyzerSmoke;

// DT0101: hook methods in a class that is not partial.
public sealed class NotPartial
{
    [OnTrainStart] void Start() { }
}

public sealed partial class Violations
{
    // DT0106: a state member that cannot be saved.
    [CallbackState] private readonly object _unsaved = new();

    // DT0102: the epoch-start hook offers no batch index.
    [OnTrainEpochStart] void WrongParameter(int batchIndex) { }

    // DT0103: hooks are instance methods.
    [OnTrainEnd] static void StaticHook() { }

    // DT0201: writing to the model outside the sanctioned controls.
    [OnValidationStart]
    void Mutate(TrainerContext trainer)
    {
        if (trainer.Model is Model model)
        {
            model.Frozen = true;
        }
    }

    // DT0301: an empty catch swallows the failure.
    [OnTrainEpochEnd]
    void Swallow()
    {
        try { Console.WriteLine(_unsaved); } catch { }
    }

    // DT0401: an allocation on every batch.
    [OnTrainBatchEnd]
    void Allocate() => _ = new List<int>();
}

// DT0104: two callbacks keep state under one key.
[Callback(StateKey = "same")]
public sealed partial class FirstKeyed { [OnTrainStart] void Start() { } }

[Callback(StateKey = "same")]
public sealed partial class SecondKeyed { [OnTrainStart] void Start() { } }

// DT0105: a pipeline member that is not a callback.
[CallbackPipeline]
public sealed partial class Pipeline
{
    public Violations Callbacks { get; } = new();
    public string Name { get; } = "not a callback";
}

public sealed class Model
{
    public bool Frozen { get; set; }
}

// DT0107: a Keras-style hook without its attribute is never called.
public sealed class PortedFromKeras
{
    public void on_epoch_end(int epoch) { }
}

// DT0108 and DT0109 accompany a compiler error (an unknown attribute, an unknown base class), and
// the command-line compiler runs no analyzer once it has errors: the IDE shows them, and their
// unit tests cover them.
