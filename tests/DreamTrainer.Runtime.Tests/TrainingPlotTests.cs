using System;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using Xunit;

namespace DreamTrainer.Tests;

public class TrainingPlotTests : IDisposable
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "dt-plot-" + Guid.NewGuid().ToString("N"));

    public TrainingPlotTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Log(string json)
    {
        string path = Path.Combine(_directory, "log.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void The_svg_parses_as_xml_with_title_axes_ticks_legend_and_one_point_per_logged_value()
    {
        string log = Log("""
            [
              {"epoch": 0, "timestamp": "t", "loss": 2.0, "val_loss": 1.5},
              {"epoch": 1, "timestamp": "t", "loss": 1.0, "val_loss": null},
              {"epoch": 2, "timestamp": "t", "loss": 0.5, "val_loss": 0.75}
            ]
            """);

        XDocument svg = XDocument.Parse(TrainingPlot.RenderSvg(log, "My run"));

        Assert.Contains(svg.Descendants(Svg + "text"), t => t.Value == "My run");
        Assert.Contains(svg.Descendants(Svg + "text"), t => t.Value == "epoch");
        Assert.NotEmpty(svg.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "y-ticks").Elements(Svg + "text"));
        Assert.Equal(3, svg.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "x-ticks").Elements(Svg + "text").Count());
        Assert.Equal(new[] { "loss", "val_loss" }, svg.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "legend").Select(g => g.Element(Svg + "text")!.Value));
        var points = svg.Descendants(Svg + "circle").Select(c => ((string)c.Attribute("data-series")!, (int)c.Attribute("data-epoch")!, (double)c.Attribute("data-value")!)).ToList();
        Assert.Equal(new[] { ("loss", 0, 2.0), ("loss", 1, 1.0), ("loss", 2, 0.5), ("val_loss", 0, 1.5), ("val_loss", 2, 0.75) }, points);
    }

    [Fact]
    public void Higher_values_are_drawn_higher_on_the_chart()
    {
        string log = Log("""[{"epoch": 0, "loss": 3.0}, {"epoch": 1, "loss": 1.0}]""");

        var ys = XDocument.Parse(TrainingPlot.RenderSvg(log)).Descendants(Svg + "circle").Select(c => (double)c.Attribute("cy")!).ToList();

        Assert.True(ys[0] < ys[1]);
    }

    [Fact]
    public void A_file_that_is_not_a_log_names_the_problem()
    {
        Assert.Throws<InvalidDataException>(() => TrainingPlot.RenderSvg(Log("""{"epoch": 1}""")));
        Assert.Contains("epoch", Assert.Throws<InvalidDataException>(() => TrainingPlot.RenderSvg(Log("""[{"loss": 1}]"""))).Message, StringComparison.Ordinal);
    }
}
