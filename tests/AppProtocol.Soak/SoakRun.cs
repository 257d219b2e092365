using System.Buffers;
using System.Diagnostics;
using System.Net;
using AppProtocol.Framing;
using AppProtocol.Json;
using AppProtocol.Server;
using AppProtocol.Transport;

namespace AppProtocol.Soak;

/// <summary>The figures of a soak run.</summary>
public sealed record SoakResult(int Connections, int Exchanges, long Answered, long Lost, long Mismatched, long Misbehaviours, long MisbehaviourFailures, int ActiveAfter, TimeSpan Elapsed)
{
    public override string ToString() =>
        $"connections={Connections} exchanges={Exchanges} answered={Answered} lost={Lost} mismatched={Mismatched} " +
        $"misbehaviours={Misbehaviours} misbehaviour-failures={MisbehaviourFailures} active-after={ActiveAfter} elapsed={Elapsed.TotalSeconds:F1}s";
}

/// <summary>
/// N concurrent clients x M exchanges against an in-process server, every answer checked, while one client in ten
/// misbehaves at random (resets mid-frame, garbage headers, stalls the frame timeout must cut).
/// </summary>
public static class SoakRun
{
    private static readonly TimeSpan FrameTimeout = TimeSpan.FromMilliseconds(500);

    public static async Task<SoakResult> RunAsync(int connections, int exchanges, int seed, CancellationToken cancellationToken)
    {
        var options = new FrameServerOptions { FrameTimeout = FrameTimeout, Backlog = 4096, MaxConcurrentConnections = connections * 2 };
        options.Listen.Add(ListenAddress.Tcp("127.0.0.1", 0));
        await using var server = new FrameServer(options, SoakHandler.HandleAsync);
        await server.StartAsync(cancellationToken);
        EndPoint endPoint = server.EndPoints[0];
        long answered = 0, lost = 0, mismatched = 0, misbehaviours = 0, misbehaviourFailures = 0;
        var clock = Stopwatch.StartNew();

        async Task WellBehavedAsync(int client)
        {
            try
            {
                await using SoakClient connection = await SoakClient.ConnectAsync(endPoint, cancellationToken);
                for (int i = 0; i < exchanges; i++)
                {
                    string value = $"c{client}-{i}";
                    await connection.SendAsync(Search(value), cancellationToken);
                    Frame? answer = await connection.ReadFrameAsync(cancellationToken);
                    if (answer is null)
                    {
                        Interlocked.Add(ref lost, exchanges - i);
                        return;
                    }

                    SoakResponse? response = JsonFrameReader.Read(answer.Value, SoakJsonContext.Default.SoakResponse);
                    Interlocked.Increment(ref response?.Result == value ? ref answered : ref mismatched);
                }
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
            {
                Interlocked.Increment(ref lost);
            }
        }

        async Task MisbehavingAsync(int client)
        {
            var random = new Random(seed + client);
            for (int i = 0; i < Math.Min(exchanges, 10); i++)
            {
                Interlocked.Increment(ref misbehaviours);
                if (!await MisbehaveOnceAsync(endPoint, random, cancellationToken))
                {
                    Interlocked.Increment(ref misbehaviourFailures);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, connections).Select(c => Task.Run(() => c % 10 == 9 ? MisbehavingAsync(c) : WellBehavedAsync(c), cancellationToken)));
        TimeSpan elapsed = clock.Elapsed;
        await server.StopAsync(cancellationToken);
        return new SoakResult(connections, exchanges, answered, lost, mismatched, misbehaviours, misbehaviourFailures, server.ActiveConnections, elapsed);
    }

    /// <summary>One random misbehaviour; true when the server reacted as it must (closed the connection, or nothing to check after a reset).</summary>
    private static async Task<bool> MisbehaveOnceAsync(EndPoint endPoint, Random random, CancellationToken cancellationToken)
    {
        byte[] request = Search("x");
        try
        {
            await using SoakClient connection = await SoakClient.ConnectAsync(endPoint, cancellationToken);
            switch (random.Next(3))
            {
                case 0:
                    await connection.SendAsync(request.AsMemory(0, random.Next(1, request.Length)), cancellationToken);
                    connection.Reset();
                    return true;
                case 1:
                    byte[] garbage = new byte[random.Next(3, 64)];
                    random.NextBytes(garbage);
                    garbage[0] = 0;
                    garbage[1] = (byte)(garbage.Length - 2);
                    garbage[2] = (byte)'!';
                    await connection.SendAsync(garbage, cancellationToken);
                    return await connection.ClosedByServerAsync(cancellationToken);
                default:
                    await connection.SendAsync(request.AsMemory(0, random.Next(1, request.Length)), cancellationToken);
                    return await connection.ClosedByServerAsync(cancellationToken);
            }
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private static byte[] Search(string value)
    {
        var output = new ArrayBufferWriter<byte>();
        JsonFrameWriter.Write(output, new SoakRequest("search", value), SoakJsonContext.Default.SoakRequest);
        return output.WrittenSpan.ToArray();
    }
}
