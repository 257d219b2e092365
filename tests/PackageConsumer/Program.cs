// Round-trips a frame through a Pipe using only the packed AppProtocol package.
using System.IO.Pipelines;
using System.Text.Json.Serialization;
using AppProtocol.Framing;
using AppProtocol.Json;
using AppProtocol.Pipelines;

const string BinaryType = "binary/custom-client-binary-type";

var pipe = new Pipe();
await pipe.Writer.WriteJsonFrameAsync(new Search("search", "morpheus"), ConsumerJson.Default.Search);
await pipe.Writer.WriteFrameAsync(Frame.Binary(BinaryType, "foobar"u8.ToArray()));
await pipe.Writer.CompleteAsync();

var reader = new FrameReader(pipe.Reader);
Frame json = (await reader.ReadFrameAsync())!.Value;
Search? search = JsonFrameReader.Read(json, ConsumerJson.Default.Search);
Frame binary = (await reader.ReadFrameAsync())!.Value;
bool ended = await reader.ReadFrameAsync() is null;

bool ok = search == new Search("search", "morpheus") && binary.Header.ContentType == BinaryType && binary.Content.Length == 6 && ended;
Console.WriteLine(ok ? "package round trip: ok" : "package round trip: FAILED");
return ok ? 0 : 1;

internal sealed record Search(string Action, string Value);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Search))]
internal sealed partial class ConsumerJson : JsonSerializerContext;
