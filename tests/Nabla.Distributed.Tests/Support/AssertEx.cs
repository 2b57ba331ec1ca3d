namespace Nabla.Distributed.Tests.Support;

/// <summary>Assertions shared by the tests.</summary>
internal static class AssertEx
{
    /// <summary>Asserts that <paramref name="act"/> throws exactly <typeparamref name="T"/> with a message containing every fragment.</summary>
    public static T Throws<T>(Action act, params string[] fragments)
        where T : Exception
    {
        T ex = Assert.Throws<T>(act);
        Contains(ex.Message, fragments);
        return ex;
    }

    /// <summary>Asserts that <paramref name="text"/> contains every fragment, showing the text when one is missing.</summary>
    public static void Contains(string text, params string[] fragments)
    {
        foreach (string f in fragments)
        {
            Assert.True(text.Contains(f, StringComparison.Ordinal), $"Expected the text to contain \"{f}\", but it was:\n{text}");
        }
    }
}
