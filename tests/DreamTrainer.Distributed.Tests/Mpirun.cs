using System;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace DreamTrainer.Distributed.Tests;

/// <summary>What an mpirun job left: its exit code, its output (each line tagged <c>[job,rank]&lt;stdout&gt;:</c>), and how long it took.</summary>
/// <param name="ExitCode">mpirun's exit code.</param>
/// <param name="Output">Standard output of every rank, tagged.</param>
/// <param name="Error">Standard error of every rank and of mpirun.</param>
/// <param name="Elapsed">Wall time of the whole job.</param>
internal sealed record MpirunResult(int ExitCode, string Output, string Error, TimeSpan Elapsed)
{
    /// <summary>The standard-output lines of <paramref name="rank"/>, without their tag.</summary>
    public string[] OutputOf(int rank) => Output.Split('\n')
        .Where(line => line.StartsWith($"[1,{rank}]<stdout>:", StringComparison.Ordinal))
        .Select(line => line[(line.IndexOf(">:", StringComparison.Ordinal) + 2)..])
        .ToArray();

    public override string ToString() => $"mpirun exit code {ExitCode} after {Elapsed.TotalSeconds:F1} s\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>
/// Starts jobs with Open MPI's mpirun on this machine only: more ranks than cores
/// (<c>--oversubscribe</c>, no core binding), shared memory between ranks (<c>btl self,vader</c>,
/// <c>pml ob1</c>, no UCX), and mpirun's own control traffic on the loopback interface.
/// </summary>
internal static class Mpirun
{
    /// <summary>The options that keep a job on this host and off every network but loopback.</summary>
    public const string LocalOnly = "--mca btl self,vader --mca pml ob1 --mca osc ^ucx --mca oob_tcp_if_include lo --mca btl_tcp_if_include lo";

    /// <summary>The worker program, built with the tests and copied next to them.</summary>
    public static string Worker => Path.Combine(AppContext.BaseDirectory, "DreamTrainer.Distributed.Worker.dll");

    /// <summary>The QuickStart sample, built with the tests and copied next to them.</summary>
    public static string QuickStart => Path.Combine(AppContext.BaseDirectory, "QuickStart.dll");

    /// <summary>Runs <paramref name="program"/> (a .NET dll) on <paramref name="ranks"/> ranks; throws when the job outlives <paramref name="limit"/>.</summary>
    public static MpirunResult Run(int ranks, string program, string arguments, TimeSpan limit)
    {
        string mpirun = FindOnPath("mpirun")
            ?? throw new InvalidOperationException("mpirun is not on PATH. Install Debian's openmpi-bin and libopenmpi-dev (./test.sh installs them: see its requirements array).");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var start = new ProcessStartInfo(mpirun, $"{LocalOnly} --oversubscribe --bind-to none --tag-output -np {ranks} \"{dotnet}\" \"{program}\" {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };

        // CI runs as root; Open MPI refuses root unless both variables say so.
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";

        // mpirun gives ranks a pseudo-terminal: keep .NET from writing terminal control sequences into the output.
        start.Environment["TERM"] = "dumb";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        var clock = Stopwatch.StartNew();
        using Process process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"mpirun -np {ranks} {Path.GetFileName(program)} {arguments} did not end within {limit.TotalSeconds} s.");
        }

        process.WaitForExit();
        return new MpirunResult(process.ExitCode, output.Result, error.Result, clock.Elapsed);
    }

    private static string? FindOnPath(string command)
    {
        foreach (string folder in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            string candidate = Path.Combine(folder, command);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
