using System.Buffers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AppProtocol.Client;
using AppProtocol.Framing;
using AppProtocol.Server;
using AppProtocol.Tests.Server;
using AppProtocol.Tests.Support;
using AppProtocol.Transport;

namespace AppProtocol.Tests.Client.Streaming;

/// <summary>The client's response content as a stream, against the library's server on port 0.</summary>
public sealed class StreamedResponseClientTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_content_is_read_whole_and_the_connection_closes_at_its_end()
    {
        const long length = 5L * 1024 * 1024 + 7;
        await using TestServer server = await TestServer.StartAsync(Download(length));
        await using var client = Client(server);

        await using FrameResponseStream response = await client.SendForResponseStreamAsync(Frame.Binary("binary/get", "x"u8.ToArray())).WaitAsync(Patience);
        Assert.Equal(length, response.ContentLength);
        Assert.Equal("binary/file", response.Header.ContentType);

        Assert.Equal(GeneratedContent.HashOf(length), await SHA256.HashDataAsync(response).AsTask().WaitAsync(Patience));
        Assert.Equal(0, response.Remaining);
        await server.FirstClosed.WaitAsync(Patience);
    }

    [Fact]
    public async Task The_buffered_limit_does_not_apply_to_a_streamed_response_and_the_streamed_limit_does()
    {
        const long length = 3L * 1024 * 1024;
        await using TestServer server = await TestServer.StartAsync(Download(length));
        await using var client = Client(server, limits: new FrameLimits { MaxContentLength = 1024 * 1024 });
        await using var capped = Client(server, maxStreamed: length - 1);

        await Assert.ThrowsAsync<ProtocolException>(() => client.SendAsync(Frame.Binary("binary/get", "x"u8.ToArray())).AsTask().WaitAsync(Patience));
        await using (FrameResponseStream response = await client.SendForResponseStreamAsync(Frame.Binary("binary/get", "x"u8.ToArray())).WaitAsync(Patience))
        {
            Assert.Equal(GeneratedContent.HashOf(length), await SHA256.HashDataAsync(response).AsTask().WaitAsync(Patience));
        }

        var tooLarge = await Assert.ThrowsAsync<ProtocolException>(() => capped.SendForResponseStreamAsync(Frame.Binary("binary/get", "x"u8.ToArray())).WaitAsync(Patience));
        Assert.Equal(ProtocolError.ContentTooLarge, tooLarge.Error);
    }

    [Fact]
    public async Task Content_cut_short_by_the_server_throws_at_the_cut_and_is_never_returned_whole()
    {
        await using TestServer server = await TestServer.StartAsync(
            (exchange, ct) => exchange.RespondAsync(FrameHeader.Binary("binary/file", 2_000_000), new GeneratedContent(1_000_000), ct));
        await using var client = Client(server);

        await using FrameResponseStream response = await client.SendForResponseStreamAsync(Frame.Binary("binary/get", "x"u8.ToArray())).WaitAsync(Patience);
        var error = await Assert.ThrowsAsync<FrameClientException>(() => response.CopyToAsync(Stream.Null).WaitAsync(Patience));

        Assert.Contains($"127.0.0.1:{StreamingTestData.Port(server)}", error.Message, StringComparison.Ordinal);
        Assert.Contains("of the 2,000,000 content bytes", error.Message, StringComparison.Ordinal);
        Assert.True(response.Position <= 1_000_000);
        await Assert.ThrowsAsync<FrameClientException>(async () => await response.ReadExactlyAsync(new byte[10]));
    }

    [Fact]
    public async Task A_response_that_stalls_times_out_on_the_read_that_waits()
    {
        var content = new GeneratedContent(10_000_000, waitsAt: 1_000_000);
        await using TestServer server = await TestServer.StartAsync(
            (exchange, ct) => exchange.RespondAsync(FrameHeader.Binary("binary/file", content.Length), content, ct));
        await using var client = Client(server, requestTimeout: TimeSpan.FromSeconds(2));

        await using FrameResponseStream response = await client.SendForResponseStreamAsync(Frame.Binary("binary/get", "x"u8.ToArray())).WaitAsync(Patience);
        var error = await Assert.ThrowsAsync<FrameClientTimeoutException>(() => response.CopyToAsync(Stream.Null).WaitAsync(Patience));

        Assert.Contains("sent no response content for 2 s", error.Message, StringComparison.Ordinal);
        Assert.InRange(response.Position, 1, 1_000_000);
        content.Release();
    }

    [Fact]
    public async Task Disposing_before_the_end_closes_the_connection_and_the_server_stops_sending()
    {
        var log = new LogSignal();
        await using TestServer server = await TestServer.StartAsync(Download(1024L * 1024 * 1024), loggerFactory: log);
        await using var client = Client(server);

        FrameResponseStream response = await client.SendForResponseStreamAsync(Frame.Binary("binary/get", "x"u8.ToArray())).WaitAsync(Patience);
        await response.ReadExactlyAsync(new byte[1024 * 1024]).AsTask().WaitAsync(Patience);
        await response.DisposeAsync();

        await server.FirstClosed.WaitAsync(Patience);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await response.ReadExactlyAsync(new byte[10]));
    }

    [Fact]
    public async Task The_calls_token_covers_the_call_not_the_reads_after_it()
    {
        const long length = 2L * 1024 * 1024;
        await using TestServer server = await TestServer.StartAsync(Download(length));
        await using var client = Client(server);
        using var call = new CancellationTokenSource();

        await using FrameResponseStream response = await client.SendForResponseStreamAsync(Frame.Binary("binary/get", "x"u8.ToArray()), call.Token).WaitAsync(Patience);
        await call.CancelAsync();

        Assert.Equal(GeneratedContent.HashOf(length), await SHA256.HashDataAsync(response).AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task An_error_reply_throws_as_for_a_buffered_call()
    {
        await using TestServer server = await TestServer.StartAsync((exchange, _) =>
        {
            exchange.RespondError(FrameErrors.BadRequest, "no file 'a.bin'");
            return ValueTask.CompletedTask;
        });
        await using var client = Client(server);

        var error = await Assert.ThrowsAsync<FrameErrorReplyException>(() => client.SendForResponseStreamAsync(Frame.Binary("binary/get", "x"u8.ToArray())).WaitAsync(Patience));

        Assert.Equal(FrameErrors.BadRequest, error.Code);
        Assert.Equal("no file 'a.bin'", error.ErrorMessage);
        Assert.Contains($"127.0.0.1:{StreamingTestData.Port(server)}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pooled_call_is_not_held_up_by_a_transfer_nobody_reads()
    {
        await using TestServer server = await TestServer.StartAsync((exchange, ct) =>
        {
            if (exchange.Request.Content.Length == 3)
            {
                return exchange.RespondAsync(FrameHeader.Binary("binary/file", 1024L * 1024 * 1024), new GeneratedContent(1024L * 1024 * 1024), ct);
            }

            exchange.Respond(FrameHeader.Binary("binary/ok", 2), "ok"u8);
            return ValueTask.CompletedTask;
        });
        await using var client = Client(server);

        await using FrameResponseStream transfer = await client.SendForResponseStreamAsync(Frame.Binary("binary/get", "big"u8.ToArray())).WaitAsync(Patience);
        Frame small = await client.SendAsync(Frame.Binary("binary/get", "s"u8.ToArray())).AsTask().WaitAsync(Patience);

        Assert.Equal("ok"u8.ToArray(), small.Content.ToArray());
        Assert.Equal(1024L * 1024 * 1024, transfer.Remaining);
    }

    [Fact]
    public async Task Content_goes_both_ways_over_tls()
    {
        const int length = 4 * 1024 * 1024;
        await using TestServer server = await TestServer.StartAsync(
            (exchange, ct) => exchange.RespondAsync(exchange.Request.Header, new MemoryStream(exchange.Request.Content.ToArray()), ct),
            o => o.Listen.Add(ListenAddress.Tcp("127.0.0.1", 0).WithTls(new SslServerAuthenticationOptions { ServerCertificate = TestCertificates.Server })));
        await using var client = new FrameClient(new FrameClientOptions
        {
            Host = "127.0.0.1",
            Port = StreamingTestData.Port(server),
            UseTls = true,
            TargetHost = "localhost",
            RemoteCertificateValidation = TrustTestServer,
        });

        await using FrameResponseStream echo = await client.SendForResponseStreamAsync(FrameHeader.Binary("binary/file", length), new GeneratedContent(length)).WaitAsync(Patience);

        Assert.Equal(GeneratedContent.HashOf(length), await SHA256.HashDataAsync(echo).AsTask().WaitAsync(Patience));
    }

    private static FrameHandler Download(long length) =>
        (exchange, ct) => exchange.RespondAsync(FrameHeader.Binary("binary/file", length), new GeneratedContent(length), ct);

    private static FrameClient Client(TestServer server, TimeSpan? requestTimeout = null, FrameLimits? limits = null, long? maxStreamed = null) => new(new FrameClientOptions
    {
        Host = "127.0.0.1",
        Port = StreamingTestData.Port(server),
        RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(30),
        Limits = limits ?? FrameLimits.Default,
        MaxStreamedContentLength = maxStreamed ?? FrameClientOptions.DefaultMaxStreamedContentLength,
    });

    private static bool TrustTestServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        certificate is not null && certificate.GetCertHashString() == TestCertificates.Server.GetCertHashString();
}
