using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace DreamTrainer.Analyzers.Rules;

/// <summary>
/// Which parts of a method body run only under a condition: a branch of an <c>if</c>, <c>?:</c>,
/// <c>switch</c> or switch expression, the right side of <c>&amp;&amp;</c>, <c>||</c>, <c>??</c> and
/// <c>??=</c>, what follows <c>?.</c>, a <c>catch</c>, and every statement after one that may leave the
/// method or the loop (<c>if (…) return;</c>, <c>continue</c>). A loop's body counts as running: it
/// runs on every call unless its collection is empty, and an allocation there costs more, not less.
/// A <c>throw</c> does not make what follows conditional: a guard clause does not change what runs on
/// the calls that do not fail.
/// </summary>
internal static class ConditionalPaths
{
    /// <summary>
    /// The children of <paramref name="operation"/> in source order, each with whether it runs only
    /// under a condition (given that <paramref name="operation"/> runs).
    /// </summary>
    public static IEnumerable<(IOperation Child, bool Conditional)> Children(IOperation operation, CancellationToken cancellationToken)
    {
        switch (operation)
        {
            case IBlockOperation block:
                bool mayHaveLeft = false;
                foreach (IOperation statement in block.Operations)
                {
                    yield return (statement, mayHaveLeft);
                    mayHaveLeft = mayHaveLeft || MayLeave(statement, cancellationToken);
                }

                yield break;
            case IConditionalOperation conditional:
                yield return (conditional.Condition, false);
                yield return (conditional.WhenTrue, true);
                if (conditional.WhenFalse is { } whenFalse)
                {
                    yield return (whenFalse, true);
                }

                yield break;
            case ISwitchOperation @switch:
                yield return (@switch.Value, false);
                foreach (ISwitchCaseOperation @case in @switch.Cases)
                {
                    yield return (@case, true);
                }

                yield break;
            case ISwitchExpressionOperation switchExpression:
                yield return (switchExpression.Value, false);
                foreach (ISwitchExpressionArmOperation arm in switchExpression.Arms)
                {
                    yield return (arm, true);
                }

                yield break;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr } logical:
                yield return (logical.LeftOperand, false);
                yield return (logical.RightOperand, true);
                yield break;
            case ICoalesceOperation coalesce:
                yield return (coalesce.Value, false);
                yield return (coalesce.WhenNull, true);
                yield break;
            case ICoalesceAssignmentOperation coalesceAssignment:
                yield return (coalesceAssignment.Target, false);
                yield return (coalesceAssignment.Value, true);
                yield break;
            case IConditionalAccessOperation access:
                yield return (access.Operation, false);
                yield return (access.WhenNotNull, true);
                yield break;
            case ITryOperation @try:
                yield return (@try.Body, false);
                foreach (ICatchClauseOperation @catch in @try.Catches)
                {
                    yield return (@catch, true);
                }

                if (@try.Finally is { } @finally)
                {
                    yield return (@finally, false);
                }

                yield break;
            default:
                foreach (IOperation child in operation.ChildOperations)
                {
                    yield return (child, false);
                }

                yield break;
        }
    }

    /// <summary>
    /// True when <paramref name="statement"/> holds a <c>return</c> or <c>yield break</c>, or a
    /// <c>break</c>, <c>continue</c> or <c>goto</c> that is not inside a loop or switch of its own
    /// (nested functions aside): the statements after it may not run.
    /// </summary>
    private static bool MayLeave(IOperation statement, CancellationToken cancellationToken)
    {
        var pending = new Stack<(IOperation Operation, bool InOwnJumpTarget)>();
        pending.Push((statement, false));
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            (IOperation operation, bool inOwnJumpTarget) = pending.Pop();
            switch (operation)
            {
                case IReturnOperation { Kind: OperationKind.Return or OperationKind.YieldBreak }:
                    return true;
                case IBranchOperation when !inOwnJumpTarget:
                    return true;
                case IAnonymousFunctionOperation or ILocalFunctionOperation:
                    continue;
            }

            bool jumpTarget = inOwnJumpTarget || operation is ILoopOperation or ISwitchOperation;
            foreach (IOperation child in operation.ChildOperations)
            {
                pending.Push((child, jumpTarget));
            }
        }

        return false;
    }
}
