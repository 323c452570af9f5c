using System.IO;

namespace DreamTrainer.Samples.CustomCallbacks;

/// <summary>Guide best practice 6, "Use Callback Priority": higher number, earlier execution.</summary>
[Callback(Priority = 100)]
public sealed partial class HighPriorityCallback(TextWriter log)
{
    [OnTrainStart]
    private void OnTrainStart() => log.WriteLine("  [priority 100] HighPriorityCallback runs first, though registered last");
}

/// <summary>Priority 0, the default: later execution.</summary>
[Callback(Priority = 0)]
public sealed partial class LowPriorityCallback(TextWriter log)
{
    [OnTrainStart]
    private void OnTrainStart() => log.WriteLine("  [priority 0]   LowPriorityCallback runs after it");
}
