using System;
using System.Buffers.Binary;
using System.Numerics;

namespace DreamTrainer.TensorBoard;

/// <summary>
/// CRC-32C (Castagnoli) as TFRecord framing uses it, masked so that a CRC stored next to the data
/// it covers does not checksum to a fixed value. <see cref="BitOperations.Crc32C(uint, ulong)"/>
/// uses the CPU's CRC instruction where there is one.
/// </summary>
internal static class Crc32C
{
    private const uint MaskDelta = 0xa282ead8u;

    /// <summary>The CRC-32C of <paramref name="data"/> (initial value and final XOR 0xFFFFFFFF).</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = uint.MaxValue;
        while (data.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        foreach (byte value in data)
        {
            crc = BitOperations.Crc32C(crc, value);
        }

        return ~crc;
    }

    /// <summary>The masked CRC a TFRecord stores: rotate right by 15, add a constant.</summary>
    public static uint Masked(ReadOnlySpan<byte> data)
    {
        uint crc = Compute(data);
        return ((crc >> 15) | (crc << 17)) + MaskDelta;
    }
}
