using AppProtocol.Tests.Support;
using AppProtocol.Transport;

namespace AppProtocol.Tests.Transport;

// Alone: ArrayPool.Shared may allocate when tests running in parallel take the arrays it holds.
[Collection(nameof(AppProtocol.Tests.Pipelines.AllocationTests))]
public class ReadBufferPoolTests
{
    [Fact]
    public void First_read_of_a_frame_is_small_and_later_ones_large()
    {
        var pool = new ReadBufferPool(null);

        using var first = pool.Rent();
        using var second = pool.Rent();

        Assert.InRange(first.Memory.Length, ReadBufferPool.FirstReadSize, ReadBufferPool.ReadSize - 1);
        Assert.True(second.Memory.Length >= ReadBufferPool.ReadSize);
    }

    [OptimizedBuildFact]
    public void Renting_and_returning_a_buffer_per_frame_allocates_nothing_in_steady_state()
    {
        var pool = new ReadBufferPool(null);
        for (int i = 0; i < 100; i++)
        {
            pool.Rent().Dispose();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            pool.Rent().Dispose();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
