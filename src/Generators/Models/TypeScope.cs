using DreamTrainer.Generators.Helpers;

namespace DreamTrainer.Generators.Models;

/// <summary>A type declaration the generated partial must repeat: keyword, name and type parameters.</summary>
/// <param name="Keyword">"class", "record" or "struct".</param>
/// <param name="Name">The simple name, escaped with <c>@</c> when it is a keyword.</param>
/// <param name="TypeParameters">"" or "&lt;T, U&gt;".</param>
internal sealed record TypeDeclaration(string Keyword, string Name, string TypeParameters);

/// <summary>Where a generated partial goes: its namespace, the types around it, and itself.</summary>
/// <param name="Namespace">The namespace, or null for the global namespace.</param>
/// <param name="Containers">Outer types, outermost first.</param>
/// <param name="Type">The type itself.</param>
/// <param name="FullName">The full display name, e.g. <c>Samples.Outer.LossMonitor</c>.</param>
/// <param name="MetadataName">
/// The type's identity, unique in a compilation and case-sensitive: <c>Samples.Outer+Inner`1</c>.
/// </param>
/// <param name="FileStem">
/// The generated file's name without its suffix: <c>Samples.Outer.Inner_1</c>, made unique under
/// case-insensitive comparison by <see cref="HintNames"/>.
/// </param>
internal sealed record TypeScope(
    string? Namespace,
    EquatableArray<TypeDeclaration> Containers,
    TypeDeclaration Type,
    string FullName,
    string MetadataName,
    string FileStem);

/// <summary>A model the generator writes one file for: it lives in a type scope.</summary>
/// <typeparam name="TSelf">The model type itself.</typeparam>
internal interface IGeneratedType<TSelf>
    where TSelf : IGeneratedType<TSelf>
{
    /// <summary>Where the generated partial goes.</summary>
    TypeScope Scope { get; }

    /// <summary>The same model in another scope (a renamed file).</summary>
    TSelf WithScope(TypeScope scope);
}
