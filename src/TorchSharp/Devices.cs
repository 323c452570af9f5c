using static TorchSharp.torch;

namespace DreamTrainer.TorchSharp;

/// <summary>Device selection.</summary>
public static class Devices
{
    /// <summary>CUDA when a GPU and CUDA build of libtorch are available, else the CPU.</summary>
    /// <returns>The device.</returns>
    public static Device Best() => cuda.is_available() ? CUDA : CPU;
}
