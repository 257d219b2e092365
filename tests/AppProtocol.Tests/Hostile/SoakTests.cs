using AppProtocol.Soak;

namespace AppProtocol.Tests.Hostile;

/// <summary>The CI-sized soak: the same code as <c>tests/AppProtocol.Soak</c>, whose command line runs the full size.</summary>
public class SoakTests
{
    [Fact]
    public async Task Soak_loses_and_mismatches_nothing_while_one_client_in_ten_misbehaves()
    {
        SoakResult result = await SoakRun.RunAsync(connections: 100, exchanges: 20, seed: 1, CancellationToken.None);

        Assert.Equal(0, result.Lost);
        Assert.Equal(0, result.Mismatched);
        Assert.Equal(0, result.MisbehaviourFailures);
        Assert.Equal(90 * 20, result.Answered);
        Assert.Equal(0, result.ActiveAfter);
    }
}
