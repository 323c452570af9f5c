using System;

namespace DreamTrainer;

/// <summary>Argument checks every <see cref="IProcessGroup"/> shares.</summary>
internal static class ProcessGroupChecks
{
    public static void Check(ReduceOperation operation)
    {
        if ((uint)operation > (uint)ReduceOperation.Min)
        {
            throw new ArgumentOutOfRangeException(nameof(operation), operation, $"operation must be Sum, Max or Min; it was {(int)operation}.");
        }
    }

    public static void CheckRoot(int root, int worldSize)
    {
        if ((uint)root >= (uint)worldSize)
        {
            throw new ArgumentOutOfRangeException(nameof(root), root, $"root must be a rank between 0 and {worldSize - 1}; it was {root}.");
        }
    }
}
