using Nabla.Autodiff;
using Nabla.Devices;
using Nabla.Kernels;

namespace Nabla.Optimizers;

// One update of variables that live on a device: clipping, decay and the built-in rules run there, with nothing read
// back to the host. A custom optimizer's UpdateStep is span code, so it runs on host copies (the documented rule).
public abstract partial class Optimizer
{
    // Device scratch, made on the first clipping step and kept: one sum of squares per gradient, the clipping factor,
    // and the clipped gradient (as large as the largest variable), with a view of each variable's shape over it.
    private DeviceBackend? _clipBackend;
    private Tensor _clipSums = null!, _clipScale = null!, _clipScratch = null!;
    private Tensor[] _clipSumViews = [], _clipViews = [];

    // The update on the variables' device. Clipping follows Clip (clipnorm, else global_clipnorm, else clipvalue): the
    // norms are device reductions into _clipSums and the factor is computed there, so no gradient comes to the host.
    private void ApplyOnDevice(ReadOnlySpan<Tensor> grads, ReadOnlySpan<Variable> variables, float lr, float decay)
    {
        string op = $"Optimizer '{Name}'";
        DeviceBackend backend = _variables[0].Value.Memory!.Backend;
        for (int i = 0; i < grads.Length; i++)
        {
            // Every tensor checked before anything changes, so that a misplaced gradient never leaves a half-applied update.
            if (grads[i] is Tensor g)
            {
                Compute.Same(op, _variables[0].Value, _variables[SlotOf(variables[i], i)].Value, backend);
                Compute.Same(op, _variables[0].Value, g, backend);
            }
        }

        bool clips = Clipnorm.HasValue || Clipvalue.HasValue || GlobalClipnorm.HasValue;
        if (clips)
        {
            PrepareClipping(backend, grads.Length);
        }

        if (Clipnorm is null && GlobalClipnorm is float limit)
        {
            GlobalClipFactor(backend, grads, limit);
        }

        for (int i = 0; i < grads.Length; i++)
        {
            if (grads[i] is not Tensor g)
            {
                continue;
            }

            int slot = SlotOf(variables[i], i);
            Tensor w = _variables[slot].Value;
            if (decay != 0f)
            {
                // Decoupled weight decay, before the update: w = w·(1 − wd·lr).
                Compute.ScalarRight<MultiplyOp>(op, w, 1f - decay, w);
            }

            if (clips)
            {
                g = ClipOnDevice(op, backend, g, i, _clipViews[slot]);
            }

            UpdateOnDevice(w, g, slot, lr);
        }
    }

    // The gradient after clipping, in the scratch view: clipnorm scales by its own factor, global_clipnorm by the one
    // GlobalClipFactor left in _clipScale, clipvalue clamps to ±clipvalue (NaN stays NaN).
    private Tensor ClipOnDevice(string op, DeviceBackend backend, Tensor g, int position, Tensor clipped)
    {
        if (Clipnorm is float maxNorm)
        {
            backend.SumOfSquares(g, _clipSumViews[position]);
            backend.ClipScale(_clipSumViews[position], maxNorm, global: false, _clipScale);
            Compute.Binary<MultiplyOp>(op, g, _clipScale, clipped);
        }
        else if (GlobalClipnorm.HasValue)
        {
            Compute.Binary<MultiplyOp>(op, g, _clipScale, clipped);
        }
        else
        {
            float max = Clipvalue!.Value;
            Compute.ScalarRight<MaximumOp>(op, g, -max, clipped);
            Compute.ScalarRight<MinimumOp>(op, clipped, max, clipped);
        }

        return clipped;
    }

    // _clipScale = Keras's clip_by_global_norm factor over every gradient given (null ones count nothing).
    private void GlobalClipFactor(DeviceBackend backend, ReadOnlySpan<Tensor> grads, float limit)
    {
        backend.Fill(_clipSums, 0f);
        for (int i = 0; i < grads.Length; i++)
        {
            if (grads[i] is Tensor g)
            {
                backend.SumOfSquares(g, _clipSumViews[i]);
            }
        }

        backend.ClipScale(_clipSums, limit, global: true, _clipScale);
    }

    // Allocates the device scratch once (again only when the variables moved device or more gradients came at once).
    private void PrepareClipping(DeviceBackend backend, int gradients)
    {
        if (ReferenceEquals(_clipBackend, backend) && _clipSumViews.Length >= gradients)
        {
            return;
        }

        int count = Math.Max(gradients, _variables.Length), largest = 1;
        foreach (Variable v in _variables)
        {
            largest = Math.Max(largest, v.Value.Size);
        }

        _clipSums = Tensor.ZerosOn(backend.Device, [count]);
        _clipScale = Tensor.ZerosOn(backend.Device, []);   // rank 0: broadcasts against any gradient
        _clipScratch = Tensor.ZerosOn(backend.Device, [largest]);
        _clipSumViews = new Tensor[count];
        for (int i = 0; i < count; i++)
        {
            _clipSumViews[i] = new Tensor(_clipSums.Memory!, i, [1]);
        }

        _clipViews = new Tensor[_variables.Length];
        for (int i = 0; i < _variables.Length; i++)
        {
            _clipViews[i] = new Tensor(_clipScratch.Memory!, 0, _variables[i].Value.Dims.ToArray());
        }

        _clipBackend = backend;
    }

    /// <summary>
    /// Updates a device variable's value in place. The built-in optimizers run their kernels on the device (their slots
    /// live there). Any other optimizer's <see cref="UpdateStep"/> is user span code, so it runs on host copies of the
    /// weight and the (already clipped, on the device) gradient, and its slots stay on the host: the deliberate rule for
    /// custom optimizers, correct on every device, at the cost of two copies per variable and step.
    /// </summary>
    private protected virtual void UpdateOnDevice(Tensor weight, Tensor gradient, int slot, float learningRate)
    {
        float[] w = weight.ToArray();
        UpdateStep(w, gradient.ToArray(), slot, 0, learningRate);
        weight.Memory!.CopyFrom(w, weight.Offset);
    }

    /// <summary>Whether slots live on the variables' device (the optimizer overrides <see cref="UpdateOnDevice"/>).</summary>
    private protected virtual bool SlotsOnDevice => false;
}
