using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace DreamTrainer.Generators.Tests.Infrastructure;

/// <summary>Builds compilations of test sources against the running framework and the DreamTrainer runtime.</summary>
internal static class TestCompilation
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal)
                || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll" or "Microsoft.Extensions.Logging.Abstractions.dll")
            .ToList();
        paths.Add(typeof(ICallback).Assembly.Location);
        return paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    });

    public static CSharpCompilation Create(params string[] sources) => CreateNamed("Tests", sources);

    public static CSharpCompilation CreateNamed(string assemblyName, params string[] sources) =>
        CreateFiles(assemblyName, sources.Select((s, i) => ($"Source{i}.cs", s)));

    /// <summary>A compilation of files with their own paths (a path ending in <c>.g.cs</c> is generated code).</summary>
    public static CSharpCompilation CreateFiles(string assemblyName, IEnumerable<(string Path, string Text)> files) =>
        CSharpCompilation.Create(
            assemblyName,
            files.Select(file => CSharpSyntaxTree.ParseText(file.Text, ParseOptions, path: file.Path)),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, warningLevel: 9999)
                .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic> { ["CS1591"] = ReportDiagnostic.Suppress }));

    /// <summary>Runs the generator over <paramref name="compilation"/>, parsing what it adds with <paramref name="parseOptions"/> (default: <see cref="ParseOptions"/>).</summary>
    public static (Compilation Output, GeneratorDriverRunResult Result) Generate(Compilation compilation, CSharpParseOptions? parseOptions = null)
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            new[] { new CallbackGenerator().AsSourceGenerator() },
            parseOptions: parseOptions ?? ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);
        return (output, driver.GetRunResult());
    }

    /// <summary>Generates, compiles, asserts no warning or error, and loads the assembly.</summary>
    public static Assembly GenerateAndLoad(params string[] sources)
    {
        (Compilation output, GeneratorDriverRunResult result) = Generate(CreateNamed("Gen" + Guid.NewGuid().ToString("N"), sources));
        if (result.Results.Any(r => r.Exception is not null))
        {
            throw new InvalidOperationException("The generator threw: " + string.Join("; ", result.Results.Select(r => r.Exception)));
        }

        using var stream = new MemoryStream();
        var emit = output.Emit(stream);
        var problems = emit.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        if (!emit.Success || problems.Count > 0)
        {
            throw new InvalidOperationException("Compilation failed:\n" + string.Join("\n", problems));
        }

        return Assembly.Load(stream.ToArray());
    }

    /// <summary>Errors and warnings of the compilation after generation.</summary>
    public static IReadOnlyList<Diagnostic> Problems(Compilation output) =>
        output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
}
