using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace Nabla.Trainers;

/// <summary>
/// Which of Keras's step hooks a model class overrides. The trainer runs the library's own step (arena-backed,
/// allocation-free, any number of inputs and outputs) unless the user's class replaces it; an overridden step gets
/// ordinary tensors it may keep (see <c>Autodiff.StepContext</c>).
/// </summary>
/// <param name="Train">The class overrides <c>TrainStep</c>.</param>
/// <param name="Test">The class overrides <c>TestStep</c>.</param>
/// <param name="Predict">The class overrides <c>PredictStep</c>.</param>
internal readonly record struct StepOverrides(bool Train, bool Test, bool Predict)
{
    private static readonly ConcurrentDictionary<Type, StepOverrides> s_byType = new();

    /// <summary>The overrides of <paramref name="type"/>, found once per class.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "Looks up Model's own protected step methods, which a trimmed app that calls Fit keeps.")]
    public static StepOverrides Of(Type type) => s_byType.GetOrAdd(type, static t => new StepOverrides(
        Overrides(t, "TrainStep", typeof(Tensor), typeof(Tensor)),
        Overrides(t, "TestStep", typeof(Tensor), typeof(Tensor)),
        Overrides(t, "PredictStep", typeof(Tensor))));

    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "See Of.")]
    private static bool Overrides(Type type, string name, params Type[] parameters) =>
        type.GetMethod(name, BindingFlags.Instance | BindingFlags.NonPublic, parameters)?.DeclaringType is { } declaring && declaring != typeof(Model);
}
