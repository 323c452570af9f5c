using System;
using System.Diagnostics;
using System.IO;
using Xunit;

namespace DreamTrainer.Analyzers.Tests;

/// <summary>The diagnostics reach the command line, not only unit tests: `dotnet build` prints every id.</summary>
public class CommandLineTests
{
    [Fact]
    public void Dotnet_build_of_the_smoke_project_prints_every_rule_id()
    {
        string root = RepositoryRoot();
        string project = Path.Combine(root, "tests", "AnalyzerSmoke", "AnalyzerSmoke.csproj");

        // The solution build has already built the analyzers; do not rebuild shared projects concurrently.
        (int exitCode, string output) = Run("dotnet", $"build \"{project}\" -nologo -p:BuildProjectReferences=false -nodeReuse:false", root);

        Assert.NotEqual(0, exitCode);
        foreach (string id in new[] { "DT0101", "DT0102", "DT0103", "DT0104", "DT0105", "DT0106", "DT0201", "DT0301", "DT0401" })
        {
            Assert.True(output.Contains(id + ":", StringComparison.Ordinal), $"{id} missing from the build output:\n{output}");
        }

        Assert.DoesNotContain("AD0001", output, StringComparison.Ordinal);
    }

    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "DreamTrainer.Generators.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("DreamTrainer.Generators.sln not found above " + AppContext.BaseDirectory);
    }

    internal static (int ExitCode, string Output) Run(string command, string arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(command, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using Process process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} {arguments} did not finish in 5 minutes.");
        }

        return (process.ExitCode, output.Result + error.Result);
    }
}
