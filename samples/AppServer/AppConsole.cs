using System.Buffers;
using System.Net;
using System.Text.Json;
using AppProtocol.Framing;
using AppProtocol.Samples;

namespace AppServer;

/// <summary>Prints what the reference server prints, in Python's notation.</summary>
public sealed class AppConsole(TextWriter output)
{
    /// <summary>Prints the accept line.</summary>
    /// <param name="remote">The client.</param>
    public void Accepted(EndPoint? remote) => output.WriteLine($"Accepted connection from {PythonRepr.Address(remote)}");

    /// <summary>Prints the request line: a JSON request as a Python dict, a binary one by its content type.</summary>
    /// <param name="request">The request.</param>
    /// <param name="remote">The client.</param>
    public void Received(in Frame request, EndPoint? remote)
    {
        if (request.Header.IsJson)
        {
            string repr;
            try
            {
                using var document = JsonDocument.Parse(request.Content);
                repr = PythonRepr.Json(document.RootElement);
            }
            catch (JsonException)
            {
                repr = PythonRepr.Bytes(request.Content.ToArray());
            }

            output.WriteLine($"Received request {repr} from {PythonRepr.Address(remote)}");
        }
        else
        {
            output.WriteLine($"Received {request.Header.ContentType} request from {PythonRepr.Address(remote)}");
        }
    }

    /// <summary>Prints the response frame's bytes.</summary>
    /// <param name="frame">The whole response frame.</param>
    /// <param name="remote">The client.</param>
    public void Sending(ReadOnlySpan<byte> frame, EndPoint? remote) => output.WriteLine($"Sending {PythonRepr.Bytes(frame)} to {PythonRepr.Address(remote)}");

    /// <summary>Prints the close line.</summary>
    /// <param name="remote">The client.</param>
    public void Closing(EndPoint? remote) => output.WriteLine($"Closing connection to {PythonRepr.Address(remote)}");
}
