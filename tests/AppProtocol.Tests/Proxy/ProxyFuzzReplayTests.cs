using AppProtocol.Fuzz;
using AppProtocol.Proxy;

namespace AppProtocol.Tests.Proxy;

/// <summary>The PROXY header fuzz target (fuzz/AppProtocol.Fuzz.Targets/ProxyFuzzTarget.cs) run in CI: its seed corpus (fuzz/corpus-proxy), then a fixed-seed mutation run.</summary>
/// <remarks>A failure message carries the input in hex: save it as a .bin file and replay it with <c>AppProtocol.Fuzz replay-proxy</c>.</remarks>
public sealed class ProxyFuzzReplayTests
{
    // A few seconds of CPU at most; a long search is AFL++'s job (FUZZ_TARGET=proxy fuzz/run-afl.sh).
    private const int MutationIterations = 10000;
    private const int Seed = 20260402;

    private static string CorpusFolder => Path.Combine(AppContext.BaseDirectory, "FuzzCorpusProxy");

    public static TheoryData<string> CorpusNames() => Hostile.FuzzCorpus.Names(CorpusFolder);

    [Theory]
    [MemberData(nameof(CorpusNames))]
    public void Corpus_input_keeps_every_property(string name)
    {
        ProxyParseOutcome? outcome = ProxyFuzzTarget.Run(File.ReadAllBytes(Path.Combine(CorpusFolder, name + ".bin")));

        Assert.NotNull(outcome);
        if (name.StartsWith("bad-", StringComparison.Ordinal))
        {
            Assert.NotNull(outcome.Error);
        }
        else
        {
            Assert.NotNull(outcome.Header);
        }
    }

    [Fact]
    public void The_corpus_breaks_every_rule_the_parser_checks()
    {
        var errors = Directory.EnumerateFiles(CorpusFolder, "bad-*.bin").Select(f => ProxyFuzzTarget.Run(File.ReadAllBytes(f))!.Error).ToHashSet();

        ProxyProtocolError[] parserRules = [.. Enum.GetValues<ProxyProtocolError>().Where(e => e is not (ProxyProtocolError.ProxyHeaderIncomplete or ProxyProtocolError.ProxyPeerNotTrusted))];
        Assert.All(parserRules, rule => Assert.Contains(rule, errors));
    }

    [Fact]
    public void Seeded_mutations_keep_every_property()
    {
        IReadOnlyList<byte[]> corpus = [.. Directory.EnumerateFiles(CorpusFolder, "*.bin").Order(StringComparer.Ordinal).Select(File.ReadAllBytes)];
        var mutator = new ProxyMutator(new Random(Seed), corpus);
        var reasons = new HashSet<ProxyProtocolError>();
        int headers = 0;
        for (int i = 0; i < MutationIterations; i++)
        {
            byte[] input = mutator.Mutate(corpus[i % corpus.Count]);
            ProxyParseOutcome? outcome;
            try
            {
                outcome = ProxyFuzzTarget.Run(input);
            }
            catch (Exception ex)
            {
                Assert.Fail($"Seed {Seed}, iteration {i}: {ex.GetType().Name}: {ex.Message}\nInput: {Convert.ToHexString(input)}");
                throw;
            }

            headers += outcome?.Header is null ? 0 : 1;
            if (outcome?.Error is { } error)
            {
                reasons.Add(error);
            }
        }

        // Worth something only if mutants still parse, and reach most rules rather than the signature check alone.
        Assert.True(headers > MutationIterations / 20, $"Only {headers} headers parsed in {MutationIterations} mutants.");
        Assert.True(reasons.Count >= 14, $"Mutants reached only these errors: {string.Join(", ", reasons)}.");
    }
}
