using Nabla.Autodiff;
using Nabla.Metrics;

namespace Nabla.Trainers;

// The metric update of a device model: the built-in metrics compute on the device, and the step's losses and every
// metric's sums come back in one copy of a few floats instead of the batch's targets and predictions.
internal sealed partial class MetricSet
{
    private float[] _deviceSums = [];
    private bool[] _queued = [];

    /// <summary>
    /// <see cref="Update"/> for a device model: the losses are copied into one small device buffer beside every built-in
    /// metric's sums (<see cref="Metric.QueueDeviceUpdate"/>), which is read back once and folded in. A metric without a
    /// device path (a user's) gets host copies of its output's targets and predictions, made once per output.
    /// </summary>
    private void UpdateOnDevice(ReadOnlySpan<Tensor> y, ReadOnlySpan<Tensor> yPred, Tensor loss, ReadOnlySpan<Tensor?> outputLosses, int rows)
    {
        int metricCount = _all.Length - 1 - _outputLosses.Length;
        int length = 1 + _outputLosses.Length + (DeviceMetrics.SumLength * metricCount);
        if (_deviceSums.Length < length)
        {
            _deviceSums = new float[length];
            _queued = new bool[metricCount];
        }

        using (StepContext.Current.BeginInferenceBatch())
        {
            Tensor sums = OpSupport.Empty([length], loss);
            Devices.DeviceBackend backend = sums.Memory!.Backend;
            backend.Copy(loss, OpSupport.View(sums, 0, []));
            for (int o = 0; o < _outputLosses.Length; o++)
            {
                if (outputLosses[o] is { } l)
                {
                    backend.Copy(DeviceMetrics.OnDeviceOf(l, loss), OpSupport.View(sums, 1 + o, []));
                }
            }

            int offset = 1 + _outputLosses.Length, index = 0;
            for (int o = 0; o < _metrics.Length; o++)
            {
                if (_metrics[o].Length == 0)
                {
                    continue;   // an output without metrics: nothing to upload or read
                }

                Tensor target = DeviceMetrics.OnDeviceOf(y[o], loss), prediction = DeviceMetrics.OnDeviceOf(yPred[o], loss);
                Tensor? hostTarget = null, hostPrediction = null;
                foreach (Metric m in _metrics[o])
                {
                    _queued[index] = m.QueueDeviceUpdate(target, prediction, null, OpSupport.View(sums, offset, [DeviceMetrics.SumLength]));
                    if (!_queued[index])
                    {
                        // A user's metric runs its span code on host copies, by rule (see MeanMetricWrapper).
                        hostTarget ??= target.To(Device.Cpu);
                        hostPrediction ??= prediction.To(Device.Cpu);
                        m.UpdateState(hostTarget, hostPrediction);
                    }

                    offset += DeviceMetrics.SumLength;
                    index++;
                }
            }

            sums.Memory.CopyTo(sums.Offset, _deviceSums.AsSpan(0, length));   // the step's one read of its metrics
        }

        Loss.Update(_deviceSums[0], rows);
        for (int o = 0; o < _outputLosses.Length; o++)
        {
            if (outputLosses[o] is not null)
            {
                _outputLosses[o].Update(_deviceSums[1 + o], rows);
            }
        }

        int at = 1 + _outputLosses.Length, i = 0;
        foreach (Metric[] perOutput in _metrics)
        {
            foreach (Metric m in perOutput)
            {
                if (_queued[i++])
                {
                    m.FoldDeviceUpdate(_deviceSums.AsSpan(at, DeviceMetrics.SumLength));
                }

                at += DeviceMetrics.SumLength;
            }
        }
    }
}
