using Nabla.Distributed.Native;
using Nabla.Distributed.Tests.Support;

namespace Nabla.Distributed.Tests.Native;

/// <summary>The library search, and the handle tables of the installed libraries (loaded, not initialized).</summary>
public class MpiLibraryTests
{
    [Fact]
    public void The_launchers_family_is_tried_first_and_an_explicit_library_alone()
    {
        Assert.Equal(["libmpi.so.40", "libmpich.so.12", "libmpi.so.12", "libmpi.so"], MpiLibrary.Candidates(null, null));
        Assert.Equal(["libmpi.so.40", "libmpich.so.12", "libmpi.so.12", "libmpi.so"], MpiLibrary.Candidates(" ", MpiAbiKind.OpenMpi));
        Assert.Equal(["libmpich.so.12", "libmpi.so.12", "libmpi.so.40", "libmpi.so"], MpiLibrary.Candidates(null, MpiAbiKind.Mpich));
        Assert.Equal(["/opt/mpi/lib/libmpi.so"], MpiLibrary.Candidates("/opt/mpi/lib/libmpi.so", MpiAbiKind.Mpich));
    }

    [Fact]
    public void Libraries_that_do_not_load_are_listed_with_the_reason()
    {
        Assert.Null(MpiLibrary.TryLoad(["libnabla-test-a.so", "libnabla-test-b.so"], out string failures));
        AssertEx.Contains(failures, "  libnabla-test-a.so: ", "  libnabla-test-b.so: ");
        Assert.Equal(2, failures.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void Open_MPI_handles_are_the_addresses_of_its_exported_globals()
    {
        MpiLibrary mpi = MpiLibrary.TryLoad(["libmpi.so.40"], out string failures)
            ?? throw new Xunit.Sdk.XunitException($"Open MPI is not installed (apt-get install openmpi-bin; .ci/run installs it):\n{failures}");
        Assert.Equal(MpiAbiKind.OpenMpi, mpi.Abi.Kind);
        Assert.StartsWith("Open MPI v", mpi.Version, StringComparison.Ordinal);
        nint[] handles = [mpi.Abi.CommWorld, mpi.Abi.Float, mpi.Abi.Double, mpi.Abi.Int, mpi.Abi.Byte, mpi.Abi.OpSum, mpi.Abi.OpMax, mpi.Abi.OpMin, mpi.Abi.ErrorsReturn];
        Assert.All(handles, h => Assert.True(h > 4096, $"handle {h:x} is not an address"));
        Assert.Equal(handles.Length, handles.Distinct().Count());
        Assert.Equal((1, 0, -1), (mpi.Abi.InPlace, mpi.Abi.StatusIgnore, mpi.Abi.AnySource));
        Assert.Equal(mpi.Abi.Float, mpi.Abi.Datatype(ElementType.Float));
        Assert.Equal(mpi.Abi.OpMin, mpi.Abi.Operation(ReduceOp.Min));
    }

    [Fact]
    public void MPICH_handles_are_integer_constants()
    {
        MpiLibrary mpi = MpiLibrary.TryLoad(["libmpich.so.12", "libmpi.so.12"], out string failures)
            ?? throw new Xunit.Sdk.XunitException($"MPICH is not installed (apt-get install mpich; .ci/run installs it):\n{failures}");
        Assert.Equal(MpiAbiKind.Mpich, mpi.Abi.Kind);
        Assert.StartsWith("MPICH", mpi.Version, StringComparison.Ordinal);
        Assert.Equal((0x44000000, 0x4c00040a, 0x58000003), (mpi.Abi.CommWorld, mpi.Abi.Float, mpi.Abi.OpSum));
        Assert.Equal((-1, 1, -2), (mpi.Abi.InPlace, mpi.Abi.StatusIgnore, mpi.Abi.AnySource));
    }
}
