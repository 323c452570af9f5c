using System;
using System.IO;
using DreamTrainer;
using DreamTrainer.Samples.CustomCallbacks;
using DreamTrainer.Samples.Digits;

// The Dream Trainer guide's callback examples, trained together on the digits.
TextWriter output = Console.Out;
Console.WriteLine(HarnessTest.Run());

DigitsData data = DigitsData.Load();
(int[] train, int[] validation) = data.Split(0.2, seed: 42);
var group = new MonitoringGroup(output);
string checkpoints = Path.GetFullPath("artifacts/custom-callbacks");
var trainer = new Trainer(new TrainerOptions { MaxEpochs = 8, CheckpointDirectory = checkpoints }, group);

TrainResult result = trainer.Fit(new DigitsMlp(data), new DigitsLoader(train, 32, shuffleSeed: 1), new DigitsLoader(validation, 128));

output.WriteLine($"Done: {result.Reason} after {result.EpochsCompleted} epochs; val_acc {result.History[^1]["val_acc"]:P2}");
output.WriteLine($"StatefulCallback saw {group.Counters.EpochsSeen} epochs, best val_acc {group.Counters.BestAccuracy:P2}; loss spikes: {group.Loss.Spikes}");
output.WriteLine($"Requested checkpoints in {checkpoints}: {string.Join(", ", Directory.Exists(checkpoints) ? Array.ConvertAll(Directory.GetFiles(checkpoints), Path.GetFileName) : Array.Empty<string?>())}");
return 0;
