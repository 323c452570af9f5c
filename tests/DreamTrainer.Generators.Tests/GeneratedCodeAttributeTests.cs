using System.Linq;
using DreamTrainer.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace DreamTrainer.Generators.Tests;

/// <summary>
/// Issue 11, defect 3: a partial class that already carries <c>[GeneratedCode]</c> (a resource
/// designer's <c>Strings</c> class) got a second one from the generator: CS0579. The attribute now
/// marks only the generated members, as the BCL's generators (Regex, LoggerMessage) do.
/// </summary>
public class GeneratedCodeAttributeTests
{
    private const string Designer = """
        // A resource designer's half of the class.
        namespace Resources
        {
            [global::System.CodeDom.Compiler.GeneratedCodeAttribute("System.Resources.Tools.StronglyTypedResourceBuilder", "17.0.0.0")]
            [global::System.Diagnostics.DebuggerNonUserCodeAttribute()]
            public partial class Strings
            {
                internal static string Greeting => "hello";
            }

            [global::System.CodeDom.Compiler.GeneratedCode("Designer", "1.0")]
            public partial class Steps
            {
            }
        }
        """;

    private const string UserHalf = """
        using DreamTrainer;

        namespace Resources
        {
            public partial class Strings
            {
                [OnTrainStart] void Start(TrainerContext trainer) => trainer.Log(Greeting.Length.ToString(), 1);
            }

            [CallbackPipeline]
            public partial class Steps
            {
                public Strings Strings { get; } = new();
            }
        }
        """;

    [Fact]
    public void A_class_that_already_carries_GeneratedCode_compiles_with_its_generated_part()
    {
        (Compilation output, GeneratorDriverRunResult result) = TestCompilation.Generate(TestCompilation.Create(Designer, UserHalf));

        Assert.All(result.Results, r => Assert.Null(r.Exception));
        Assert.Equal(2, result.GeneratedTrees.Length);
        Assert.Empty(TestCompilation.Problems(output));
    }

    [Fact]
    public void Only_the_generated_members_are_marked_generated_never_the_users_type()
    {
        // In metadata the partial type is one type: the attribute on it would describe the user's
        // hand-written members as generated too, to every tool that reads it (coverage filters).
        (Compilation output, _) = TestCompilation.Generate(TestCompilation.Create(UserHalf));
        INamedTypeSymbol strings = output.GetTypeByMetadataName("Resources.Strings")!;

        Assert.DoesNotContain(strings.GetAttributes(), IsGeneratedCode);
        Assert.DoesNotContain(strings.GetMembers("Start").Single().GetAttributes(), IsGeneratedCode);
        var generated = strings.GetMembers().Where(IsExplicitImplementation).ToList();
        Assert.NotEmpty(generated);
        Assert.All(generated, member => Assert.Contains(member.GetAttributes(), IsGeneratedCode));
    }

    private static bool IsExplicitImplementation(ISymbol member) => member switch
    {
        IMethodSymbol method => method.ExplicitInterfaceImplementations.Length > 0 && method.AssociatedSymbol is null,
        IPropertySymbol property => property.ExplicitInterfaceImplementations.Length > 0,
        _ => false,
    };

    private static bool IsGeneratedCode(AttributeData attribute) => attribute.AttributeClass?.Name == "GeneratedCodeAttribute";
}
