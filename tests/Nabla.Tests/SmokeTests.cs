namespace Nabla.Tests;

public class SmokeTests
{
    [Fact]
    public void Build_works() => Assert.True(true);
}
