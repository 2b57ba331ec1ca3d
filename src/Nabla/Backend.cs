using Nabla.Layers;

namespace Nabla;

/// <summary>Global state of the library, as Keras's <c>keras.backend</c> / <c>keras.utils</c> functions.</summary>
public static class Backend
{
    /// <summary>
    /// Resets the automatic layer names on this thread, so that the next <c>Dense</c> is named <c>dense</c> again
    /// (Keras's <c>clear_session</c>).
    /// </summary>
    public static void ClearSession() => LayerNames.Reset();
}
