using Nabla.Kernels.Parallel;

namespace Nabla.Kernels;

internal static unsafe partial class ImageTransform
{
    private struct AffineJob : IParallelJob
    {
        public Geometry Geometry;
        public long Rows;
        public int Parts;

        public readonly void Execute(int index)
        {
            long first = Rows * index / Parts, last = Rows * (index + 1) / Parts;
            int h = Geometry.Height;
            for (long r = first; r < last; r++)
            {
                Geometry.ForwardRow((int)(r / h), (int)(r % h));
            }
        }
    }

    private struct AdjointJob : IParallelJob
    {
        public Geometry Geometry;
        public int Batch, Parts;

        public readonly void Execute(int index)
        {
            int first = (int)((long)Batch * index / Parts), last = (int)((long)Batch * (index + 1) / Parts);
            for (int n = first; n < last; n++)
            {
                Geometry.AdjointImage(n);
            }
        }
    }

    private struct FlipJob : IParallelJob
    {
        public float* X, Y;
        public int* Flips;
        public int Height, Width, Channels, Parts;
        public long Rows;

        public readonly void Execute(int index)
        {
            long first = Rows * index / Parts, last = Rows * (index + 1) / Parts;
            int rowLength = Width * Channels;
            for (long r = first; r < last; r++)
            {
                int n = (int)(r / Height), row = (int)(r % Height);
                int code = Flips[n];
                int sourceRow = (code & 2) != 0 ? Height - 1 - row : row;
                var src = new ReadOnlySpan<float>(X + ((((long)n * Height) + sourceRow) * rowLength), rowLength);
                var dst = new Span<float>(Y + ((((long)n * Height) + row) * rowLength), rowLength);
                if ((code & 1) == 0)
                {
                    src.CopyTo(dst);
                }
                else if (Channels == 1)
                {
                    src.CopyTo(dst);
                    dst.Reverse();   // vectorised in the BCL
                }
                else
                {
                    for (int q = 0, from = rowLength - Channels; q < rowLength; q += Channels, from -= Channels)
                    {
                        src.Slice(from, Channels).CopyTo(dst.Slice(q, Channels));
                    }
                }
            }
        }
    }
}
