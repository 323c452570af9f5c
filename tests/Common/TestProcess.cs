using System;
using System.Diagnostics;
using System.IO;

namespace DreamTrainer.Tests.Common;

/// <summary>Runs the dotnet CLI from tests that check what users see on the command line (linked into those test projects).</summary>
internal static class TestProcess
{
    /// <summary>The repository root: the folder holding DreamTrainer.Generators.sln above the test binaries.</summary>
    public static string RepositoryRoot()
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

    /// <summary>Runs a command and returns its exit code and combined output; fails after a time limit.</summary>
    public static (int ExitCode, string Output) Run(string command, string arguments, string workingDirectory, TimeSpan? limit = null)
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
        TimeSpan timeout = limit ?? TimeSpan.FromMinutes(8);
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} {arguments} did not finish in {timeout.TotalMinutes} minutes.");
        }

        return (process.ExitCode, output.Result + error.Result);
    }
}
