using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace DreamTrainer.TorchSharp.Tests;

/// <summary>
/// The package is built against one TorchSharp and runs against the user's (its dependency says
/// 0.105.2 or later). A call names the exact signature it was compiled against, and TorchSharp adds
/// optional parameters between versions (<c>Tensor.to(Device)</c> in 0.99, <c>to(Device, bool,
/// bool, bool)</c> in 0.105): such a call compiles against either and fails with
/// <see cref="MissingMethodException"/> on the other. These tests read the adapter's compiled
/// references to TorchSharp and look each one up in TorchSharp assemblies' metadata: the one these
/// tests run against, and each one listed in <c>DT_TORCHSHARP_COMPAT</c> (paths separated by the
/// system's path separator; only its metadata is read, so a TorchSharp built without its native
/// library will do).
/// </summary>
public sealed class ApiCompatibilityTests
{
    [Fact]
    public void EveryTorchSharpMemberTheAdapterCallsExistsInEveryTorchSharpChecked()
    {
        string adapter = typeof(TorchSharpModule<>).Assembly.Location;
        var references = MetadataSignatures.References(adapter, "TorchSharp");
        Assert.True(references.Count > 50, $"Expected the adapter's references to TorchSharp, found {references.Count}.");

        var assemblies = new List<string> { typeof(Tensor).Assembly.Location };
        assemblies.AddRange((Environment.GetEnvironmentVariable("DT_TORCHSHARP_COMPAT") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var failures = new List<string>();
        foreach (string assembly in assemblies)
        {
            Assert.True(File.Exists(assembly), $"DT_TORCHSHARP_COMPAT names '{assembly}', which does not exist.");
            var defined = MetadataSignatures.Definitions(assembly);
            string[] missing = references.Where(reference => !defined.Contains(reference)).ToArray();
            if (missing.Length > 0)
            {
                failures.Add($"{assembly} ({MetadataSignatures.Version(assembly)}) lacks:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", missing)}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void TheCallsBoundAcrossVersionsDoWhatTheDirectCallsDo()
    {
        using var scope = NewDisposeScope();
        Tensor single = tensor(new float[] { 1.5f, -2f });
        Tensor wide = TensorOps.ToType(single, ScalarType.Float64, false);
        Assert.Equal(ScalarType.Float64, wide.dtype);
        Assert.Equal(new[] { 1.5, -2.0 }, wide.data<double>().ToArray());

        // copy: true gives storage of its own even when the type is already right.
        Tensor copy = TensorOps.ToType(wide, ScalarType.Float64, true);
        copy.add_(1);
        Assert.Equal(new[] { 1.5, -2.0 }, wide.data<double>().ToArray());

        Assert.Equal(DeviceType.META, TensorOps.To(single, torch.device(DeviceType.META)).device_type);

        using var norm = nn.BatchNorm1d(3);
        Assert.Equal(3, TensorOps.Buffers(norm, true).Count());

        using var model = nn.Linear(2, 2);
        Assert.Same(model, TensorOps.MoveModule(model, torch.device(DeviceType.META)));
        Assert.All(model.parameters(), parameter => Assert.Equal(DeviceType.META, parameter.device_type));
    }

    [Fact]
    public void AMethodNoVersionHasFailsWithItsName()
    {
        var failure = Assert.Throws<MissingMemberException>(() =>
            TensorOps.BindWithDefaults<Func<Tensor, Device, Tensor>>(typeof(Tensor), "to_nowhere", typeof(Device)));
        Assert.Contains("Tensor.to_nowhere(Device", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>Members as text, the same for a reference and for the definition it resolves to.</summary>
    private static class MetadataSignatures
    {
        public static string Version(string path)
        {
            using var pe = new PEReader(File.OpenRead(path));
            return pe.GetMetadataReader().GetAssemblyDefinition().Version.ToString();
        }

        /// <summary>The methods and fields that <paramref name="path"/> references on types of the assembly <paramref name="target"/>.</summary>
        public static IReadOnlyList<string> References(string path, string target)
        {
            using var pe = new PEReader(File.OpenRead(path));
            MetadataReader md = pe.GetMetadataReader();
            var provider = new Names();
            var found = new SortedSet<string>(StringComparer.Ordinal);
            foreach (MemberReferenceHandle handle in md.MemberReferences)
            {
                MemberReference member = md.GetMemberReference(handle);
                if (OwnerIn(md, member.Parent, target, provider) is not { } owner)
                {
                    continue;
                }

                found.Add(member.GetKind() == MemberReferenceKind.Method
                    ? Method(owner, md.GetString(member.Name), member.DecodeMethodSignature(provider, 0))
                    : $"{owner}::{member.DecodeFieldSignature(provider, 0)} {md.GetString(member.Name)}");
            }

            return found.ToArray();
        }

        /// <summary>Every method and field <paramref name="path"/> defines.</summary>
        public static HashSet<string> Definitions(string path)
        {
            using var pe = new PEReader(File.OpenRead(path));
            MetadataReader md = pe.GetMetadataReader();
            var provider = new Names();
            var defined = new HashSet<string>(StringComparer.Ordinal);
            foreach (TypeDefinitionHandle type in md.TypeDefinitions)
            {
                string owner = provider.GetTypeFromDefinition(md, type, 0);
                TypeDefinition definition = md.GetTypeDefinition(type);
                foreach (MethodDefinitionHandle handle in definition.GetMethods())
                {
                    MethodDefinition method = md.GetMethodDefinition(handle);
                    defined.Add(Method(owner, md.GetString(method.Name), method.DecodeSignature(provider, 0)));
                }

                foreach (FieldDefinitionHandle handle in definition.GetFields())
                {
                    FieldDefinition field = md.GetFieldDefinition(handle);
                    defined.Add($"{owner}::{field.DecodeSignature(provider, 0)} {md.GetString(field.Name)}");
                }
            }

            return defined;
        }

        private static string Method(string owner, string name, MethodSignature<string> signature) =>
            $"{owner}::{signature.ReturnType} {name}`{signature.GenericParameterCount}({string.Join(", ", signature.ParameterTypes)})";

        /// <summary>
        /// The type a member reference belongs to, when it is defined in <paramref name="target"/>:
        /// a type, or an instantiation of a generic one (<c>TensorAccessor&lt;float&gt;</c>), named open,
        /// as its definition is (the member's signature speaks of its type parameters).
        /// </summary>
        private static string? OwnerIn(MetadataReader md, EntityHandle parent, string target, Names provider)
        {
            if (parent.Kind == HandleKind.TypeSpecification)
            {
                BlobReader blob = md.GetBlobReader(md.GetTypeSpecification((TypeSpecificationHandle)parent).Signature);
                if (blob.ReadSignatureTypeCode() != SignatureTypeCode.GenericTypeInstance)
                {
                    return null;
                }

                blob.ReadCompressedInteger();
                parent = blob.ReadTypeHandle();
            }

            return parent.Kind == HandleKind.TypeReference && AssemblyOf(md, (TypeReferenceHandle)parent) == target
                ? provider.GetTypeFromReference(md, (TypeReferenceHandle)parent, 0)
                : null;
        }

        private static string? AssemblyOf(MetadataReader md, TypeReferenceHandle handle)
        {
            EntityHandle scope = md.GetTypeReference(handle).ResolutionScope;
            return scope.Kind switch
            {
                HandleKind.AssemblyReference => md.GetString(md.GetAssemblyReference((AssemblyReferenceHandle)scope).Name),
                HandleKind.TypeReference => AssemblyOf(md, (TypeReferenceHandle)scope),
                _ => null,
            };
        }
    }

    /// <summary>Type names as text: namespace, nesting with '+', generic arguments in brackets.</summary>
    private sealed class Names : ISignatureTypeProvider<string, int>
    {
        public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[" + new string(',', shape.Rank - 1) + "]";

        public string GetByReferenceType(string elementType) => elementType + "&";

        public string GetFunctionPointerType(MethodSignature<string> signature) => "method " + signature.ReturnType + "(" + string.Join(", ", signature.ParameterTypes) + ")";

        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => genericType + "<" + string.Join(",", typeArguments) + ">";

        public string GetGenericMethodParameter(int genericContext, int index) => "!!" + index;

        public string GetGenericTypeParameter(int genericContext, int index) => "!" + index;

        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType + (isRequired ? " modreq(" : " modopt(") + modifier + ")";

        public string GetPinnedType(string elementType) => elementType + " pinned";

        public string GetPointerType(string elementType) => elementType + "*";

        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();

        public string GetSZArrayType(string elementType) => elementType + "[]";

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            TypeDefinition type = reader.GetTypeDefinition(handle);
            TypeDefinitionHandle outer = type.GetDeclaringType();
            return (outer.IsNil ? reader.GetString(type.Namespace) + "." : GetTypeFromDefinition(reader, outer, rawTypeKind) + "+") + reader.GetString(type.Name);
        }

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
        {
            TypeReference type = reader.GetTypeReference(handle);
            return (type.ResolutionScope.Kind == HandleKind.TypeReference
                ? GetTypeFromReference(reader, (TypeReferenceHandle)type.ResolutionScope, rawTypeKind) + "+"
                : reader.GetString(type.Namespace) + ".") + reader.GetString(type.Name);
        }

        public string GetTypeFromSpecification(MetadataReader reader, int genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);
    }
}
