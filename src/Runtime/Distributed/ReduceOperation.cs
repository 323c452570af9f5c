namespace DreamTrainer;

/// <summary>How <see cref="IProcessGroup.AllReduce(System.Span{double}, ReduceOperation)"/> combines the ranks' values.</summary>
public enum ReduceOperation
{
    /// <summary>The sum over ranks.</summary>
    Sum,

    /// <summary>The largest value over ranks.</summary>
    Max,

    /// <summary>The smallest value over ranks.</summary>
    Min,
}
