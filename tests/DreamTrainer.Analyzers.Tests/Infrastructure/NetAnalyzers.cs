using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DreamTrainer.Analyzers.Tests.Infrastructure;

/// <summary>
/// The real .NET analyzers (Microsoft.CodeAnalysis.NetAnalyzers, copied next to the tests), loaded
/// from their files as an IDE or the compiler loads them.
/// </summary>
internal static class NetAnalyzers
{
    private static readonly Lazy<ImmutableArray<DiagnosticAnalyzer>> Loaded = new(() =>
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "NetAnalyzers");
        var loader = new FileLoader();
        return Directory.GetFiles(folder, "*.dll")
            .SelectMany(path => new AnalyzerFileReference(path, loader).GetAnalyzers(LanguageNames.CSharp))
            .ToImmutableArray();
    });

    /// <summary>The analyzers that report <paramref name="id"/>.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> Reporting(string id)
    {
        ImmutableArray<DiagnosticAnalyzer> found = Loaded.Value.Where(a => a.SupportedDiagnostics.Any(d => d.Id == id)).ToImmutableArray();
        if (found.IsEmpty)
        {
            throw new InvalidOperationException($"No analyzer for {id} in {Path.Combine(AppContext.BaseDirectory, "NetAnalyzers")}.");
        }

        return found;
    }

    private sealed class FileLoader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
    }
}
