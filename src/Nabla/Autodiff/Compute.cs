using System.Runtime.CompilerServices;
using Nabla.Devices;

namespace Nabla.Autodiff;

/// <summary>
/// The one dispatch between the ops and the places that compute them: every op body calls these functions instead of
/// the kernels. When every tensor involved lives on the CPU, a function runs exactly the span kernel the op used to
/// call (one null check more); otherwise it checks that the tensors share one device and runs that device's
/// <see cref="DeviceBackend"/>.
/// </summary>
/// <remarks>
/// The families live in partial files (<c>Compute.Elementwise.cs</c>, <c>Compute.Gemm.cs</c>…), each function named
/// for what it computes and taking the sizes its CPU kernel takes. Mixing devices in one op is an
/// <see cref="InvalidOperationException"/> naming the op and both devices; there is no silent copy.
/// </remarks>
internal static partial class Compute
{
    /// <summary>y[i] = value for every element.</summary>
    public static void Fill(Tensor y, float value)
    {
        if (y.Memory is null)
        {
            y.Span.Fill(value);
            return;
        }

        y.Memory.Backend.Fill(y, value);
    }

    /// <summary>Copies <paramref name="source"/> into <paramref name="destination"/> (same size, same device).</summary>
    public static void Copy(string op, Tensor source, Tensor destination)
    {
        if ((source.Memory ?? destination.Memory) is null)
        {
            source.Span.CopyTo(destination.Span);
            return;
        }

        Backend(op, source, destination).Copy(source, destination);
    }

    /// <summary>Copies <paramref name="source"/> into <paramref name="destination"/> (same size), whichever devices they live on.</summary>
    public static void CopyAcross(Tensor source, Tensor destination)
    {
        DeviceMemory? from = source.Memory, to = destination.Memory;
        if (from is null && to is null)
        {
            source.Span.CopyTo(destination.Span);
        }
        else if (from is null)
        {
            to!.CopyFrom(source.Span, destination.Offset);
        }
        else if (to is null)
        {
            from.CopyTo(source.Offset, destination.Span);
        }
        else if (ReferenceEquals(from.Backend, to.Backend))
        {
            from.Backend.Copy(source, destination);
        }
        else
        {
            to.CopyFrom(source.ToArray(), destination.Offset);
        }
    }

    /// <summary>The backend of the device that <paramref name="a"/> and <paramref name="b"/> share; throws when they do not share one.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static DeviceBackend Backend(string op, Tensor a, Tensor? b)
    {
        DeviceBackend? backend = a.Memory?.Backend;
        if (b is not null && !ReferenceEquals(b.Memory?.Backend, backend))
        {
            throw Mixed(op, a, b);
        }

        return backend ?? throw Mixed(op, a, b ?? a);
    }

    /// <inheritdoc cref="Backend(string, Tensor, Tensor?)"/>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static DeviceBackend Backend(string op, Tensor a, Tensor? b, Tensor? c, Tensor? d = null, Tensor? e = null)
    {
        DeviceBackend backend = Backend(op, a, b);
        Same(op, a, c, backend);
        Same(op, a, d, backend);
        Same(op, a, e, backend);
        return backend;
    }

    /// <summary>Throws unless <paramref name="t"/> (when given) lives on <paramref name="backend"/>'s device.</summary>
    public static void Same(string op, Tensor first, Tensor? t, DeviceBackend backend)
    {
        if (t is not null && !ReferenceEquals(t.Memory?.Backend, backend))
        {
            throw Mixed(op, first, t);
        }
    }

    /// <summary>The error for an op whose tensors live on different devices.</summary>
    public static InvalidOperationException Mixed(string op, Tensor a, Tensor b) => new(
        $"{op} expects all its tensors on one device, but received tensors on '{a.Device.Name}' and '{b.Device.Name}'. " +
        "Move them with tensor.To(device) first (a model's weights live on the device that was current when it was built).");
}
