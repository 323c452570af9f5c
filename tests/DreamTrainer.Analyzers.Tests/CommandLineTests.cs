using System;
using System.IO;
using System.Reflection;
using DreamTrainer.Tests.Common;
using Xunit;

namespace DreamTrainer.Analyzers.Tests;

/// <summary>The diagnostics reach the command line, not only unit tests: `dotnet build` prints every id.</summary>
public class CommandLineTests
{
    [Fact]
    public void Dotnet_build_of_the_smoke_project_prints_every_rule_id()
    {
        string root = TestProcess.RepositoryRoot();
        string project = Path.Combine(root, "tests", "AnalyzerSmoke", "AnalyzerSmoke.csproj");

        // The solution build has already built the analyzers, in this test assembly's configuration;
        // do not rebuild shared projects concurrently, and look for their output where it is.
        string configuration = typeof(CommandLineTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        (int exitCode, string output) = TestProcess.Run("dotnet", $"build \"{project}\" -c {configuration} -nologo -p:BuildProjectReferences=false -nodeReuse:false", root);

        Assert.NotEqual(0, exitCode);
        foreach (string id in new[] { "DT0101", "DT0102", "DT0103", "DT0104", "DT0105", "DT0106", "DT0107", "DT0201", "DT0301", "DT0401" })
        {
            Assert.True(output.Contains(id + ":", StringComparison.Ordinal), $"{id} missing from the build output:\n{output}");
        }

        Assert.DoesNotContain("AD0001", output, StringComparison.Ordinal);
    }
}
