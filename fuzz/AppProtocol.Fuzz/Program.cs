using AppProtocol.Fuzz;
using SharpFuzz;

// No arguments: SharpFuzz's fork server, reading each input from stdin (run under afl-fuzz by fuzz/run-afl.sh).
// "replay <file or folder>...": runs the target on saved inputs (a crash AFL++ found, or the corpus) and reports each.
// "corpus <vectors.json> <folder>": writes the seed corpus from the reference vectors.
// "proxy", "replay-proxy ...", "corpus-proxy <folder>": the same for the PROXY protocol header target.
return args switch
{
    [] => Fuzz(input => FrameFuzzTarget.Run(input)),
    ["replay", .. var paths] when paths.Length > 0 => Replay(paths, input => FrameFuzzTarget.Run(input)),
    ["corpus", var vectors, var folder] => SeedCorpus.Write(vectors, folder),
    ["proxy"] => Fuzz(input => ProxyFuzzTarget.Run(input)),
    ["replay-proxy", .. var paths] when paths.Length > 0 => Replay(paths, input => ProxyFuzzTarget.Run(input)),
    ["corpus-proxy", var folder] => ProxySeedCorpus.Write(folder),
    _ => Usage(),
};

static int Fuzz(Target target)
{
    Fuzzer.Run(stream =>
    {
        using var input = new MemoryStream();
        stream.CopyTo(input);
        target(input.GetBuffer().AsSpan(0, (int)input.Length));
    });
    return 0;
}

static int Replay(string[] paths, Target target)
{
    int failures = 0;
    IEnumerable<string> files = paths.SelectMany<string, string>(p => Directory.Exists(p) ? Directory.EnumerateFiles(p).Order(StringComparer.Ordinal) : [p]);
    foreach (string file in files)
    {
        byte[] input = File.ReadAllBytes(file);
        try
        {
            target(input);
            Console.WriteLine($"ok    {file}");
        }
        catch (Exception ex)
        {
            failures++;
            Console.WriteLine($"FAIL  {file} ({Convert.ToHexString(input)})");
            Console.WriteLine($"      {ex.GetType().FullName}: {ex.Message}");
            Console.WriteLine(ex.StackTrace);
        }
    }

    return failures == 0 ? 0 : 1;
}

static int Usage()
{
    Console.Error.WriteLine("Usage: AppProtocol.Fuzz                       (under afl-fuzz, input on stdin)");
    Console.Error.WriteLine("       AppProtocol.Fuzz replay <file|folder>...");
    Console.Error.WriteLine("       AppProtocol.Fuzz corpus <vectors.json> <folder>");
    Console.Error.WriteLine("       AppProtocol.Fuzz proxy | replay-proxy <file|folder>... | corpus-proxy <folder>");
    return 2;
}

/// <summary>A fuzz target: runs its checks on one input, throwing on a broken property.</summary>
internal delegate void Target(ReadOnlySpan<byte> input);
