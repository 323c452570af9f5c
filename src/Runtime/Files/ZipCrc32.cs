using System;

namespace DreamTrainer;

/// <summary>
/// The CRC-32 a zip entry header stores (IEEE polynomial, reflected). .NET's zip reader does not
/// check it, so a bit flipped in a compressed model would load silently; the checkpoint reader
/// checks it while the entry streams. (TensorBoard's framing uses CRC-32C, another polynomial,
/// which the CPU computes; this one has no instruction in the base library.)
/// </summary>
internal static class ZipCrc32
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>Continues a CRC over <paramref name="data"/>; start from 0.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        uint value = ~crc;
        uint[] table = Table;
        foreach (byte b in data)
        {
            value = table[(value ^ b) & 0xFF] ^ (value >> 8);
        }

        return ~value;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
