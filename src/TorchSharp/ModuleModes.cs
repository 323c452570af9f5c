using System.Collections.Generic;
using static TorchSharp.torch;

namespace DreamTrainer.TorchSharp;

/// <summary>
/// Lightning's rule for train/eval modes: validation records every submodule's mode before
/// <c>eval()</c> and the next training step puts the recorded modes back, so a submodule the user
/// froze in eval mode stays frozen. Nothing happens between steps of the same phase.
/// </summary>
internal sealed class ModuleModes
{
    private readonly List<(nn.Module Module, bool Training)> _recorded = new();
    private bool _rootTraining;

    /// <summary>Whether the model is in validation's eval mode.</summary>
    public bool Evaluating { get; private set; }

    /// <summary>At the first validation step of a phase: records the modes and calls <c>eval()</c>.</summary>
    /// <param name="model">The model.</param>
    public void EnterEvaluation(nn.Module model)
    {
        if (Evaluating)
        {
            return;
        }

        _recorded.Clear();
        _rootTraining = model.training;
        foreach ((_, nn.Module module) in model.named_modules())
        {
            _recorded.Add((module, module.training));
        }

        model.eval();
        Evaluating = true;
    }

    /// <summary>At the first training step after validation: puts the recorded modes back.</summary>
    /// <param name="model">The model.</param>
    public void LeaveEvaluation(nn.Module model)
    {
        if (!Evaluating)
        {
            return;
        }

        // train() is recursive; named_modules lists every module after its ancestors, so setting
        // each one that differs, in that order, leaves every module as recorded.
        model.train(_rootTraining);
        foreach ((nn.Module module, bool training) in _recorded)
        {
            if (module.training != training)
            {
                module.train(training);
            }
        }

        _recorded.Clear();
        Evaluating = false;
    }
}
