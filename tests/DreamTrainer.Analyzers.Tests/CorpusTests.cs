using DreamTrainer.Analyzers.Tests.Infrastructure;
using DreamTrainer.Generators.Tests;
using Xunit;

namespace DreamTrainer.Analyzers.Tests;

/// <summary>No analyzer crashes (AD0001) on the generator's malformed-input corpus.</summary>
public class CorpusTests
{
    [Theory]
    [MemberData(nameof(MalformedCorpus.Cases), MemberType = typeof(MalformedCorpus))]
    public void No_analyzer_crashes_on_malformed_input(string name)
    {
        var diagnostics = AnalyzerVerifier.Analyze(MalformedCorpus.Sources[name], allowCompilerErrors: true);

        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
    }
}
