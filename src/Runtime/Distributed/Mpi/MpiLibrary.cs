using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace DreamTrainer;

/// <summary>
/// The few MPI calls the process group needs, bound at run time to Open MPI's <c>libmpi</c>: the
/// library is loaded, and every function and predefined handle is resolved, only when
/// <see cref="MpiProcessGroup.Initialize"/> runs, so the runtime carries no native dependency.
/// </summary>
/// <remarks>
/// <para>Open MPI's predefined handles are not integer constants (as in MPICH, where
/// <c>MPI_COMM_WORLD</c> is <c>0x44000000</c>): <c>mpi.h</c> defines <c>MPI_COMM_WORLD</c> as
/// <c>&amp;ompi_mpi_comm_world</c>, <c>MPI_DOUBLE</c> as <c>&amp;ompi_mpi_double</c>, <c>MPI_SUM</c> as
/// <c>&amp;ompi_mpi_op_sum</c> and so on: the address of a global object in <c>libmpi</c>. A C program
/// gets them from the dynamic linker; here <see cref="NativeLibrary.GetExport"/> returns the same
/// addresses, and those addresses are the handles passed to every call. Communicators and requests
/// are pointers too, so every handle is an <see cref="IntPtr"/>. A library without those symbols
/// (MPICH, Intel MPI) is refused with a message that says so: its ABI is another one.</para>
/// <para>Functions are called through unmanaged function pointers resolved once, so a call costs
/// what a C call costs and allocates nothing.</para>
/// </remarks>
internal sealed unsafe class MpiLibrary
{
    public const int Success = 0;
    public const int ThreadSerialized = 2;
    public const int AnySource = -1;

    /// <summary><c>MPI_IN_PLACE</c> is <c>((void *) 1)</c> in Open MPI's <c>mpi.h</c>.</summary>
    public static readonly void* InPlace = (void*)1;

    private const int MaxErrorString = 256;

    private MpiLibrary(IntPtr handle, string path)
    {
        Path = path;
        InitThread = (delegate* unmanaged<int*, byte***, int, int*, int>)Export(handle, "MPI_Init_thread");
        Initialized = (delegate* unmanaged<int*, int>)Export(handle, "MPI_Initialized");
        Finalized = (delegate* unmanaged<int*, int>)Export(handle, "MPI_Finalized");
        Finalize = (delegate* unmanaged<int>)Export(handle, "MPI_Finalize");
        Abort = (delegate* unmanaged<IntPtr, int, int>)Export(handle, "MPI_Abort");
        CommRank = (delegate* unmanaged<IntPtr, int*, int>)Export(handle, "MPI_Comm_rank");
        CommSize = (delegate* unmanaged<IntPtr, int*, int>)Export(handle, "MPI_Comm_size");
        CommDup = (delegate* unmanaged<IntPtr, IntPtr*, int>)Export(handle, "MPI_Comm_dup");
        CommFree = (delegate* unmanaged<IntPtr*, int>)Export(handle, "MPI_Comm_free");
        CommSetErrhandler = (delegate* unmanaged<IntPtr, IntPtr, int>)Export(handle, "MPI_Comm_set_errhandler");
        Iallreduce = (delegate* unmanaged<void*, void*, int, IntPtr, IntPtr, IntPtr, IntPtr*, int>)Export(handle, "MPI_Iallreduce");
        Ibcast = (delegate* unmanaged<void*, int, IntPtr, int, IntPtr, IntPtr*, int>)Export(handle, "MPI_Ibcast");
        Ibarrier = (delegate* unmanaged<IntPtr, IntPtr*, int>)Export(handle, "MPI_Ibarrier");
        Isend = (delegate* unmanaged<void*, int, IntPtr, int, int, IntPtr, IntPtr*, int>)Export(handle, "MPI_Isend");
        Irecv = (delegate* unmanaged<void*, int, IntPtr, int, int, IntPtr, IntPtr*, int>)Export(handle, "MPI_Irecv");
        Test = (delegate* unmanaged<IntPtr*, int*, void*, int>)Export(handle, "MPI_Test");
        Cancel = (delegate* unmanaged<IntPtr*, int>)Export(handle, "MPI_Cancel");
        RequestFree = (delegate* unmanaged<IntPtr*, int>)Export(handle, "MPI_Request_free");
        ErrorString = (delegate* unmanaged<int, byte*, int*, int>)Export(handle, "MPI_Error_string");

        CommWorld = Handle(handle, "ompi_mpi_comm_world");
        Double = Handle(handle, "ompi_mpi_double");
        Float = Handle(handle, "ompi_mpi_float");
        Byte = Handle(handle, "ompi_mpi_byte");
        OpSum = Handle(handle, "ompi_mpi_op_sum");
        OpMax = Handle(handle, "ompi_mpi_op_max");
        OpMin = Handle(handle, "ompi_mpi_op_min");
        ErrorsReturn = Handle(handle, "ompi_mpi_errors_return");
    }

    /// <summary>The file the library was loaded from.</summary>
    public string Path { get; }

    public delegate* unmanaged<int*, byte***, int, int*, int> InitThread { get; }

    public delegate* unmanaged<int*, int> Initialized { get; }

    public delegate* unmanaged<int*, int> Finalized { get; }

    public delegate* unmanaged<int> Finalize { get; }

    public delegate* unmanaged<IntPtr, int, int> Abort { get; }

    public delegate* unmanaged<IntPtr, int*, int> CommRank { get; }

    public delegate* unmanaged<IntPtr, int*, int> CommSize { get; }

    public delegate* unmanaged<IntPtr, IntPtr*, int> CommDup { get; }

    public delegate* unmanaged<IntPtr*, int> CommFree { get; }

    public delegate* unmanaged<IntPtr, IntPtr, int> CommSetErrhandler { get; }

    /// <summary><c>MPI_Iallreduce(sendbuf, recvbuf, count, datatype, op, comm, &amp;request)</c>.</summary>
    public delegate* unmanaged<void*, void*, int, IntPtr, IntPtr, IntPtr, IntPtr*, int> Iallreduce { get; }

    /// <summary><c>MPI_Ibcast(buffer, count, datatype, root, comm, &amp;request)</c>.</summary>
    public delegate* unmanaged<void*, int, IntPtr, int, IntPtr, IntPtr*, int> Ibcast { get; }

    public delegate* unmanaged<IntPtr, IntPtr*, int> Ibarrier { get; }

    /// <summary><c>MPI_Isend(buffer, count, datatype, dest, tag, comm, &amp;request)</c>.</summary>
    public delegate* unmanaged<void*, int, IntPtr, int, int, IntPtr, IntPtr*, int> Isend { get; }

    /// <summary><c>MPI_Irecv(buffer, count, datatype, source, tag, comm, &amp;request)</c>.</summary>
    public delegate* unmanaged<void*, int, IntPtr, int, int, IntPtr, IntPtr*, int> Irecv { get; }

    /// <summary><c>MPI_Test(&amp;request, &amp;flag, status)</c>; status is always <c>MPI_STATUS_IGNORE</c> (null).</summary>
    public delegate* unmanaged<IntPtr*, int*, void*, int> Test { get; }

    public delegate* unmanaged<IntPtr*, int> Cancel { get; }

    public delegate* unmanaged<IntPtr*, int> RequestFree { get; }

    public delegate* unmanaged<int, byte*, int*, int> ErrorString { get; }

    public IntPtr CommWorld { get; }

    public IntPtr Double { get; }

    public IntPtr Float { get; }

    public IntPtr Byte { get; }

    public IntPtr OpSum { get; }

    public IntPtr OpMax { get; }

    public IntPtr OpMin { get; }

    public IntPtr ErrorsReturn { get; }

    /// <summary>The names tried, in order, when no path is given.</summary>
    public static IReadOnlyList<string> DefaultNames { get; } = new[] { "libmpi.so.40", "libmpi.so", "libmpi.40.dylib", "libmpi.dylib" };

    /// <summary>Loads Open MPI's libmpi from <paramref name="path"/>, or the first of <see cref="DefaultNames"/> that loads.</summary>
    public static MpiLibrary Load(string? path)
    {
        if (path is not null)
        {
            if (!NativeLibrary.TryLoad(path, out IntPtr loaded))
            {
                throw new DllNotFoundException($"MpiOptions.LibraryPath '{path}' could not be loaded as a native library.");
            }

            return Create(loaded, path);
        }

        foreach (string name in DefaultNames)
        {
            if (NativeLibrary.TryLoad(name, out IntPtr handle))
            {
                return Create(handle, name);
            }
        }

        throw new DllNotFoundException(
            $"Open MPI's libmpi was not found (tried {string.Join(", ", DefaultNames)}). Install Open MPI "
            + "(Debian/Ubuntu: apt-get install openmpi-bin libopenmpi-dev) or set MpiOptions.LibraryPath.");
    }

    public IntPtr Op(ReduceOperation operation) => operation switch
    {
        ReduceOperation.Sum => OpSum,
        ReduceOperation.Max => OpMax,
        ReduceOperation.Min => OpMin,
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, $"operation must be Sum, Max or Min; it was {(int)operation}."),
    };

    /// <summary>The text of an MPI error code.</summary>
    public string Describe(int code)
    {
        byte* text = stackalloc byte[MaxErrorString];
        int length = 0;
        return ErrorString(code, text, &length) == Success && length > 0
            ? $"{Marshal.PtrToStringUTF8((IntPtr)text, Math.Min(length, MaxErrorString))} (MPI error {code})"
            : $"MPI error {code}";
    }

    private static MpiLibrary Create(IntPtr handle, string path)
    {
        if (!NativeLibrary.TryGetExport(handle, "ompi_mpi_comm_world", out _))
        {
            throw new NotSupportedException(
                $"'{path}' is an MPI library without Open MPI's 'ompi_mpi_comm_world' symbol (MPICH or a derivative?). "
                + "DreamTrainer binds Open MPI's ABI, where MPI_COMM_WORLD and the other predefined handles are addresses of global objects; MPICH's are integer constants.");
        }

        return new MpiLibrary(handle, path);
    }

    private static IntPtr Export(IntPtr library, string name) =>
        NativeLibrary.TryGetExport(library, name, out IntPtr address)
            ? address
            : throw new EntryPointNotFoundException($"The MPI library has no function '{name}' (MPI 3.0 or later is needed for the non-blocking collectives).");

    private static IntPtr Handle(IntPtr library, string name) =>
        NativeLibrary.TryGetExport(library, name, out IntPtr address)
            ? address
            : throw new EntryPointNotFoundException($"The MPI library has no predefined handle '{name}': not Open MPI's ABI.");
}
