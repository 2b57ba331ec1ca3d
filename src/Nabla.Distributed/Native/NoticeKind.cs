namespace Nabla.Distributed.Native;

/// <summary>The messages of the <see cref="FaultChannel"/>.</summary>
internal enum NoticeKind
{
    /// <summary>The sender failed; the text is its error.</summary>
    Failed = 1,

    /// <summary>The sender gave up waiting in a collective; the text says which. Receivers answer with <see cref="Present"/>.</summary>
    TimedOut = 2,

    /// <summary>An answer to <see cref="TimedOut"/>: the sender is alive; the text says which collective it is in.</summary>
    Present = 3,

    /// <summary>What the rank that gave up concluded, sent to the ranks that answered: the silent ranks (comma-separated), a newline, the text.</summary>
    Verdict = 4,
}
