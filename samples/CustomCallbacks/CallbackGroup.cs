using System.IO;

namespace DreamTrainer.Samples.CustomCallbacks;

/// <summary>
/// Guide example "callback group": callbacks that belong together, declared once as a
/// [CallbackPipeline]. The generator writes its dispatcher with direct calls in priority order.
/// </summary>
[CallbackPipeline]
public sealed partial class MonitoringGroup(TextWriter output)
{
    /// <summary>Reports the loss and flags spikes.</summary>
    public LossMonitor Loss { get; } = new(output);

    /// <summary>Keeps counters across resumes.</summary>
    public StatefulCallback Counters { get; } = new();

    /// <summary>Switches to fine-tuning at the target accuracy.</summary>
    public TrainerAwareCallback FineTuning { get; } = new(output);

    /// <summary>Prints when the epoch hooks run, to show the priorities.</summary>
    public PriorityDemo.First First { get; } = new(output);

    /// <summary>Runs after <see cref="First"/> because its priority is lower.</summary>
    public PriorityDemo.Second Second { get; } = new(output);
}
