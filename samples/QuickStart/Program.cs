using System;
using DreamTrainer.Samples.QuickStart;

// dotnet run --project samples/QuickStart [-- --epochs 40 --output artifacts/quickstart]
var options = new QuickStartOptions();
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--epochs" when i + 1 < args.Length:
            options = options with { Epochs = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture) };
            break;
        case "--output" when i + 1 < args.Length:
            options = options with { OutputDirectory = args[++i] };
            break;
        default:
            Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: QuickStart [--epochs N] [--output DIR]");
            return 2;
    }
}

QuickStartResult result = QuickStartApp.Run(options, Console.Out);
return result.ValidationAccuracy > 0.9 ? 0 : 1;
