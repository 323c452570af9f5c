using System.Threading.Tasks;
using DreamTrainer.Analyzers.Tests.Infrastructure;
using DreamTrainer.CodeFixes;
using Xunit;

namespace DreamTrainer.Analyzers.Tests.CodeFixes;

/// <summary>DT0109: the Callback base class goes, the class becomes partial.</summary>
public class RemoveCallbackBaseCodeFixTests
{
    private const string Key = "DreamTrainer.RemoveCallbackBase";

    [Fact]
    public async Task Removes_the_only_base_and_makes_the_class_partial()
    {
        string fixedSource = await CodeFixVerifier.ApplyAsync(new RemoveCallbackBaseCodeFix(), """
            using DreamTrainer;

            public class MyCallback : Callback
            {
                [OnTrainBatchEnd] void Check() { }
            }
            """, Key, fixAll: false);

        Assert.Equal("""
            using DreamTrainer;

            public partial class MyCallback
            {
                [OnTrainBatchEnd] void Check() { }
            }
            """, fixedSource);
    }

    [Fact]
    public async Task Keeps_the_interfaces_and_fixes_every_class_in_the_document()
    {
        string fixedSource = await CodeFixVerifier.ApplyAsync(new RemoveCallbackBaseCodeFix(), """
            using System;

            class First : Callback, IDisposable
            {
                public void Dispose() { }
            }

            sealed class Second : pl.Callback
            {
            }
            """, Key, fixAll: true);

        Assert.Equal("""
            using System;

            partial class First : IDisposable
            {
                public void Dispose() { }
            }

            sealed partial class Second
            {
            }
            """, fixedSource);
    }
}
