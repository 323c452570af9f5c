namespace DreamTrainer;

/// <summary>
/// Optional engine seam for numbers the logger can report when the engine can compute them:
/// the global gradient norm of the last step and the parameter norm. Each may synchronize a GPU,
/// so callbacks ask only when they log.
/// </summary>
public interface ITrainingDiagnostics
{
    /// <summary>The L2 norm of all gradients after the last backward pass.</summary>
    /// <param name="norm">The norm, or NaN.</param>
    /// <returns>False when the engine cannot tell.</returns>
    bool TryGetGradientNorm(out double norm);

    /// <summary>The L2 norm of all trainable parameters.</summary>
    /// <param name="norm">The norm, or NaN.</param>
    /// <returns>False when the engine cannot tell.</returns>
    bool TryGetParameterNorm(out double norm);
}
