using DreamTrainer.Generators.Helpers;

namespace DreamTrainer.Generators.Models;

/// <summary>A type declaration the generated partial must repeat: keyword, name and type parameters.</summary>
/// <param name="Keyword">"class", "record" or "struct".</param>
/// <param name="Name">The simple name.</param>
/// <param name="TypeParameters">"" or "&lt;T, U&gt;".</param>
internal sealed record TypeDeclaration(string Keyword, string Name, string TypeParameters);

/// <summary>Where a generated partial goes: its namespace, the types around it, and itself.</summary>
/// <param name="Namespace">The namespace, or null for the global namespace.</param>
/// <param name="Containers">Outer types, outermost first.</param>
/// <param name="Type">The type itself.</param>
/// <param name="FullName">The full display name, e.g. <c>Samples.Outer.LossMonitor</c>.</param>
/// <param name="HintName">The file name stem, unique per type.</param>
internal sealed record TypeScope(string? Namespace, EquatableArray<TypeDeclaration> Containers, TypeDeclaration Type, string FullName, string HintName);
