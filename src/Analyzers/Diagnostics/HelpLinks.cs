using System;
using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DreamTrainer.Analyzers.Diagnostics;

/// <summary>
/// Help links for the rules, from one MSBuild property: <c>DreamTrainerHelpLinkBase</c>, which the
/// package's build props set from the repository URL the package declares (its <c>RepositoryUrl</c>
/// at pack time) and make visible to the compiler. A user may point it elsewhere (a mirror of the
/// docs). When it is not set, or not an absolute http(s) address, the diagnostics carry no link at
/// all rather than one that leads nowhere; the pages also ship inside the package, in docs/diagnostics.
/// </summary>
internal sealed class HelpLinks
{
    /// <summary>The MSBuild property, as analyzer config options see it.</summary>
    public const string PropertyKey = "build_property.DreamTrainerHelpLinkBase";

    public static readonly HelpLinks None = new(null);

    // One descriptor per rule and link base, shared by every compilation that uses that base.
    private static readonly ConcurrentDictionary<(string Id, string Base), DiagnosticDescriptor> Linked = new();

    private HelpLinks(string? linkBase) => Base = linkBase;

    /// <summary>The base every rule's page name is appended to, or null for no links.</summary>
    public string? Base { get; }

    public static HelpLinks From(AnalyzerOptions? options)
    {
        if (options is null || !options.AnalyzerConfigOptionsProvider.GlobalOptions.TryGetValue(PropertyKey, out string? value))
        {
            return None;
        }

        string trimmed = value.Trim();
        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return None;
        }

        return new HelpLinks(trimmed.EndsWith("/", StringComparison.Ordinal) ? trimmed : trimmed + "/");
    }

    /// <summary><paramref name="descriptor"/> with the help link of this base (itself, linkless, when there is none).</summary>
    public DiagnosticDescriptor For(DiagnosticDescriptor descriptor) =>
        Base is not { } linkBase
            ? descriptor
            : Linked.GetOrAdd((descriptor.Id, linkBase), key => new DiagnosticDescriptor(
                descriptor.Id,
                descriptor.Title,
                descriptor.MessageFormat,
                descriptor.Category,
                descriptor.DefaultSeverity,
                descriptor.IsEnabledByDefault,
                descriptor.Description,
                key.Base + key.Id + ".md",
                System.Linq.Enumerable.ToArray(descriptor.CustomTags)));
}
