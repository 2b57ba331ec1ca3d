using Nabla.Tests.Support;

namespace Nabla.Tests.Packaging;

/// <summary>The library that the tests load is the ReadyToRun image of src/Nabla/build/ReadyToRun.targets where the build makes one.</summary>
public class ReadyToRunTests
{
    [Fact]
    public void The_library_loaded_here_is_a_ReadyToRun_image_exactly_where_its_build_meant_to_make_one()
    {
        // Catches a build that meant to make an image and kept the IL (crossgen2 failed or was skipped), and an image
        // where the build kept the IL (a stale copy).
        string path = typeof(Tensor).Assembly.Location;
        bool intended = ReadyToRunImage.Intended, has = ReadyToRunImage.Has(path);

        Assert.True(intended == has,
            $"{path}: its build meant {(intended ? "a ReadyToRun image" : "IL only")}, the file is {(has ? "a ReadyToRun image" : "IL only")}");
#if RELEASE
        // And a Release build on the machines the targets compile for means to make one (CI is one).
        Assert.True(intended || !ReadyToRunImage.ExpectedInRelease,
            $"a Release build on {System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier} did not mean to make an image (NablaReadyToRun=false?)");
#endif
    }

    [Fact]
    public void An_IL_only_assembly_is_told_apart_from_an_image()
    {
        // The test assembly itself is never compiled ahead.
        Assert.False(ReadyToRunImage.Has(typeof(ReadyToRunTests).Assembly.Location));
    }
}
