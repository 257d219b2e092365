using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using AppProtocol.Client;
using AppProtocol.Framing;
using AppProtocol.Server;
using AppProtocol.Tests.Framing;
using AppProtocol.Tests.Server;
using AppProtocol.Tests.Support;
using AppProtocol.Transport;

namespace AppProtocol.Tests.EndToEnd;

/// <summary>
/// The library's client against the library's server over every transport: the reference cases served by the sample
/// application (its answers are the reference server's), the rest by the tests' own <see cref="SearchHandler"/>.
/// </summary>
public sealed class ClientServerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public Task Every_reference_case_over_ipv4() => EveryReferenceCase(o => o.Listen.Add(ListenAddress.Tcp("127.0.0.1", 0)), ep => Tcp("127.0.0.1", ep));

    [IPv6Fact]
    public Task Every_reference_case_over_ipv6() => EveryReferenceCase(o => o.Listen.Add(ListenAddress.Tcp("::1", 0)), ep => Tcp("::1", ep));

    [Fact]
    public Task Every_reference_case_over_a_host_name_on_every_interface() => EveryReferenceCase(o => o.Listen.Add(ListenAddress.Tcp("", 0)), ep => Tcp("localhost", ep));

    [Fact]
    public async Task Every_reference_case_over_a_unix_socket()
    {
        string path = Path.Combine(Path.GetTempPath(), $"appprotocol-e2e-{Guid.NewGuid():N}.sock");
        await EveryReferenceCase(o => o.Listen.Add(ListenAddress.Unix(path)), _ => new FrameClientOptions { UnixSocketPath = path });
        Assert.False(File.Exists(path), "the server removes its socket file when it stops");
    }

    [Fact]
    public Task Every_reference_case_over_tls() => EveryReferenceCase(
        o =>
        {
            o.Listen.Add(ListenAddress.Tcp("127.0.0.1", 0).WithTls(new SslServerAuthenticationOptions { ServerCertificate = TestCertificates.Server }));
        },
        ep => Tls(ep, clientCertificate: null));

    [Fact]
    public async Task Every_reference_case_over_mutual_tls_and_a_client_without_a_certificate_is_refused()
    {
        string? seenClient = null;
        Action<FrameServerOptions> configure = o =>
        {
            o.Listen.Add(ListenAddress.Tcp("127.0.0.1", 0).WithTls(new SslServerAuthenticationOptions
            {
                ServerCertificate = TestCertificates.Server,
                ClientCertificateRequired = true,
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    seenClient = certificate?.Subject;
                    return certificate is not null && certificate.GetCertHashString() == TestCertificates.Client.GetCertHashString();
                },
            }));
        };
        await EveryReferenceCase(configure, ep => Tls(ep, TestCertificates.Client));
        Assert.Equal(TestCertificates.Client.Subject, seenClient);

        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler, configure);
        await using var anonymous = new FrameClient(Tls(server.EndPoint, clientCertificate: null));
        await Assert.ThrowsAsync<FrameClientException>(async () => await anonymous.SendAsync(Search("morpheus")).AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task Keep_alive_uses_one_connection_for_many_requests()
    {
        int opened = 0;
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler, o => o.ConnectionOpened = (_, _) => Interlocked.Increment(ref opened));
        await using var client = new FrameClient(Tcp("127.0.0.1", server.EndPoint));

        for (int i = 0; i < 50; i++)
        {
            Assert.Equal($"No match for 'v{i}'.", Result(await client.SendAsync(Search($"v{i}")).AsTask().WaitAsync(Patience)));
        }

        Assert.Equal(1, Volatile.Read(ref opened));
    }

    [Fact]
    public async Task Concurrent_callers_on_one_client_are_pipelined_and_each_gets_its_own_answer()
    {
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler);
        await using var client = new FrameClient(Tcp("127.0.0.1", server.EndPoint));

        string[] answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i => Result(await client.SendAsync(Search($"p{i}")))))
            .WaitAsync(Patience);

        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"No match for 'p{i}'."), answers);
    }

    [Fact]
    public async Task Hundreds_of_clients_at_once_are_all_served()
    {
        var failures = new ConcurrentBag<string>();
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler);

        await Task.WhenAll(Enumerable.Range(0, 300).Select(async i =>
        {
            await using var client = new FrameClient(Tcp("127.0.0.1", server.EndPoint));
            for (int j = 0; j < 3; j++)
            {
                string expected = $"No match for 'c{i}-{j}'.";
                string actual = Result(await client.SendAsync(Search($"c{i}-{j}")));
                if (actual != expected)
                {
                    failures.Add($"{expected} != {actual}");
                }
            }
        })).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Empty(failures);
    }

    [Fact]
    public async Task Against_a_server_that_closes_after_each_answer_every_request_reconnects_transparently()
    {
        int opened = 0;
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler, o =>
        {
            o.CloseAfterResponse = true;
            o.ConnectionOpened = (_, _) => Interlocked.Increment(ref opened);
        });
        await using var client = new FrameClient(Tcp("127.0.0.1", server.EndPoint));

        for (int i = 0; i < 20; i++)
        {
            Assert.Equal("Follow the white rabbit. \U0001F430", Result(await client.SendAsync(Search("morpheus")).AsTask().WaitAsync(Patience)));
        }

        Assert.Equal(20, Volatile.Read(ref opened));
    }

    [Fact]
    public async Task A_client_that_sends_garbage_is_dropped_while_a_good_client_is_served()
    {
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler);
        await using var good = new FrameClient(Tcp("127.0.0.1", server.EndPoint));
        Assert.Equal("No match for 'before'.", Result(await good.SendAsync(Search("before"))));

        await using (RawClient bad = await server.ConnectAsync())
        {
            await bad.SendAsync(Requests.BadHeader());
            await bad.AssertClosedByServerAsync().WaitAsync(Patience);
        }

        Assert.Equal("No match for 'after'.", Result(await good.SendAsync(Search("after")).AsTask().WaitAsync(Patience)));
    }

    /// <summary>Every reference case through the library's client and server: the sample application answers, as the reference server does.</summary>
    private static async Task EveryReferenceCase(Action<FrameServerOptions> configure, Func<EndPoint, FrameClientOptions> client)
    {
        await using TestServer server = await TestServer.StartAsync(new AppServer.AppRequestHandler().HandleAsync, configure);
        await using var frameClient = new FrameClient(client(server.EndPoint));

        foreach ((ReferenceVectors.Vector request, ReferenceVectors.Vector response) in ReferenceCases())
        {
            Frame answer = await frameClient.SendAsync(ParseOne(request.Bytes)).AsTask().WaitAsync(Patience);

            Assert.Equal(response.ContentType, answer.Header.ContentType);
            Assert.Equal(response.ContentEncoding, answer.Header.ContentEncoding);
            if (answer.Header.IsJson)
            {
                using var expected = JsonDocument.Parse(response.Content);
                using var actual = JsonDocument.Parse(answer.Content.ToArray());
                Assert.True(JsonElement.DeepEquals(expected.RootElement, actual.RootElement), $"{response.Name}: {Encoding.UTF8.GetString(answer.Content.ToArray())}");
            }
            else
            {
                Assert.Equal(response.Content, answer.Content.ToArray());
            }
        }
    }

    private static IEnumerable<(ReferenceVectors.Vector Request, ReferenceVectors.Vector Response)> ReferenceCases() =>
        ReferenceVectors.Frames.Where(v => v.Name.EndsWith("/request", StringComparison.Ordinal))
            .Select(r => (r, ReferenceVectors.Get(r.Name.Replace("/request", "/response", StringComparison.Ordinal))));

    private static FrameClientOptions Tcp(string host, EndPoint endPoint) => new() { Host = host, Port = ((IPEndPoint)endPoint).Port };

    private static FrameClientOptions Tls(EndPoint endPoint, X509Certificate2? clientCertificate) => new()
    {
        Host = "127.0.0.1",
        Port = ((IPEndPoint)endPoint).Port,
        UseTls = true,
        TargetHost = "localhost",
        RemoteCertificateValidation = TrustTestServer,
        ClientCertificate = clientCertificate,
    };

    private static bool TrustTestServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        certificate is not null && certificate.GetCertHashString() == TestCertificates.Server.GetCertHashString()
        && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None;

    private static Frame Search(string value) => ParseOne(Requests.Search(value));

    private static string Result(Frame answer) => Requests.Result(answer);

    private static Frame ParseOne(byte[] bytes)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.True(new FrameParser().TryParse(ref buffer, out Frame frame));
        return frame;
    }
}
