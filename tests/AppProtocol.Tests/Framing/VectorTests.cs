using System.Buffers;
using AppProtocol.Framing;

namespace AppProtocol.Tests.Framing;

public class VectorTests
{
    [Theory]
    [MemberData(nameof(ReferenceVectors.Names), MemberType = typeof(ReferenceVectors))]
    public void Decodes_reference_frame_to_its_header_and_content(string name)
    {
        ReferenceVectors.Vector v = ReferenceVectors.Get(name);
        var buffer = new ReadOnlySequence<byte>(v.Bytes);

        Assert.True(new FrameParser().TryParse(ref buffer, out Frame frame));

        Assert.True(buffer.IsEmpty);
        Assert.Equal(v.ByteOrder == "little" ? FrameByteOrder.Little : FrameByteOrder.Big, frame.Header.ByteOrder);
        Assert.Equal(v.ContentType, frame.Header.ContentType);
        Assert.Equal(v.ContentEncoding, frame.Header.ContentEncoding);
        Assert.Equal(v.ContentLength, frame.Header.ContentLength);
        Assert.Null(frame.Header.ExtraMembers);
        Assert.Equal(v.Content, frame.Content.ToArray());
    }

    [Theory]
    [MemberData(nameof(ReferenceVectors.Names), MemberType = typeof(ReferenceVectors))]
    public void Encodes_reference_frame_byte_for_byte(string name)
    {
        ReferenceVectors.Vector v = ReferenceVectors.Get(name);
        var header = new FrameHeader(v.ContentType, v.ContentEncoding, v.ContentLength)
        {
            ByteOrder = v.ByteOrder == "little" ? FrameByteOrder.Little : FrameByteOrder.Big,
        };
        var output = new ArrayBufferWriter<byte>();

        FrameWriter.Write(output, header, v.Content);

        Assert.Equal(Convert.ToHexString(v.Bytes), Convert.ToHexString(output.WrittenSpan));
    }
}
