using System;
using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace DreamTrainer.TorchSharp;

/// <summary>Device selection and host-to-device copies.</summary>
public static class Devices
{
    // Tensor.to(DeviceType, int, bool copy, bool disposeAfter, bool non_blocking): TorchSharp 0.101 and later; 0.99 copies blocking only.
    private static readonly Func<Tensor, DeviceType, int, bool, bool, bool, Tensor>? NonBlockingTo = BindNonBlockingTo();

    /// <summary>CUDA when a GPU and CUDA build of libtorch are available, else the CPU.</summary>
    /// <returns>The device.</returns>
    public static Device Best() => cuda.is_available() ? device(DeviceType.CUDA) : CPU;

    /// <summary>Whether this TorchSharp can copy host memory to a GPU without waiting (<c>non_blocking</c>).</summary>
    public static bool CanCopyWithoutBlocking => NonBlockingTo is not null;

    /// <summary>
    /// Copies a host tensor to <paramref name="device"/>. To a GPU, with a TorchSharp that has
    /// <c>non_blocking</c>, the tensor is pinned and copied without waiting for the device (the copy
    /// queues behind the work already queued); otherwise the copy waits (a device synchronization).
    /// On the CPU nothing is copied: <paramref name="host"/> itself is returned.
    /// </summary>
    /// <param name="host">A tensor in host memory.</param>
    /// <param name="device">The target device.</param>
    /// <param name="blocking">True when the copy waited for the device.</param>
    /// <returns>The tensor on <paramref name="device"/>.</returns>
    public static Tensor ToDevice(Tensor host, Device device, out bool blocking)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(device);
        blocking = false;
        if (IsOn(host, device))
        {
            return host;
        }

        if (device.type == DeviceType.CUDA && NonBlockingTo is { } copy)
        {
            return copy(host.pin_memory(), device.type, device.index, false, false, true);
        }

        blocking = device.type != DeviceType.META;
        return TensorOps.To(host, device);
    }

    /// <summary>Whether <paramref name="tensor"/> is on <paramref name="device"/> (a device without an index matches any index of its type).</summary>
    internal static bool IsOn(Tensor tensor, Device device) =>
        tensor.device_type == device.type && (device.index < 0 || tensor.device_index == device.index);

    private static Func<Tensor, DeviceType, int, bool, bool, bool, Tensor>? BindNonBlockingTo()
    {
        MethodInfo? to = typeof(Tensor).GetMethod("to", BindingFlags.Public | BindingFlags.Instance, new[] { typeof(DeviceType), typeof(int), typeof(bool), typeof(bool), typeof(bool) });
        return to is not null && to.GetParameters()[4].Name == "non_blocking" && to.ReturnType == typeof(Tensor)
            ? to.CreateDelegate<Func<Tensor, DeviceType, int, bool, bool, bool, Tensor>>()
            : null;
    }
}
