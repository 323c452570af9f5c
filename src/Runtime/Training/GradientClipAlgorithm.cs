namespace DreamTrainer;

/// <summary>How <see cref="TrainerOptions.GradientClipValue"/> clips (Lightning's <c>gradient_clip_algorithm</c>).</summary>
public enum GradientClipAlgorithm
{
    /// <summary>Scale all gradients so their total 2-norm is at most the value (<c>clip_grad_norm_</c>). The default.</summary>
    Norm,

    /// <summary>Clamp every gradient element into [-value, value] (<c>clip_grad_value_</c>).</summary>
    Value,
}
