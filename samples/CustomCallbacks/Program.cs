using System;
using System.IO;
using DreamTrainer.Samples.CustomCallbacks;

// The Dream Trainer guide's callback examples, one file each, trained together on the digits.
GuideExamples.Run(Console.Out, epochs: 8, directory: Path.GetFullPath("artifacts/custom-callbacks"));
return 0;
