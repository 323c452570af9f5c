using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Threading;
using DreamTrainer.Generators.Models;

namespace DreamTrainer.Generators.Helpers;

/// <summary>
/// Gives every generated type one file whose name no other file shares. The compiler compares
/// generated file names case-insensitively (a second <c>AddSource</c> of <c>Vision.augment</c> after
/// <c>Vision.Augment</c> fails the whole generator with CS8785), and the readable stem also folds
/// <c>Outer+Inner</c> into <c>Outer.Inner</c> and <c>Box`1</c> into <c>Box_1</c>. So the types whose
/// stems collide that way each get a suffix hashed from their exact, case-sensitive identity:
/// <c>Vision.augment-5c1d0e2f</c>. Everything else keeps its readable name. A type's file name
/// depends only on its own name and on whether another type's stem equals it, never on
/// declaration or file order.
/// </summary>
internal static class HintNames
{
    /// <summary>
    /// One model per type (a type is found once per trigger; the first found wins, and all are
    /// equal), sorted by identity, with file stems unique under case-insensitive comparison.
    /// </summary>
    public static EquatableArray<T> OnePerType<T>(ImmutableArray<T> models, CancellationToken cancellationToken)
        where T : IGeneratedType<T>, IEquatable<T>
    {
        var byType = new SortedDictionary<string, T>(StringComparer.Ordinal);
        var stems = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (T model in models)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!byType.ContainsKey(model.Scope.MetadataName))
            {
                byType.Add(model.Scope.MetadataName, model);
                stems[model.Scope.FileStem] = stems.TryGetValue(model.Scope.FileStem, out int count) ? count + 1 : 1;
            }
        }

        // Hashed stems contain '-', which no readable stem does, so they never meet a readable one;
        // two of them meet only on a 32-bit hash collision inside one group, settled by a counter.
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var result = new List<T>(byType.Count);
        foreach (T model in byType.Values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TypeScope scope = model.Scope;
            if (stems[scope.FileStem] == 1)
            {
                taken.Add(scope.FileStem);
                result.Add(model);
                continue;
            }

            string stem = scope.FileStem + "-" + Fnv1a(scope.MetadataName).ToString("x8", CultureInfo.InvariantCulture);
            string unique = stem;
            for (int n = 2; !taken.Add(unique); n++)
            {
                unique = stem + "-" + n.ToString(CultureInfo.InvariantCulture);
            }

            result.Add(model.WithScope(scope with { FileStem = unique }));
        }

        return result.ToEquatableArray();
    }

    /// <summary>32-bit FNV-1a over the UTF-16 code units: stable across processes and platforms, unlike string.GetHashCode.</summary>
    private static uint Fnv1a(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text)
        {
            hash = unchecked((hash ^ c) * 16777619);
        }

        return hash;
    }
}
