using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace DreamTrainer.Samples.Digits;

/// <summary>The UCI digits: 8x8 images as 64 features scaled to 0..1, and labels 0..9.</summary>
public sealed class DigitsData
{
    /// <summary>Pixels per image.</summary>
    public const int Features = 64;

    /// <summary>Number of classes.</summary>
    public const int Classes = 10;

    private DigitsData(float[] features, int[] labels)
    {
        Pixels = features;
        Labels = labels;
    }

    /// <summary>All images, row after row (Count × 64).</summary>
    public float[] Pixels { get; }

    /// <summary>The label of each image.</summary>
    public int[] Labels { get; }

    /// <summary>The number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>The copy of digits.csv shipped next to the samples' binaries.</summary>
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "Data", "digits.csv");

    /// <summary>Reads digits.csv (65 integers a row: 64 pixels 0..16, then the label).</summary>
    /// <param name="path">The file; default: <see cref="DefaultPath"/>.</param>
    /// <returns>The data.</returns>
    /// <exception cref="InvalidDataException">A row is malformed; the message names the line.</exception>
    public static DigitsData Load(string? path = null)
    {
        path ??= DefaultPath;
        var pixels = new List<float>();
        var labels = new List<int>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            string[] fields = line.Split(',');
            if (fields.Length != Features + 1)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: expected {Features + 1} values, found {fields.Length}.");
            }

            for (int i = 0; i < Features; i++)
            {
                pixels.Add(int.Parse(fields[i], CultureInfo.InvariantCulture) / 16f);
            }

            int label = int.Parse(fields[Features], CultureInfo.InvariantCulture);
            if (label is < 0 or >= Classes)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: label {label} is not 0..9.");
            }

            labels.Add(label);
        }

        return new DigitsData(pixels.ToArray(), labels.ToArray());
    }

    /// <summary>The pixels of image <paramref name="index"/>.</summary>
    /// <param name="index">The image.</param>
    /// <returns>Its 64 features.</returns>
    public ReadOnlySpan<float> Image(int index) => Pixels.AsSpan(index * Features, Features);

    /// <summary>Splits the image indices at random into training and validation sets.</summary>
    /// <param name="validationFraction">The share held out, between 0 and 1.</param>
    /// <param name="seed">The shuffle seed.</param>
    /// <returns>The two index sets.</returns>
    public (int[] Train, int[] Validation) Split(double validationFraction, int seed)
    {
        if (!(validationFraction > 0 && validationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, $"validationFraction must be between 0 and 1; it was {validationFraction}.");
        }

        int[] order = new int[Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        new Random(seed).Shuffle(order);
        int validation = (int)Math.Round(Count * validationFraction);
        return (order[validation..], order[..validation]);
    }
}
