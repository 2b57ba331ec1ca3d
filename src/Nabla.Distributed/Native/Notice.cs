namespace Nabla.Distributed.Native;

/// <summary>One message received on the <see cref="FaultChannel"/>.</summary>
/// <param name="Kind">What it says.</param>
/// <param name="Rank">The rank that sent it.</param>
/// <param name="Text">The error, or the collective the sender is in.</param>
internal readonly record struct Notice(NoticeKind Kind, int Rank, string Text);
