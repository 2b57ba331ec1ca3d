using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

/// <summary>Walks output pixels in order (n, oh, ow), keeping the three coordinates without a division per pixel.</summary>
internal struct PixelWalk
{
    private readonly int _outputHeight, _outputWidth;

    /// <summary>Starts at pixel <paramref name="pixel"/> of <paramref name="g"/>'s output.</summary>
    public PixelWalk(in Conv2DGeometry g, int pixel)
    {
        _outputHeight = g.OutputHeight;
        _outputWidth = g.OutputWidth;
        int plane = _outputHeight * _outputWidth;
        N = pixel / plane;
        int rest = pixel - (N * plane);
        Oh = rest / _outputWidth;
        Ow = rest - (Oh * _outputWidth);
    }

    /// <summary>Image of the current pixel.</summary>
    public int N { get; private set; }

    /// <summary>Output row of the current pixel.</summary>
    public int Oh { get; private set; }

    /// <summary>Output column of the current pixel.</summary>
    public int Ow { get; private set; }

    /// <summary>Moves to the next pixel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Next()
    {
        if (++Ow < _outputWidth)
            return;
        Ow = 0;
        if (++Oh < _outputHeight)
            return;
        Oh = 0;
        N++;
    }
}
