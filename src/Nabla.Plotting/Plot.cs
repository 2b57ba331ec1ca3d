namespace Nabla.Plotting;

/// <summary>
/// Charts for the everyday questions of deep learning: how did training go (<see cref="History"/>), what does the
/// model predict (<see cref="ImageGrid"/>, <see cref="Bars"/>), what does a tensor look like (<see cref="Lines(string, Tensor, ValueTuple{string, Tensor}[])"/>,
/// <see cref="Image"/>); the matplotlib figures of the Keras tutorials, as image files.
/// </summary>
/// <remarks>
/// <para>
/// Every method writes one file whose format follows its extension: <c>.png</c>, <c>.svg</c> or <c>.jpg</c>
/// (<c>.jpeg</c>); any other extension is an <see cref="ArgumentException"/>. Width and height are in pixels.
/// Files are written atomically (to a temporary file in the same folder, then renamed), so an interrupted
/// program never leaves a broken image in place of a good one. Charts are drawn with ScottPlot.
/// </para>
/// <para>
/// Images may hold values 0..1 or 0..255: a tensor with any value above 1 is drawn on the 0..255 scale.
/// </para>
/// </remarks>
public static partial class Plot
{
    internal static readonly ScottPlot.Color Blue = ScottPlot.Color.FromHex("#1F5FD6");
    internal static readonly ScottPlot.Color Red = ScottPlot.Color.FromHex("#D62728");
    internal static readonly ScottPlot.Color Grey = ScottPlot.Color.FromHex("#777777");
}
