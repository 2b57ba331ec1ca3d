namespace Nabla.Devices;

/// <summary>The scalars of one <see cref="DeviceBackend.OptimizerStep"/>; each rule reads the ones it uses.</summary>
/// <param name="LearningRate">The learning rate (SGD, RMSprop, Adagrad).</param>
/// <param name="Momentum">The momentum (SGD with momentum, RMSprop).</param>
/// <param name="Nesterov">Whether SGD's momentum is Nesterov's.</param>
/// <param name="OneMinusBeta1">Adam's 1 − β1.</param>
/// <param name="OneMinusBeta2">Adam's 1 − β2.</param>
/// <param name="Alpha">Adam's bias-corrected step size.</param>
/// <param name="Epsilon">The stabilizer (Adam, RMSprop, Adagrad).</param>
/// <param name="Rho">RMSprop's decay.</param>
internal readonly record struct OptimizerArguments(
    float LearningRate = 0f, float Momentum = 0f, bool Nesterov = false, float OneMinusBeta1 = 0f, float OneMinusBeta2 = 0f,
    float Alpha = 0f, float Epsilon = 0f, float Rho = 0f);
