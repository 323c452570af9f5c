using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.CodeAnalysis;
using Xunit;
using Xunit.Sdk;

namespace DreamTrainer.Generators.Tests.Infrastructure;

/// <summary>
/// Snapshot checks after Verify.SourceGenerators' conventions: each generated file is compared with
/// <c>Snapshots/{Class}.{Test}#{HintName}.verified.cs</c> beside the test. A mismatch (or a missing
/// snapshot) writes <c>*.received.cs</c> next to it and fails with a line diff. Nothing is ever
/// accepted automatically: review the received file and rename it to <c>.verified.cs</c>.
/// </summary>
internal static class Snapshot
{
    public static void VerifyGenerated(GeneratorDriverRunResult result, [CallerFilePath] string testFile = "", [CallerMemberName] string test = "")
    {
        Assert.All(result.Results, r => Assert.Null(r.Exception));
        var sources = result.Results.SelectMany(r => r.GeneratedSources).OrderBy(s => s.HintName, StringComparer.Ordinal).ToList();
        Assert.NotEmpty(sources);
        string directory = Path.Combine(ProjectDirectory, "Snapshots");
        string prefix = $"{Path.GetFileNameWithoutExtension(testFile)}.{test}";
        var failures = new List<string>();
        var expectedFiles = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            string path = Path.Combine(directory, $"{prefix}#{source.HintName.Replace(".g.cs", string.Empty, StringComparison.Ordinal)}.verified.cs");
            expectedFiles.Add(Path.GetFileName(path));
            string actual = source.SourceText.ToString();
            if (Check(path, actual) is { } failure)
            {
                failures.Add(failure);
            }
        }

        foreach (string stale in Directory.Exists(directory) ? Directory.GetFiles(directory, prefix + "#*.verified.cs") : Array.Empty<string>())
        {
            if (!expectedFiles.Contains(Path.GetFileName(stale)))
            {
                failures.Add($"{Path.GetFileName(stale)} is verified but the generator no longer produces it.");
            }
        }

        if (failures.Count > 0)
        {
            throw new XunitException(string.Join("\n\n", failures));
        }
    }

    /// <summary>The test project's folder, recorded at build time (source paths are mapped in CI builds).</summary>
    private static string ProjectDirectory =>
        typeof(Snapshot).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ProjectDirectory").Value!;

    private static string? Check(string verifiedPath, string actual)
    {
        string receivedPath = verifiedPath.Replace(".verified.cs", ".received.cs", StringComparison.Ordinal);
        if (!File.Exists(verifiedPath))
        {
            File.WriteAllText(receivedPath, actual);
            return $"No snapshot {Path.GetFileName(verifiedPath)}; wrote {Path.GetFileName(receivedPath)}. Review it and rename it to .verified.cs.";
        }

        string expected = File.ReadAllText(verifiedPath).Replace("\r\n", "\n", StringComparison.Ordinal);
        if (expected == actual)
        {
            if (File.Exists(receivedPath))
            {
                File.Delete(receivedPath);
            }

            return null;
        }

        File.WriteAllText(receivedPath, actual);
        return $"{Path.GetFileName(verifiedPath)} differs; wrote {Path.GetFileName(receivedPath)}.\n{Diff(expected, actual)}";
    }

    private static string Diff(string expected, string actual)
    {
        string[] left = expected.Split('\n');
        string[] right = actual.Split('\n');
        var text = new StringBuilder();
        int max = Math.Max(left.Length, right.Length);
        int shown = 0;
        for (int i = 0; i < max && shown < 40; i++)
        {
            string? l = i < left.Length ? left[i] : null;
            string? r = i < right.Length ? right[i] : null;
            if (l == r)
            {
                continue;
            }

            shown++;
            if (l is not null)
            {
                text.Append("  line ").Append(i + 1).Append(" - ").AppendLine(l);
            }

            if (r is not null)
            {
                text.Append("  line ").Append(i + 1).Append(" + ").AppendLine(r);
            }
        }

        return text.ToString();
    }
}
