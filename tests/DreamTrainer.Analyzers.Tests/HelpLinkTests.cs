using System.Linq;
using DreamTrainer.Analyzers.Tests.Infrastructure;
using Xunit;

namespace DreamTrainer.Analyzers.Tests;

/// <summary>Help links come from the build (DreamTrainerHelpLinkBase), and there is none rather than a dead one.</summary>
public class HelpLinkTests
{
    private const string Source = """
        using System;
        using DreamTrainer;

        public sealed class NotPartial
        {
            [OnTrainEnd] void Close() { try { } catch { } }
        }
        """;

    [Fact]
    public void Without_a_link_base_the_diagnostics_carry_no_link()
    {
        var diagnostics = AnalyzerVerifier.Analyze(Source, allowCompilerErrors: true).Where(d => d.Id.StartsWith("DT", System.StringComparison.Ordinal)).ToList();

        Assert.Equal(new[] { "DT0101", "DT0301" }, diagnostics.Select(d => d.Id).OrderBy(id => id));
        Assert.All(diagnostics, d => Assert.Equal(string.Empty, d.Descriptor.HelpLinkUri));
    }

    [Theory]
    [InlineData("https://github.com/example/DreamTrainer.Generators/blob/0123abc/docs/diagnostics/")]
    [InlineData("https://github.com/example/DreamTrainer.Generators/blob/0123abc/docs/diagnostics")]
    public void The_link_is_the_base_from_the_build_and_the_rule_page(string linkBase)
    {
        var diagnostics = AnalyzerVerifier.Analyze(Source, $"build_property.DreamTrainerHelpLinkBase = {linkBase}", allowCompilerErrors: true)
            .Where(d => d.Id.StartsWith("DT", System.StringComparison.Ordinal))
            .ToList();

        Assert.Equal(2, diagnostics.Count);
        Assert.All(diagnostics, d => Assert.Equal($"https://github.com/example/DreamTrainer.Generators/blob/0123abc/docs/diagnostics/{d.Id}.md", d.Descriptor.HelpLinkUri));
    }

    [Theory]
    [InlineData("")]
    [InlineData("docs/diagnostics/")]
    [InlineData("file:///home/user/docs/")]
    public void A_base_that_is_not_a_web_address_gives_no_link(string linkBase)
    {
        var diagnostics = AnalyzerVerifier.Analyze(Source, $"build_property.DreamTrainerHelpLinkBase = {linkBase}", allowCompilerErrors: true)
            .Where(d => d.Id.StartsWith("DT", System.StringComparison.Ordinal))
            .ToList();

        Assert.Equal(2, diagnostics.Count);
        Assert.All(diagnostics, d => Assert.Equal(string.Empty, d.Descriptor.HelpLinkUri));
    }
}
