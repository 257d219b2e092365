using AppProtocol.Fuzz;
using SharpFuzz;

// No arguments: SharpFuzz's fork server, reading each input from stdin (run under afl-fuzz by fuzz/run-afl.sh).
// "replay <file or folder>...": runs the target on saved inputs (a crash AFL++ found, or the corpus) and reports each.
// "corpus <vectors.json> <folder>": writes the seed corpus from the reference vectors.
return args switch
{
    [] => Fuzz(),
    ["replay", .. var paths] when paths.Length > 0 => Replay(paths),
    ["corpus", var vectors, var folder] => SeedCorpus.Write(vectors, folder),
    _ => Usage(),
};

static int Fuzz()
{
    Fuzzer.Run(stream =>
    {
        using var input = new MemoryStream();
        stream.CopyTo(input);
        FrameFuzzTarget.Run(input.GetBuffer().AsSpan(0, (int)input.Length));
    });
    return 0;
}

static int Replay(string[] paths)
{
    int failures = 0;
    IEnumerable<string> files = paths.SelectMany<string, string>(p => Directory.Exists(p) ? Directory.EnumerateFiles(p).Order(StringComparer.Ordinal) : [p]);
    foreach (string file in files)
    {
        byte[] input = File.ReadAllBytes(file);
        try
        {
            FrameFuzzTarget.Run(input);
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
    return 2;
}
