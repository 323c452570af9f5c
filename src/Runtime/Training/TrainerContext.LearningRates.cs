using System;

namespace DreamTrainer;

/// <summary>Learning rates and momentum of the run's parameter groups.</summary>
public sealed partial class TrainerContext
{
    /// <summary>The learning rate of <paramref name="group"/>.</summary>
    /// <param name="group">The parameter group, from 0.</param>
    /// <returns>The learning rate.</returns>
    /// <exception cref="InvalidOperationException">The engine exposes no learning rates.</exception>
    public double GetLearningRate(int group)
    {
        ILearningRateControl control = RequireLearningRates();
        CheckGroup(control, group);
        return control.GetLearningRate(group);
    }

    /// <summary>The momentum (or beta1) of <paramref name="group"/>, when the optimizer has one.</summary>
    /// <param name="group">The parameter group, from 0.</param>
    /// <param name="momentum">The momentum, or NaN.</param>
    /// <returns>False when there is none.</returns>
    public bool TryGetMomentum(int group, out double momentum)
    {
        if (_learningRates is { } control && (uint)group < (uint)control.GroupCount)
        {
            return control.TryGetMomentum(group, out momentum);
        }

        momentum = double.NaN;
        return false;
    }

    /// <summary>Sets the learning rate of every parameter group.</summary>
    /// <param name="learningRate">The new rate, finite and non-negative.</param>
    /// <exception cref="ArgumentOutOfRangeException">The rate is negative or not finite.</exception>
    /// <exception cref="InvalidOperationException">The engine exposes no learning rates.</exception>
    [TrainerControl]
    public void SetLearningRate(double learningRate)
    {
        ILearningRateControl control = RequireLearningRates();
        CheckRate(learningRate);
        for (int group = 0; group < control.GroupCount; group++)
        {
            control.SetLearningRate(group, learningRate);
        }
    }

    /// <summary>Sets the learning rate of one parameter group.</summary>
    /// <param name="group">The parameter group, from 0.</param>
    /// <param name="learningRate">The new rate, finite and non-negative.</param>
    /// <exception cref="ArgumentOutOfRangeException">The group does not exist, or the rate is negative or not finite.</exception>
    /// <exception cref="InvalidOperationException">The engine exposes no learning rates.</exception>
    [TrainerControl]
    public void SetLearningRate(int group, double learningRate)
    {
        ILearningRateControl control = RequireLearningRates();
        CheckGroup(control, group);
        CheckRate(learningRate);
        control.SetLearningRate(group, learningRate);
    }

    /// <summary>
    /// The metric name of a parameter group's learning rate: <c>lr</c> with one group, <c>lr-pg1</c>,
    /// <c>lr-pg2</c>, … (numbered from 1) with several. The trainer and <see cref="LearningRateMonitor"/>
    /// use the same names, so a log holds each rate once.
    /// </summary>
    internal string LearningRateName(int group)
    {
        RefreshRateNames();
        return _rateNames[group];
    }

    /// <summary>The metric name of a parameter group's momentum: <c>momentum</c>, or <c>momentum-pg1</c>, ….</summary>
    internal string MomentumName(int group)
    {
        RefreshRateNames();
        return _momentumNames[group];
    }

    /// <summary>Logs every group's learning rate under <see cref="LearningRateName"/>.</summary>
    internal void LogLearningRates()
    {
        if (_learningRates is not { } control)
        {
            return;
        }

        for (int group = 0; group < control.GroupCount; group++)
        {
            Log(LearningRateName(group), control.GetLearningRate(group));
        }
    }

    /// <summary>Builds the rate and momentum names once per group count, so logging them allocates nothing.</summary>
    private void RefreshRateNames()
    {
        int groups = _learningRates?.GroupCount ?? 0;
        if (_rateNames.Length == groups)
        {
            return;
        }

        _rateNames = new string[groups];
        _momentumNames = new string[groups];
        for (int group = 0; group < groups; group++)
        {
            string suffix = groups == 1 ? string.Empty : "-pg" + (group + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            _rateNames[group] = "lr" + suffix;
            _momentumNames[group] = "momentum" + suffix;
        }
    }

    private ILearningRateControl RequireLearningRates() =>
        _learningRates ?? throw new InvalidOperationException(
            "The module exposes no learning rates: implement ILearningRateControl on it or return one from ITrainingModule.LearningRates.");

    private static void CheckGroup(ILearningRateControl control, int group)
    {
        if ((uint)group >= (uint)control.GroupCount)
        {
            throw new ArgumentOutOfRangeException(nameof(group), group, $"group must be between 0 and {control.GroupCount - 1}; it was {group}.");
        }
    }

    private static void CheckRate(double learningRate)
    {
        if (!double.IsFinite(learningRate) || learningRate < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, $"learningRate must be finite and non-negative; it was {learningRate}.");
        }
    }
}
