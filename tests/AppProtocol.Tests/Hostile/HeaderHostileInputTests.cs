using AppProtocol.Framing;

namespace AppProtocol.Tests.Hostile;

/// <summary>Every wrong protoheader and JSON header (<see cref="HeaderCases"/>) fails with its exact reason, without frames and without allocating for bytes that never came.</summary>
public sealed class HeaderHostileInputTests
{

    public static TheoryData<string> Cases() => HeaderCases.Names();

    public static TheoryData<string, int> CasesByChunking()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in HeaderCases.Names())
        {
            data.Add(name, int.MaxValue);
            data.Add(name, 1);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FrameParser_fails_with_the_exact_reason(string name)
    {
        HostileCase c = HeaderCases.Get(name);

        ProtocolError? error = HostileRead.Parse(c.Stream, c.Limits, out int frames, out long allocated);

        Assert.Equal(c.Expected, error);
        Assert.Equal(0, frames);
        Assert.InRange(allocated, 0, HostileRead.AllocationSlack + c.Stream.Length);
    }

    [Theory]
    [MemberData(nameof(CasesByChunking))]
    public void FrameReader_over_a_pipe_fails_with_the_exact_reason_and_stays_faulted(string name, int chunkSize)
    {
        HostileCase c = HeaderCases.Get(name);

        ProtocolError? error = HostileRead.ReadFromPipe(c.Stream, c.Limits, chunkSize, out int frames, out long allocated);

        Assert.Equal(c.Expected, error);
        Assert.Equal(0, frames);
        Assert.InRange(allocated, 0, HostileRead.AllocationSlack + (2 * c.Stream.Length));
    }

    [Fact]
    public void Lone_surrogate_escape_in_content_type_is_a_protocol_error() =>
        AssertFails(HeaderCases.LoneSurrogateInContentType);

    [Fact]
    public void Lone_surrogate_escape_in_byteorder_is_a_protocol_error() =>
        AssertFails(HeaderCases.LoneSurrogateInByteOrder);

    [Fact]
    public void Lone_surrogate_escape_in_an_extra_member_name_is_a_protocol_error() =>
        AssertFails(HeaderCases.LoneSurrogateInExtraName);

    private static void AssertFails(HostileCase c)
    {
        Assert.Equal(c.Expected, HostileRead.Parse(c.Stream, c.Limits, out _, out _));
        Assert.Equal(c.Expected, HostileRead.ReadFromPipe(c.Stream, c.Limits, 1, out _, out _));
    }
}
