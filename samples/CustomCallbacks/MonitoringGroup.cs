using System.IO;

namespace DreamTrainer.Samples.CustomCallbacks;

/// <summary>
/// Guide best practice 8, "Use Callback Groups": a group of monitoring callbacks. Declared as a
/// <c>[CallbackPipeline]</c>, it needs none of the guide's forwarding: the generator calls each member
/// directly, each with its own priority and state key, and the group goes into a
/// <see cref="CallbackCollection"/> — or another pipeline — as one callback.
/// </summary>
[CallbackPipeline]
public sealed partial class MonitoringGroup(TextWriter log)
{
    /// <summary>Flags high losses.</summary>
    public LossMonitor Loss { get; } = new(log);

    /// <summary>Logs gradient norms and clips them.</summary>
    public GradientMonitor Gradients { get; } = new();

    /// <summary>Logs the learning rate (a built-in).</summary>
    public LearningRateMonitor LearningRates { get; } = new();
}
