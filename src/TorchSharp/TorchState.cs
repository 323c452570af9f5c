using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Optimizer = TorchSharp.torch.optim.Optimizer;

namespace DreamTrainer.TorchSharp;

/// <summary>
/// The adapter's state format: the model's state dict and the optimizer's state in one stream.
/// </summary>
/// <remarks>
/// <para>Layout (little-endian): the 8 ASCII bytes <c>DTTORCH1</c>; int32 format version (1); int32
/// entry count; per entry an int32 UTF-8 name length, the name, and the tensor in TorchSharp's
/// <c>Tensor.Save</c> encoding (type, shape, bytes); a byte 1 or 0 for whether the optimizer's state
/// follows; then TorchSharp's <c>save_state_dict</c> encoding of it (type name, parameter groups'
/// options, per-parameter state: step counts, momentum buffers, Adam's moments).</para>
/// <para>Reads are bounded: names are at most 4,096 bytes, every tensor of the model must match the
/// module's own (name, type, shape) before its bytes are read, and the whole stream may hold at most
/// nine times the model's size plus 1 MiB (the optimizer holds a few tensors per parameter).</para>
/// </remarks>
internal static class TorchState
{
    private const int Version = 1;
    private const int MaxNameBytes = 4096;
    private static readonly byte[] Magic = "DTTORCH1"u8.ToArray();

    /// <summary>Writes the state dict and the optimizer's state; <paramref name="destination"/> stays open.</summary>
    public static void Write(Stream destination, IReadOnlyDictionary<string, Tensor> stateDict, Optimizer? optimizer)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var writer = new BinaryWriter(destination, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write(stateDict.Count);
        foreach (KeyValuePair<string, Tensor> entry in stateDict)
        {
            byte[] name = Encoding.UTF8.GetBytes(entry.Key);
            writer.Write(name.Length);
            writer.Write(name);
            entry.Value.Save(writer);
        }

        if (optimizer is OptimizerHelper helper)
        {
            writer.Write(true);
            helper.save_state_dict(writer);
        }
        else
        {
            writer.Write(false);
        }

        writer.Flush();
    }

    /// <summary>
    /// Reads weights written by <see cref="Write"/> without an optimizer (a snapshot) into new host
    /// tensors shaped as the module's: the module is not touched. The caller owns the tensors.
    /// </summary>
    public static Dictionary<string, Tensor> ReadWeights(Stream source, IReadOnlyDictionary<string, Tensor> stateDict)
    {
        ArgumentNullException.ThrowIfNull(source);
        var counted = new CountingStream(source, checked((9 * Bytes(stateDict)) + (1 << 20)));
        using var reader = new BoundedBinaryReader(counted);
        var staged = new List<(Tensor Target, Tensor Value)>(stateDict.Count);
        try
        {
            ReadHeader(reader);
            ReadModel(reader, stateDict, staged);
            if (reader.ReadBoolean())
            {
                throw new InvalidDataException("it holds optimizer state, which weights alone (a snapshot) do not.");
            }

            if (counted.ReadByte() != -1)
            {
                throw new InvalidDataException("it has bytes after its end.");
            }
        }
        catch
        {
            foreach ((_, Tensor value) in staged)
            {
                value.Dispose();
            }

            throw;
        }

        var weights = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, Tensor> entry in stateDict)
        {
            weights[entry.Key] = staged.Find(s => ReferenceEquals(s.Target, entry.Value)).Value;
        }

        return weights;
    }

    /// <summary>Reads state written by <see cref="Write"/> into the module's tensors and optimizer, all or nothing.</summary>
    public static void Read(Stream source, IReadOnlyDictionary<string, Tensor> stateDict, Optimizer optimizer, Device device)
    {
        ArgumentNullException.ThrowIfNull(source);
        var counted = new CountingStream(source, checked((9 * Bytes(stateDict)) + (1 << 20)));
        using var reader = new BoundedBinaryReader(counted);
        var staged = new List<(Tensor Target, Tensor Value)>(stateDict.Count);
        try
        {
            ReadHeader(reader);
            ReadModel(reader, stateDict, staged);
            bool hasOptimizer = reader.ReadBoolean();
            if (hasOptimizer)
            {
                var helper = optimizer as OptimizerHelper
                    ?? throw new InvalidDataException($"it holds optimizer state, but the module's optimizer ({optimizer.GetType().Name}) cannot load state.");
                LoadOptimizer(reader, helper, counted, device);
            }
            else if (counted.ReadByte() != -1)
            {
                throw new InvalidDataException("it has bytes after its end.");
            }

            using (no_grad())
            {
                foreach ((Tensor target, Tensor value) in staged)
                {
                    Tensor copied = target.copy_(value);
                    TensorOps.ReleaseResult(target, copied);
                }
            }
        }
        finally
        {
            foreach ((_, Tensor value) in staged)
            {
                value.Dispose();
            }
        }
    }

    private static long Bytes(IReadOnlyDictionary<string, Tensor> stateDict)
    {
        long bytes = 0;
        foreach (Tensor tensor in stateDict.Values)
        {
            bytes += tensor.NumberOfElements * tensor.ElementSize;
        }

        return bytes;
    }

    private static void ReadHeader(BinaryReader reader)
    {
        byte[] magic = reader.ReadBytes(Magic.Length);
        if (!magic.AsSpan().SequenceEqual(Magic))
        {
            throw new InvalidDataException("it is not DreamTrainer.TorchSharp state (it does not start with DTTORCH1).");
        }

        int version = reader.ReadInt32();
        if (version != Version)
        {
            throw new InvalidDataException($"its format version is {version}; this DreamTrainer.TorchSharp reads version {Version}.");
        }
    }

    private static void ReadModel(BinaryReader reader, IReadOnlyDictionary<string, Tensor> stateDict, List<(Tensor Target, Tensor Value)> staged)
    {
        int count = reader.ReadInt32();
        if (count != stateDict.Count)
        {
            throw new InvalidDataException($"it holds {count} model tensors; the module's state dict has {stateDict.Count}.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            int length = reader.ReadInt32();
            if (length < 0 || length > MaxNameBytes)
            {
                throw new InvalidDataException($"model tensor {i} has a name of {length} bytes (at most {MaxNameBytes}).");
            }

            string name = Encoding.UTF8.GetString(ReadExactly(reader, length));
            if (!stateDict.TryGetValue(name, out Tensor? target))
            {
                throw new InvalidDataException($"it holds a tensor '{name}' the module does not have.");
            }

            if (!seen.Add(name))
            {
                throw new InvalidDataException($"it holds the tensor '{name}' twice.");
            }

            Tensor value = empty(target.shape, target.dtype, CPU).DetachFromDisposeScope();
            staged.Add((target, value));
            try
            {
                value.Load(reader);
            }
            catch (ArgumentException mismatch)
            {
                throw new InvalidDataException($"its tensor '{name}' does not fit the module's ({target.dtype}, [{string.Join(", ", target.shape)}]): {mismatch.Message}", mismatch);
            }
        }
    }

    private static void LoadOptimizer(BoundedBinaryReader reader, OptimizerHelper optimizer, CountingStream counted, Device device)
    {
        using var backup = new MemoryStream();
        using (var backupWriter = new BinaryWriter(backup, Encoding.UTF8, leaveOpen: true))
        {
            optimizer.save_state_dict(backupWriter);
        }

        // The optimizer keeps the tensors it loads: no dispose scope around this call may take them.
        using DisposeScope scope = NewDisposeScope();
        try
        {
            // TorchSharp 0.99 loads state into host tensors only; the move back to the device follows.
            WithStateOnHost(optimizer, device, () => optimizer.load_state_dict(reader));
            if (counted.ReadByte() != -1)
            {
                throw new InvalidDataException("it has bytes after the optimizer's state.");
            }
        }
        catch (Exception failure) when (failure is ArgumentException or InvalidDataException or EndOfStreamException or InvalidCastException)
        {
            backup.Position = 0;
            using var backupReader = new BinaryReader(backup, Encoding.UTF8, leaveOpen: true);
            WithStateOnHost(optimizer, device, () => optimizer.load_state_dict(backupReader));
            throw failure as InvalidDataException ?? new InvalidDataException($"its optimizer state cannot be loaded: {failure.Message}", failure);
        }
        finally
        {
            // What the optimizer holds now outlives the scope; TorchSharp's temporaries go with it.
            HashSet<object> held = HeldTensors(optimizer);
            scope.Detach(scope.DisposablesView.Where(held.Contains).ToArray());
        }
    }

    /// <summary>The tensors in the optimizer's per-parameter state (momentum buffers, moments), whatever the optimizer.</summary>
    private static HashSet<object> HeldTensors(OptimizerHelper optimizer)
    {
        var held = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (object state in optimizer.state_dict().State)
        {
            foreach (FieldInfo field in state.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                if (typeof(Tensor).IsAssignableFrom(field.FieldType) && field.GetValue(state) is Tensor tensor)
                {
                    held.Add(tensor);
                }
            }
        }

        return held;
    }

    private static void WithStateOnHost(OptimizerHelper optimizer, Device device, Action load)
    {
        bool offHost = device.type != DeviceType.CPU;
        if (offHost)
        {
            optimizer.to(CPU);
        }

        try
        {
            load();
        }
        finally
        {
            if (offHost)
            {
                optimizer.to(device);
            }
        }
    }

    private static byte[] ReadExactly(BinaryReader reader, int count)
    {
        byte[] bytes = reader.ReadBytes(count);
        return bytes.Length == count ? bytes : throw new EndOfStreamException($"it ends inside a value ({bytes.Length} of {count} bytes).");
    }

    /// <summary>A reader that refuses to allocate for more bytes than the stream may still hold.</summary>
    private sealed class BoundedBinaryReader(CountingStream stream) : BinaryReader(stream, Encoding.UTF8, leaveOpen: true)
    {
        public override byte[] ReadBytes(int count)
        {
            stream.Reserve(count);
            return base.ReadBytes(count);
        }

        public override string ReadString()
        {
            int length = Read7BitEncodedInt();
            if (length < 0 || length > MaxNameBytes)
            {
                throw new InvalidDataException($"it holds a string of {length} bytes (at most {MaxNameBytes}).");
            }

            return Encoding.UTF8.GetString(ReadExactly(this, length));
        }
    }

    /// <summary>Counts what is read and fails once more than the budget would be.</summary>
    private sealed class CountingStream(Stream inner, long budget) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _read;
            set => throw new NotSupportedException();
        }

        public void Reserve(long count)
        {
            if (count < 0 || _read + count > budget)
            {
                throw new InvalidDataException($"it declares {count} more bytes after {_read}, more than a state of this module can hold ({budget} bytes).");
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int read = inner.Read(buffer);
            _read += read;
            if (_read > budget)
            {
                throw new InvalidDataException($"it holds more than a state of this module can ({budget} bytes).");
            }

            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
