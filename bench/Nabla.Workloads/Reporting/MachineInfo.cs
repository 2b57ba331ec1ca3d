using System.Runtime;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using X86 = System.Runtime.Intrinsics.X86;

namespace Nabla.Workloads.Reporting;

/// <summary>The machine and runtime a run measured on: figures from different machines are not comparable.</summary>
/// <param name="ProcessorCount">Logical processors the process may use.</param>
/// <param name="CpuModel">The CPU's model name (Linux, from /proc/cpuinfo), or null.</param>
/// <param name="Os">The operating system.</param>
/// <param name="Framework">The .NET runtime.</param>
/// <param name="Architecture">The process architecture.</param>
/// <param name="Avx512F">Whether the CPU and runtime support AVX-512F.</param>
/// <param name="Avx2">Whether they support AVX2.</param>
/// <param name="Fma">Whether they support FMA3.</param>
/// <param name="Vector512Accelerated">Whether <c>Vector512</c> is hardware accelerated (the JIT may decline AVX-512 on some CPUs).</param>
/// <param name="ServerGc">Whether the server garbage collector runs.</param>
internal sealed record MachineInfo(
    int ProcessorCount, string? CpuModel, string Os, string Framework, string Architecture,
    bool Avx512F, bool Avx2, bool Fma, bool Vector512Accelerated, bool ServerGc)
{
    /// <summary>This machine and runtime.</summary>
    public static MachineInfo Current() => new(
        Environment.ProcessorCount, CpuModelName(), RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription,
        RuntimeInformation.ProcessArchitecture.ToString(), X86.Avx512F.IsSupported, X86.Avx2.IsSupported,
        X86.Fma.IsSupported, Vector512.IsHardwareAccelerated, GCSettings.IsServerGC);

    /// <summary>One line for the table's header.</summary>
    public string Summary() =>
        $"{CpuModel ?? Architecture}, {ProcessorCount} cores, AVX-512: {(Avx512F ? "yes" : "no")}, {Framework}, {Os}";

    private static string? CpuModelName()
    {
        const string Key = "model name";
        if (!OperatingSystem.IsLinux() || !File.Exists("/proc/cpuinfo"))
        {
            return null;
        }

        foreach (string line in File.ReadLines("/proc/cpuinfo"))
        {
            if (line.StartsWith(Key, StringComparison.Ordinal) && line.IndexOf(':') is int colon and >= 0)
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }
}
