using System.Buffers;
using System.Net.Security;
using System.Text;
using AppProtocol.Framing;
using AppProtocol.Tests.Support;
using AppProtocol.Transport;

namespace AppProtocol.Tests.Server;

/// <summary>What a handler sees of its connection over real sockets: the client leaving, the client certificate.</summary>
public class HandlerContextTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Handler_token_is_cancelled_when_the_client_closes_its_socket()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await TestServer.StartAsync(async (_, ct) =>
        {
            entered.SetResult();
            await using (ct.Register(cancelled.SetResult))
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
        });
        RawClient client = await server.ConnectAsync();
        await client.SendAsync(Requests.Binary("x"));
        await entered.Task.WaitAsync(Patience);

        await client.DisposeAsync();

        await cancelled.Task.WaitAsync(Patience);
        await server.FirstClosed.WaitAsync(Patience);
    }

    [Fact]
    public async Task Pipelined_requests_behind_a_slow_handler_do_not_cancel_it()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await TestServer.StartAsync(async (exchange, ct) =>
        {
            if (Requests.Text(exchange.Request) == "slow")
            {
                await release.Task.WaitAsync(ct);
            }

            exchange.Respond(FrameHeader.Binary("binary/test", exchange.Request.Content.Length), exchange.Request.Content.ToArray());
        });
        await using RawClient client = await server.ConnectAsync();

        await client.SendAsync(Requests.Binary("slow"));
        await client.SendAsync(Requests.Binary("next"));
        release.SetResult();

        Assert.Equal("slow", Requests.Text((await client.ReadFrameAsync())!.Value));
        Assert.Equal("next", Requests.Text((await client.ReadFrameAsync())!.Value));
    }

    [Fact]
    public async Task Handler_sees_the_client_certificate_under_mutual_tls()
    {
        await using TestServer server = await TestServer.StartAsync(
            (exchange, _) =>
            {
                string seen = $"{exchange.Connection.ClientCertificate?.Thumbprint} {exchange.Connection.TlsProtocol}";
                exchange.Respond(FrameHeader.Binary("binary/test", Encoding.UTF8.GetByteCount(seen)), Encoding.UTF8.GetBytes(seen));
                return ValueTask.CompletedTask;
            },
            o => o.Listen.Add(ListenAddress.Tcp("127.0.0.1", 0).WithTls(new SslServerAuthenticationOptions
            {
                ServerCertificate = TestCertificates.Server,
                ClientCertificateRequired = true,
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null,
            })));
        await using RawClient client = await RawClient.ConnectTlsAsync(server.EndPoint, new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ClientCertificates = [TestCertificates.Client],
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });

        string[] seen = Requests.Text(await client.ExchangeAsync(Requests.Binary("who"))).Split(' ');

        Assert.Equal(TestCertificates.Client.Thumbprint, seen[0]);
        Assert.StartsWith("Tls", seen[1], StringComparison.Ordinal);
    }
}

public class ErrorReplyClientTests
{
    [Fact]
    public async Task FrameClient_surfaces_error_replies_as_typed_exceptions_and_keeps_the_connection()
    {
        await using TestServer server = await TestServer.StartAsync((exchange, _) =>
        {
            switch (Requests.Text(exchange.Request))
            {
                case "reject":
                    exchange.RespondError(FrameErrors.BadRequest, "no such thing");
                    break;
                case "bug":
                    throw new InvalidOperationException("secret detail");
                default:
                    exchange.Respond(FrameHeader.Binary("binary/test", 2), "ok"u8);
                    break;
            }

            return ValueTask.CompletedTask;
        });
        var endPoint = (System.Net.IPEndPoint)server.EndPoint;
        await using var client = new AppProtocol.Client.FrameClient(new AppProtocol.Client.FrameClientOptions { Host = "127.0.0.1", Port = endPoint.Port });

        var rejected = await Assert.ThrowsAsync<AppProtocol.Client.FrameErrorReplyException>(async () => await client.SendAsync(Frame.Binary("binary/test", "reject"u8.ToArray())));
        var failed = await Assert.ThrowsAsync<AppProtocol.Client.FrameErrorReplyException>(async () => await client.SendAsync(Frame.Binary("binary/test", "bug"u8.ToArray())));
        Frame fine = await client.SendAsync(Frame.Binary("binary/test", "fine"u8.ToArray()));

        Assert.Equal((FrameErrors.BadRequest, "no such thing"), (rejected.Code, rejected.ErrorMessage));
        Assert.Equal(FrameErrors.ServerError, failed.Code);
        Assert.DoesNotContain("secret", failed.Message, StringComparison.Ordinal);
        Assert.Equal("ok", Requests.Text(fine));
        Assert.Equal(1, server.Server.ActiveConnections);
    }
}
