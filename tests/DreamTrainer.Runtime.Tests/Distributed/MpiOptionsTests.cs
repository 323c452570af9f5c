using System;
using System.IO;
using Xunit;

namespace DreamTrainer.Tests.Distributed;

/// <summary>Bad MPI configuration fails before MPI is touched, naming the option, the value or the file.</summary>
public class MpiOptionsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void A_timeout_that_is_not_positive_is_refused_with_its_name_and_value(int seconds)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => MpiProcessGroup.Initialize(new MpiOptions { Timeout = TimeSpan.FromSeconds(seconds) }));

        Assert.Equal("Timeout", error.ParamName);
        Assert.Contains("it was " + TimeSpan.FromSeconds(seconds).ToString("c", System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_shutdown_timeout_that_is_not_positive_is_refused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new MpiOptions { ShutdownTimeout = TimeSpan.Zero }.Validate());
        Assert.Equal("ShutdownTimeout", error.ParamName);
    }

    [Fact]
    public void A_library_that_cannot_be_loaded_is_named()
    {
        string path = Path.Combine(Path.GetTempPath(), "no-such-folder", "libmpi.so.40");

        var error = Assert.Throws<DllNotFoundException>(() => MpiProcessGroup.Initialize(new MpiOptions { LibraryPath = path }));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_library_without_Open_MPIs_handles_is_refused_with_the_reason()
    {
        // The C library loads but has none of Open MPI's exported handles, as MPICH's libmpi has none.
        var error = Assert.Throws<NotSupportedException>(() => MpiProcessGroup.Initialize(new MpiOptions { LibraryPath = "libc.so.6" }));

        Assert.Contains("ompi_mpi_comm_world", error.Message, StringComparison.Ordinal);
        Assert.Contains("MPICH", error.Message, StringComparison.Ordinal);
    }
}
