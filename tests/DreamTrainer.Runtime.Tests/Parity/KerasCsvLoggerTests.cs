using System;
using System.IO;
using System.Linq;
using Xunit;

namespace DreamTrainer.Tests.Parity;

/// <summary>
/// keras-team/keras, keras/src/callbacks/csv_logger_test.py (CSVLoggerTest): both tests, ported.
/// The <c>epoch</c> column counts from 1 (Keras writes the 0-based index), and a NaN epoch ended by
/// TerminateOnNaN has no row — both listed in the README's differences.
/// </summary>
public class KerasCsvLoggerTests : ParityFolder
{
    /// <summary>Keras' make_model: loss "mse" and metric "mse", no learning-rate callback (so no lr column).</summary>
    private static ParityModule MakeModel(double valLoss = 0.25) =>
        new ParityModule { ExposesLearningRates = false, ValidationLoss = _ => valLoss }
            .LogInTraining("mse", _ => 0.5, MetricReduction.Mean)
            .LogInValidation("val_mse", _ => valLoss, MetricReduction.Mean);

    // keras-team/keras keras/src/callbacks/csv_logger_test.py::CSVLoggerTest::test_CSVLogger
    // Run in both write modes: with background writes the file is rendered on the writer thread.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void test_CSVLogger(bool background)
    {
        string path = Path.Combine(Root, "log.tsv");
        const char sep = '\t';

        // Case 1: a new file with the given separator.
        new Trainer(new TrainerOptions { MaxEpochs = 1, WriteFilesInBackground = background }, new CallbackCollection { new CsvLogger(path, separator: sep) }).Fit(MakeModel(), Batches(3), Batches(3));
        Assert.Equal("epoch\tloss\tmse\tval_loss\tval_mse", File.ReadLines(path).First());

        // Case 2: append to the existing file, without a second header; case 3: the same logger object again.
        var appending = new CsvLogger(path, separator: sep, append: true);
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 1, WriteFilesInBackground = background }, new CallbackCollection { appending });
        trainer.Fit(MakeModel(), Batches(3), Batches(3));
        new Trainer(new TrainerOptions { MaxEpochs = 2, WriteFilesInBackground = background }, new CallbackCollection { appending }).Fit(MakeModel(), Batches(3), Batches(3));

        string[] lines = File.ReadAllLines(path);
        Assert.All(lines, line => Assert.Equal(4, line.Count(c => c == sep)));
        Assert.Equal(5, lines.Length);
        Assert.Single(lines, line => line.Contains("epoch", StringComparison.Ordinal));
        Assert.Equal(new[] { "1", "1", "1", "2" }, lines.Skip(1).Select(l => l.Split(sep)[0]));
        File.Delete(path);

        // Validation every 3 epochs: val_loss is registered in row 3 only, NA elsewhere.
        TrainResult history = new Trainer(new TrainerOptions { MaxEpochs = 5, ValidateEveryNEpochs = 3, WriteFilesInBackground = background }, new CallbackCollection { new CsvLogger(path, separator: sep) })
            .Fit(MakeModel(valLoss: 0.375), Batches(3), Batches(3));
        string[] header = File.ReadLines(path).First().Split(sep);
        int column = Array.IndexOf(header, "val_loss");
        string[][] rows = File.ReadLines(path).Skip(1).Select(l => l.Split(sep)).ToArray();
        for (int row = 1; row <= rows.Length; row++)
        {
            Assert.Equal(row == 3 ? history.History[2]["val_loss"].ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "NA", rows[row - 1][column]);
        }
    }

    // keras-team/keras keras/src/callbacks/csv_logger_test.py::CSVLoggerTest::test_stop_training_csv
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void test_stop_training_csv(bool background)
    {
        string path = Path.Combine(Root, "csv_logger.csv");
        var model = new ParityModule { TrainLoss = _ => double.PositiveInfinity };

        TrainResult history = new Trainer(new TrainerOptions { MaxEpochs = 20, WriteFilesInBackground = background }, new CallbackCollection { new TerminateOnNaN(), new CsvLogger(path) })
            .Fit(model, Batches(3), Batches(3));

        // Deliberate difference: the run ends at the first non-finite step, before the epoch ends,
        // so no History entry and no CSV row describes the broken epoch (Keras writes a 'nan' row).
        Assert.Equal(TrainEndReason.Stopped, history.Reason);
        Assert.Empty(history.History);
        Assert.False(File.Exists(path));
    }
}
