using Nabla.Tests.Support;

namespace Nabla.Tests.Packaging;

/// <summary>The library that the tests load is the ReadyToRun image of src/Nabla/build/ReadyToRun.targets where the build makes one.</summary>
public class ReadyToRunTests
{
    [Fact]
    public void The_library_loaded_here_is_a_ReadyToRun_image_where_the_build_makes_one()
    {
        string path = typeof(Tensor).Assembly.Location;

        Assert.True(ReadyToRunImage.Expected == ReadyToRunImage.Has(path),
            $"{path}: expected {(ReadyToRunImage.Expected ? "a ReadyToRun image" : "IL only")} in this build, found {(ReadyToRunImage.Has(path) ? "a ReadyToRun image" : "IL only")}");
    }

    [Fact]
    public void An_IL_only_assembly_is_told_apart_from_an_image()
    {
        // The test assembly itself is never compiled ahead.
        Assert.False(ReadyToRunImage.Has(typeof(ReadyToRunTests).Assembly.Location));
    }
}
