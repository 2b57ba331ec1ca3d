namespace Nabla.Devices;

/// <summary>The optimizer updates a <see cref="DeviceBackend"/> runs in place (the built-in optimizers' rules).</summary>
internal enum OptimizerRule
{
    /// <summary>w −= lr·g.</summary>
    Sgd,

    /// <summary>SGD with momentum (slot 1: momentum), Nesterov optional.</summary>
    SgdMomentum,

    /// <summary>Adam (slot 1: m, slot 2: v, slot 3: v̂ with AMSGrad).</summary>
    Adam,

    /// <summary>RMSprop (slot 1: velocity, slot 2: momentum buffer, slot 3: average gradient).</summary>
    RmsProp,

    /// <summary>Adagrad (slot 1: accumulator).</summary>
    Adagrad,
}
