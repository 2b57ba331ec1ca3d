namespace Nabla;

/// <summary>
/// Thrown when an operation or a layer receives a tensor whose shape it cannot accept.
/// </summary>
/// <remarks>
/// The message names the operation (or layer), the shape it expected and the shape it received, and how to
/// fix it when a fix is known. <see cref="Operation"/>, <see cref="Expected"/> and <see cref="Actual"/> carry
/// the same facts for code that inspects them.
/// </remarks>
public sealed class ShapeMismatchException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="operation">The operation or layer that rejected the input, e.g. <c>MatMul</c>.</param>
    /// <param name="expected">What was expected, as text (a shape such as <c>[*, 784]</c> or a rule).</param>
    /// <param name="actual">The shape or shapes received, as text.</param>
    /// <param name="message">The full message.</param>
    public ShapeMismatchException(string operation, string expected, string actual, string message)
        : base(message)
    {
        Operation = operation;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>Creates the exception, wrapping the lower-level error that revealed the mismatch.</summary>
    /// <param name="operation">The operation or layer that rejected the input.</param>
    /// <param name="expected">What was expected, as text.</param>
    /// <param name="actual">The shape or shapes received, as text.</param>
    /// <param name="message">The full message.</param>
    /// <param name="innerException">The error that revealed the mismatch.</param>
    public ShapeMismatchException(string operation, string expected, string actual, string message, Exception innerException)
        : base(message, innerException)
    {
        Operation = operation;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The operation or layer that rejected the input.</summary>
    public string Operation { get; }

    /// <summary>What the operation expected, as text.</summary>
    public string Expected { get; }

    /// <summary>The shape or shapes it received, as text.</summary>
    public string Actual { get; }
}
