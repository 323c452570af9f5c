using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection;
using DreamTrainer.Tests.Common;
using Xunit;

namespace DreamTrainer.Package.Tests;

/// <summary>
/// Packs DreamTrainer.Generators once for the package tests, declaring a repository URL as a release
/// build would, and unpacks it. The URL is an example: the tests check where the help links lead, not
/// that the address answers.
/// </summary>
public sealed class PackageFixture : IDisposable
{
    public const string RepositoryUrl = "https://github.com/example/DreamTrainer.Generators";

    public PackageFixture()
    {
        Directory.CreateDirectory(Work);
        string root = TestProcess.RepositoryRoot();
        string configuration = typeof(PackageFixture).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        Feed = Path.Combine(Work, "feed");
        (int packExit, string packOutput) = TestProcess.Run(
            "dotnet", $"pack \"{Path.Combine(root, "src", "Runtime", "DreamTrainer.Runtime.csproj")}\" --no-build -c {configuration} -o \"{Feed}\" -nologo -p:RepositoryUrl={RepositoryUrl}.git", root);
        Assert.True(packExit == 0, packOutput);

        Package = Assert.Single(Directory.GetFiles(Feed, "DreamTrainer.Generators.*.nupkg"), p => !p.EndsWith(".snupkg", StringComparison.Ordinal));
        Version = Path.GetFileNameWithoutExtension(Package)["DreamTrainer.Generators.".Length..];
        Unpacked = Path.Combine(Work, "unpacked");
        ZipFile.ExtractToDirectory(Package, Unpacked);
    }

    /// <summary>A folder of its own, deleted afterwards.</summary>
    public string Work { get; } = Path.Combine(Path.GetTempPath(), "dt-package-" + Guid.NewGuid().ToString("N"));

    public string Feed { get; }

    public string Package { get; }

    public string Version { get; }

    /// <summary>The package's contents, as NuGet lays them out in its cache.</summary>
    public string Unpacked { get; }

    public void Dispose() => Directory.Delete(Work, recursive: true);
}

/// <summary>The tests that share one packed package.</summary>
[CollectionDefinition(Name)]
public sealed class PackageCollection : ICollectionFixture<PackageFixture>
{
    public const string Name = "package";
}
