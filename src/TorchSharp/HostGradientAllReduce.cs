using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace DreamTrainer.TorchSharp;

/// <summary>
/// Data-parallel gradients for <see cref="TorchSharpModule{TBatch}"/> through the host: each rank
/// takes the gradient of its shard's summed loss, copies it into one host buffer with its sample
/// count, the process group all-reduces that buffer (MPI), and every rank puts the mean gradient
/// of the global batch back before the optimizer steps, so every rank takes the same step.
/// </summary>
/// <remarks>
/// <para>On a GPU this costs two device-host copies per step. The GPU path is NCCL (PyTorch's
/// <c>DistributedDataParallel</c> with the <c>nccl</c> backend: all-reduce between GPU memories,
/// overlapped with the backward pass, bucket by bucket); TorchSharp exposes no NCCL process group
/// and this package does not provide one.</para>
/// <para>The gradients come from <c>torch.autograd.grad</c> and go back through the backward pass of
/// <c>sum(p * mean)</c>, whose gradient with respect to <c>p</c> is <c>mean</c>: both calls exist in
/// every TorchSharp since 0.99, while the gradient accessor changed from a method to a property.
/// Every trainable parameter must take part in the loss (as with DDP's default).</para>
/// </remarks>
internal sealed class HostGradientAllReduce : IDisposable
{
    private readonly IProcessGroup _group;
    private readonly Tensor[] _parameters;
    private readonly Tensor[] _staging;
    private readonly float[] _host;

    public HostGradientAllReduce(nn.Module model, IProcessGroup group)
    {
        _group = group;
        _parameters = model.parameters().Where(p => p.requires_grad).Cast<Tensor>().ToArray();
        _staging = _parameters.Select(p => empty(p.shape, ScalarType.Float32, CPU).DetachFromDisposeScope()).ToArray();
        long total = _parameters.Sum(p => p.numel());
        _host = new float[checked((int)total + 1)];
    }

    /// <summary>Instead of <c>loss.backward()</c>: leaves the mean gradient of the global batch in every parameter's gradient.</summary>
    /// <param name="loss">This rank's loss, a mean over its <paramref name="samples"/> samples.</param>
    /// <param name="samples">The rank's batch size.</param>
    public void Backward(Tensor loss, int samples)
    {
        // An explicit Scalar: `loss * samples` binds to Tensor * int on TorchSharp 0.105, which 0.99 lacks.
        using Scalar count = samples;
        IList<Tensor> gradients = autograd.grad(new[] { loss * count }, _parameters);
        int offset = 0;
        for (int i = 0; i < _parameters.Length; i++)
        {
            TensorOps.ToType(gradients[i].detach(), ScalarType.Float32, false).cpu().contiguous().data<float>().CopyTo(_host, offset);
            offset += (int)_parameters[i].numel();
        }

        _host[^1] = samples;
        _group.AllReduce(_host, ReduceOperation.Sum);
        float scale = 1f / _host[^1];
        Tensor? surrogate = null;
        offset = 0;
        for (int i = 0; i < _parameters.Length; i++)
        {
            _staging[i].data<float>().CopyFrom(_host, offset);
            offset += (int)_parameters[i].numel();
            Tensor mean = TensorOps.ToType(TensorOps.To(_staging[i], _parameters[i].device).mul(scale), _parameters[i].dtype, false);
            Tensor term = _parameters[i].mul(mean).sum();
            surrogate = surrogate is null ? term : surrogate.add(term);
        }

        surrogate?.backward();
    }

    public void Dispose()
    {
        foreach (Tensor staging in _staging)
        {
            staging.Dispose();
        }
    }
}
