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

        Assert.Equal(Convert.ToHexString(v.Bytes), Convert.ToHexString(Encode(v)));
    }

    [Fact]
    public void Encodes_reference_frames_byte_for_byte_again_once_the_writer_has_learned_or_replaced_their_headers()
    {
        // Twice in a row (the second from the writer's recent headers), and the whole list twice, other headers replacing theirs in between.
        for (int round = 0; round < 2; round++)
        {
            for (int other = 0; other < 8; other++)
            {
                FrameWriter.Write(new ArrayBufferWriter<byte>(), new FrameHeader($"x/other-{other}-é", "binary", 0) { ByteOrder = FrameByteOrder.Big }, []);
            }

            foreach (ReferenceVectors.Vector v in ReferenceVectors.Frames)
            {
                for (int again = 0; again < 2; again++)
                {
                    Assert.Equal(Convert.ToHexString(v.Bytes), Convert.ToHexString(Encode(v)));
                }
            }
        }
    }

    private static byte[] Encode(ReferenceVectors.Vector v)
    {
        var header = new FrameHeader(v.ContentType, v.ContentEncoding, v.ContentLength)
        {
            ByteOrder = v.ByteOrder == "little" ? FrameByteOrder.Little : FrameByteOrder.Big,
        };
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.Write(output, header, v.Content);
        return output.WrittenSpan.ToArray();
    }
}
