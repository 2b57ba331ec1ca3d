using System.Globalization;
using System.Runtime.InteropServices;

namespace Nabla.Distributed;

/// <summary>
/// What one rank is about to do, exchanged by every rank (a small all-gather) before any collective moves data: which
/// collective, its sequence number, the element type, count, root or operation, receive capacity, and whether the
/// rank's own arguments passed their checks.
/// </summary>
/// <remarks>
/// <para>
/// With every rank's descriptor in hand, every rank reaches the same verdict on the same table: the call goes ahead,
/// or all of them throw (a mismatch, or a bad argument on one rank). So a mistake on one rank never leaves the others
/// waiting inside MPI for a transfer that will not come. Eight 32-bit integers, so that the exchange is one
/// <c>MPI_Iallgather</c> of <c>MPI_INT</c> whose completion the caller can wait for with a deadline.
/// </para>
/// <para>
/// Gathering p descriptors costs O(p) on every rank, so the common case takes a shortcut: a <see cref="Summary"/> of
/// the fields every rank must share and their negations, reduced with <c>MPI_MAX</c> in O(log p), gives every field's
/// maximum and minimum over the ranks; when they are equal everywhere (and no rank reports an argument error) the
/// ranks agree and no table is needed. Only a disagreement, or an all-gather of varying counts, gathers the table.
/// </para>
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
internal struct CollectiveDescriptor
{
    /// <summary>The number of 32-bit integers in a descriptor.</summary>
    public const int Ints = 8;

    /// <summary>The collective.</summary>
    public CollectiveKind Kind;

    /// <summary>The rank's count of collectives so far, this one included (1 for the first).</summary>
    public int Sequence;

    /// <summary>The element type (0 when no data moves).</summary>
    public ElementType Type;

    /// <summary>Elements this rank sends or reduces.</summary>
    public int Count;

    /// <summary>The root rank (<see cref="CollectiveKind.Broadcast"/>), the <see cref="ReduceOp"/> (reductions) or the bucket count.</summary>
    public int Argument;

    /// <summary>Elements the receive buffer holds (<see cref="CollectiveKind.AllGather"/> and <see cref="CollectiveKind.AllGatherV"/>).</summary>
    public int Capacity;

    /// <summary>Non-zero when this rank's arguments failed its local checks; the rank then throws its own exception.</summary>
    public int ArgumentError;

    /// <summary>Unused; keeps the size a power of two.</summary>
    public int Reserved;

    /// <summary>The number of integers in a <see cref="Summary"/>.</summary>
    public const int SummaryInts = 2 * SummaryFields;

    private const int SummaryFields = 6;

    /// <summary>
    /// Writes the fields every rank must share (kind, sequence, type, count, root or operation, argument error), then
    /// their negations: an element-wise <c>MPI_MAX</c> over the ranks then holds each field's maximum and minus its minimum.
    /// </summary>
    /// <param name="summary"><see cref="SummaryInts"/> integers.</param>
    public readonly void Summary(Span<int> summary)
    {
        ReadOnlySpan<int> fields = [(int)Kind, Sequence, (int)Type, Count, Argument, ArgumentError];
        for (int i = 0; i < SummaryFields; i++)
        {
            summary[i] = fields[i];
            summary[SummaryFields + i] = -fields[i];
        }
    }

    /// <summary>Whether the element-wise maximum of every rank's <see cref="Summary"/> says the ranks agree and none reports an argument error.</summary>
    /// <param name="reduced">The reduced summaries.</param>
    /// <returns>True when every field has one value over the ranks and the argument error is 0 everywhere.</returns>
    public static bool Agree(ReadOnlySpan<int> reduced)
    {
        for (int i = 0; i < SummaryFields; i++)
        {
            if (reduced[i] != -reduced[SummaryFields + i])
            {
                return false;
            }
        }

        return reduced[SummaryFields - 1] == 0;
    }

    /// <summary>Describes the call for messages, such as <c>AllReduce #12 (Sum of 669706 float)</c>.</summary>
    /// <returns>The description.</returns>
    public readonly string Describe()
    {
        string type = Type switch
        {
            ElementType.Float => "float",
            ElementType.Double => "double",
            ElementType.Int => "int",
            _ => "byte",
        };
        string n = Count.ToString(CultureInfo.InvariantCulture);
        string detail = Kind switch
        {
            CollectiveKind.AllReduce => $" ({(ReduceOp)Argument} of {n} {type})",
            CollectiveKind.Broadcast => $" ({n} {type} from root {Argument})",
            CollectiveKind.AllGather => $" ({n} {type} per rank)",
            CollectiveKind.AllGatherV => $" ({n} {type} from this rank)",
            CollectiveKind.GradientAllReduce => $" ({n} {type} in {Argument} bucket{(Argument == 1 ? "" : "s")})",
            CollectiveKind.Finalize => " (the last meeting before MPI_Finalize)",
            _ => "",
        };
        string name = Kind switch
        {
            CollectiveKind.GradientAllReduce => "GradientBuckets all-reduce",
            CollectiveKind.Verify => "VerifySameOnAllRanks",
            CollectiveKind.Finalize => "Dispose",
            _ => Kind.ToString(),
        };
        return $"{name} #{Sequence.ToString(CultureInfo.InvariantCulture)}{detail}";
    }
}
