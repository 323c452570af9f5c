using System;
using System.IO;
using Xunit;

namespace DreamTrainer.Tests.Reliability;

/// <summary>Configuration the trial fed to every public constructor: each fails in the constructor, naming the parameter and the value.</summary>
public class ConstructionValidationTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dt-construct-" + Guid.NewGuid().ToString("N"));

    public ConstructionValidationTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("epoch={epoch}-{no_such_metric}", "{no_such_metric}")]
    [InlineData("epoch={epoch:Q}", "'Q'")]
    [InlineData("val={val_loss:E}-{step:X}", null)]
    public void Checkpoint_templates_are_checked_when_the_callback_is_made(string template, string? named)
    {
        if (named is null)
        {
            _ = new CheckpointCallback(_root, fileNameTemplate: template);
            return;
        }

        var error = Assert.Throws<ArgumentException>(() => new CheckpointCallback(_root, fileNameTemplate: template));
        Assert.Equal("fileNameTemplate", error.ParamName);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Contains(template, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_template_that_could_render_names_too_long_for_a_file_system_is_rejected_and_declared_metrics_are_allowed()
    {
        string template = new string('x', 200) + "-{val_loss:F40}";
        var error = Assert.Throws<ArgumentException>(() => new CheckpointCallback(_root, fileNameTemplate: template));
        Assert.Equal("fileNameTemplate", error.ParamName);
        Assert.Contains("more than the 255", error.Message, StringComparison.Ordinal);

        _ = new CheckpointCallback(_root, fileNameTemplate: "{epoch}-{val_acc:F3}", fileNameMetrics: new[] { "val_acc" });
    }

    [Theory]
    [InlineData("json")]
    [InlineData("csv")]
    public void Logger_paths_that_are_folders_or_end_in_a_separator_are_rejected(string logger)
    {
        foreach (string path in new[] { _root, _root + Path.DirectorySeparatorChar, Path.Combine(_root, "logs") + "/" })
        {
            var error = Assert.Throws<ArgumentException>(() => logger == "json" ? new JsonTrainingLogger(path) : (object)new CsvLogger(path));
            Assert.Equal("path", error.ParamName);
            Assert.Contains(path, error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("   ")]
    [InlineData("runs\0/checkpoints")]
    [InlineData(" runs")]
    public void A_checkpoint_directory_of_white_space_or_with_NUL_is_rejected(string directory)
    {
        var error = Assert.Throws<ArgumentException>(() => new Trainer(new TrainerOptions { CheckpointDirectory = directory }));
        Assert.Equal("CheckpointDirectory", error.ParamName);
        Assert.Contains(directory.Replace("\0", "\\0", StringComparison.Ordinal), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData('-')]
    [InlineData('+')]
    [InlineData('_')]
    [InlineData('\0')]
    [InlineData('7')]
    [InlineData('.')]
    [InlineData('e')]
    [InlineData('E')]
    public void Csv_separators_that_collide_with_numbers_or_names_are_rejected(char separator)
    {
        var error = Assert.Throws<ArgumentException>(() => new CsvLogger(Path.Combine(_root, "log.csv"), separator));
        Assert.Equal("separator", error.ParamName);
        Assert.Contains(separator == '\0' ? "U+0000" : $"'{separator}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Undefined_error_policies_are_rejected_naming_the_value()
    {
        var lambda = Assert.Throws<ArgumentOutOfRangeException>(() => new LambdaCallback { ErrorPolicy = (CallbackErrorPolicy)7 });
        Assert.Equal("ErrorPolicy", lambda.ParamName);
        Assert.Contains("7", lambda.Message, StringComparison.Ordinal);

        var attribute = Assert.Throws<ArgumentOutOfRangeException>(() => new CallbackAttribute { OnError = (CallbackErrorPolicy)(-1) });
        Assert.Equal("OnError", attribute.ParamName);

        var probe = new ProbeCallback(new System.Collections.Generic.List<string>()) { ErrorPolicy = (CallbackErrorPolicy)9 };
        var collection = Assert.Throws<ArgumentException>(() => new CallbackCollection { probe });
        Assert.Contains("error policy 9", collection.Message, StringComparison.Ordinal);
    }
}
