using System.Threading.Tasks;
using DreamTrainer.Analyzers.Tests.Infrastructure;
using DreamTrainer.CodeFixes;
using Xunit;

namespace DreamTrainer.Analyzers.Tests.CodeFixes;

public class SwallowedExceptionCodeFixTests
{
    private const string Before = """
        using System;
        using DreamTrainer;

        public sealed partial class Careless
        {
            [OnTrainEpochEnd]
            void Run(TrainerContext trainer)
            {
                try
                {
                    Risky();
                }
                catch (Exception e)
                {
                }
            }

            private static void Risky() { }
        }
        """;

    [Fact]
    public async Task Rethrow_adds_throw()
    {
        string fixedSource = await CodeFixVerifier.ApplyAsync(new SwallowedExceptionCodeFix(), Before, SwallowedExceptionCodeFix.RethrowKey, fixAll: false);

        Assert.Equal(Before.Replace("catch (Exception e)\n        {\n        }", "catch (Exception e)\n        {\n            throw;\n        }", System.StringComparison.Ordinal), fixedSource);
        Assert.Contains("throw;", fixedSource, System.StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_hands_the_exception_to_the_context()
    {
        string fixedSource = await CodeFixVerifier.ApplyAsync(new SwallowedExceptionCodeFix(), Before, SwallowedExceptionCodeFix.ReportKey, fixAll: false);

        Assert.Equal(Before.Replace("catch (Exception e)\n        {\n        }", "catch (Exception e)\n        {\n            trainer.ReportError(e);\n        }", System.StringComparison.Ordinal), fixedSource);
        Assert.Contains("trainer.ReportError(e);", fixedSource, System.StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fix_all_in_document_reports_every_swallowed_exception_naming_unnamed_ones()
    {
        string fixedSource = await CodeFixVerifier.ApplyAsync(new SwallowedExceptionCodeFix(), """
            using System;
            using DreamTrainer;

            public sealed partial class Careless
            {
                [OnTrainEnd]
                void Close(TrainerContext context)
                {
                    try { Risky(); }
                    catch { }
                    try { Risky(); }
                    catch (InvalidOperationException) { }
                }

                private static void Risky() { }
            }
            """, SwallowedExceptionCodeFix.ReportKey, fixAll: true);

        Assert.Contains("catch (System.Exception exception)", fixedSource);
        Assert.Contains("catch (InvalidOperationException exception)", fixedSource);
        Assert.Equal(2, fixedSource.Split("context.ReportError(exception);").Length - 1);
    }

    [Fact]
    public async Task Report_is_offered_only_when_the_method_has_a_context()
    {
        var offered = await CodeFixVerifier.OfferedAsync(new SwallowedExceptionCodeFix(), """
            using System;
            using DreamTrainer;

            public sealed partial class Careless
            {
                [OnTrainEnd]
                void Close()
                {
                    try { } catch { }
                }
            }
            """);

        Assert.Equal(new[] { SwallowedExceptionCodeFix.RethrowKey }, offered);
    }
}
