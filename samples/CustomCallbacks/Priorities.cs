using System.IO;

namespace DreamTrainer.Samples.CustomCallbacks;

/// <summary>
/// Guide example "priorities": higher runs first; a hook attribute's Priority overrides the
/// class default for that hook; equal priorities run in registration order.
/// </summary>
public static partial class PriorityDemo
{
    /// <summary>Priority 100 at epoch start: runs before anything else there.</summary>
    [Callback(Priority = 100)]
    public sealed partial class First(TextWriter output)
    {
        [OnTrainEpochStart]
        private void Announce(int epoch)
        {
            if (epoch == 0)
            {
                output.WriteLine("  [priority 100] First runs first at epoch start");
            }
        }
    }

    /// <summary>Class priority 50, but its epoch-start hook overrides it with -5.</summary>
    [Callback(Priority = 50)]
    public sealed partial class Second(TextWriter output)
    {
        [OnTrainEpochStart(Priority = -5)]
        private void Announce(int epoch)
        {
            if (epoch == 0)
            {
                output.WriteLine("  [priority -5]  Second runs after it");
            }
        }
    }
}
