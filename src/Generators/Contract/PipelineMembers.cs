// Which members of a [CallbackPipeline] class are callbacks it calls, and which are pipelines nested
// in it. Linked into the generator and the analyzers, so both read a pipeline the same way.

using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace DreamTrainer.Contract
{
    internal static class PipelineMembers
    {
        /// <summary>The members of <paramref name="container"/> that can hold a callback: instance fields and readable properties.</summary>
        public static IEnumerable<(ISymbol Member, ITypeSymbol Type)> Candidates(INamedTypeSymbol container)
        {
            foreach (ISymbol member in container.GetMembers())
            {
                ITypeSymbol? memberType = member switch
                {
                    IFieldSymbol { IsStatic: false, IsImplicitlyDeclared: false, IsConst: false } field => field.Type,
                    IPropertySymbol { IsStatic: false, IsIndexer: false, GetMethod: not null } property => property.Type,
                    _ => null,
                };
                if (memberType is not null)
                {
                    yield return (member, memberType);
                }
            }
        }

        /// <summary>True for a class marked <c>[CallbackPipeline]</c>.</summary>
        public static bool IsPipeline(INamedTypeSymbol type)
        {
            foreach (AttributeData attribute in type.GetAttributes())
            {
                if (attribute.AttributeClass is not null && HookBinder.MetadataName(attribute.AttributeClass) == HookCatalog.CallbackPipelineAttributeMetadataName)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// True for a <c>[CallbackPipeline]</c> class declared in this compilation: an enclosing pipeline
        /// calls its members directly, in one priority order with its own. (A pipeline compiled elsewhere
        /// is called as one callback: its private members are out of sight.)
        /// </summary>
        public static bool IsSourcePipeline(ITypeSymbol type) =>
            type is INamedTypeSymbol { TypeKind: TypeKind.Class } named && named.DeclaringSyntaxReferences.Length > 0 && IsPipeline(named);
    }
}
