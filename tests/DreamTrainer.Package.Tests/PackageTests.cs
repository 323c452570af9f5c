using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection;
using DreamTrainer.Tests.Common;
using Xunit;

namespace DreamTrainer.Package.Tests;

[Collection(PackageCollection.Name)]
public class PackageTests(PackageFixture fixture)
{
    private readonly string _work = fixture.Work;

    [Fact]
    public void The_package_restores_into_a_fresh_project_where_the_generator_and_analyzers_run()
    {
        string feed = fixture.Feed;
        string package = fixture.Package;
        Assert.Single(Directory.GetFiles(feed, "DreamTrainer.Generators.*.snupkg"));
        using (ZipArchive archive = ZipFile.OpenRead(package))
        {
            var entries = archive.Entries.Select(e => e.FullName).ToHashSet();
            foreach (string expected in new[]
            {
                "lib/net8.0/DreamTrainer.Runtime.dll", "lib/net8.0/DreamTrainer.Runtime.xml",
                "lib/net10.0/DreamTrainer.Runtime.dll", "lib/net10.0/DreamTrainer.Runtime.xml",
                "analyzers/dotnet/cs/DreamTrainer.Generators.dll", "analyzers/dotnet/cs/DreamTrainer.Analyzers.dll",
                "analyzers/dotnet/cs/DreamTrainer.CodeFixes.dll", "README.md", "LICENSE",
                "build/DreamTrainer.Generators.props", "buildTransitive/DreamTrainer.Generators.props",
                "docs/diagnostics/README.md", "docs/diagnostics/DT0101.md", "docs/diagnostics/DT0201.md", "docs/diagnostics/DT0301.md", "docs/diagnostics/DT0401.md",
            })
            {
                Assert.True(entries.Contains(expected), $"{expected} missing from the package: {string.Join(", ", entries)}");
            }
        }

        string version = fixture.Version;
        string consumer = Path.Combine(_work, "consumer");
        Directory.CreateDirectory(consumer);
        File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <RestorePackagesPath>{Path.Combine(_work, "packages")}</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="DreamTrainer.Generators" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), """
            using DreamTrainer;

            var counter = new StepCounter();
            var result = new Trainer(new TrainerOptions { MaxEpochs = 2 }, new CallbackCollection { counter }).Fit(new Module(), new[] { 1, 2, 3 });
            Console.WriteLine($"steps={counter.Steps} epochs={result.EpochsCompleted} reason={result.Reason}");

            [Callback(Priority = 5)]
            public sealed partial class StepCounter
            {
                [CallbackState] private int _steps;
                public int Steps => _steps;
                [OnTrainBatchEnd] void Count() => _steps++;
            }

            // Deliberately bad: swallows exceptions (DT0301).
            public sealed partial class Careless
            {
                [OnTrainEnd]
                void Close()
                {
                    try { File.Delete("nothing"); } catch { }
                }
            }

            public sealed class Module : ITrainingModule<int>
            {
                public StepResult TrainingStep(int batch, TrainerContext context) => 0.5;
                public StepResult ValidationStep(int batch, TrainerContext context) => 0.5;
            }
            """);

        (int buildExit, string buildOutput) = TestProcess.Run("dotnet", "build -nologo -nodeReuse:false", consumer);
        Assert.True(buildExit == 0, buildOutput);
        Assert.Contains("warning DT0301", buildOutput, StringComparison.Ordinal);

        // The help link leads to the rule page of the repository the package declares.
        Assert.Contains($"({PackageFixture.RepositoryUrl}/blob/", buildOutput, StringComparison.Ordinal);
        Assert.Contains("/docs/diagnostics/DT0301.md)", buildOutput, StringComparison.Ordinal);

        (int runExit, string runOutput) = TestProcess.Run("dotnet", "run --no-build", consumer);
        Assert.True(runExit == 0, runOutput);
        Assert.Contains("steps=6 epochs=2 reason=Completed", runOutput, StringComparison.Ordinal);
    }
}
