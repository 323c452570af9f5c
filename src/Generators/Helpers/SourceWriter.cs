using System;
using System.Text;

namespace DreamTrainer.Generators.Helpers;

/// <summary>
/// An indenting text writer for generated C#, after dotnet/runtime's SourceWriter: four spaces
/// per level, LF line endings, so output is byte-identical on every machine.
/// </summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    public void WriteLine(string line = "")
    {
        if (line.Length > 0)
        {
            _text.Append(' ', _indent * 4);
            _text.Append(line);
        }

        _text.Append('\n');
    }

    /// <summary>Writes several lines (split on LF), each at the current indentation.</summary>
    public void WriteLines(string lines)
    {
        foreach (string line in lines.Split('\n'))
        {
            WriteLine(line.TrimEnd('\r'));
        }
    }

    public void OpenBlock(string header)
    {
        WriteLine(header);
        WriteLine("{");
        _indent++;
    }

    public void CloseBlock(string suffix = "")
    {
        _indent--;
        if (_indent < 0)
        {
            throw new InvalidOperationException("Unbalanced block.");
        }

        WriteLine("}" + suffix);
    }

    public override string ToString() => _text.ToString();
}
