using System;
using System.Collections.Generic;
using DreamTrainer.Contract;

namespace DreamTrainer.Analyzers.Rules;

/// <summary>
/// The names a ported callback uses for hooks — Keras' and Lightning's (<c>on_epoch_end</c>), the
/// same in C# casing (<c>OnEpochEnd</c>), and ours without the attribute (<c>OnTrainEpochEnd</c>) —
/// mapped to the catalogue's hooks. Underscores and case do not matter.
/// </summary>
internal static class HookNames
{
    private static readonly Dictionary<string, HookDefinition> ByName = Build();

    /// <summary>The hook <paramref name="name"/> stands for, or null.</summary>
    public static HookDefinition? Find(string name) => ByName.TryGetValue(Normalize(name), out HookDefinition? hook) ? hook : null;

    /// <summary>The hook an attribute name stands for (with or without the <c>Attribute</c> suffix), or null.</summary>
    public static HookDefinition? FindAttribute(string name) =>
        Find(name.EndsWith("Attribute", StringComparison.Ordinal) && name.Length > "Attribute".Length ? name.Substring(0, name.Length - "Attribute".Length) : name);

    private static string Normalize(string name) => name.Replace("_", string.Empty).ToLowerInvariant();

    private static Dictionary<string, HookDefinition> Build()
    {
        var names = new Dictionary<string, HookDefinition>(StringComparer.Ordinal);
        foreach (HookDefinition hook in HookCatalog.All)
        {
            Add(names, hook.MethodName, hook);
            foreach (string peer in hook.PeerNames)
            {
                Add(names, peer, hook);
            }
        }

        return names;
    }

    private static void Add(Dictionary<string, HookDefinition> names, string name, HookDefinition hook)
    {
        string key = Normalize(name);
        if (names.TryGetValue(key, out HookDefinition? other) && other != hook)
        {
            throw new InvalidOperationException($"The hook catalogue names both {other.MethodName} and {hook.MethodName} '{name}'.");
        }

        names[key] = hook;
    }
}
