using AppProtocol.Framing;
using AppProtocol.Fuzz;

namespace AppProtocol.Tests.Hostile;

/// <summary>The fuzz target (fuzz/AppProtocol.Fuzz.Targets) run in CI: the seed corpus, then a fixed-seed mutation run.</summary>
/// <remarks>A failure message carries the input in hex: save it as a .bin file and replay it with <c>AppProtocol.Fuzz replay</c>.</remarks>
public sealed class FuzzReplayTests
{
    // A few seconds of CPU at most; a long search is AFL++'s job (fuzz/run-afl.sh).
    private const int MutationIterations = 10000;
    private const int Seed = 20261124;

    private const FuzzChecks MutationChecks = FuzzChecks.All;



    public static TheoryData<string> CorpusNames() => FuzzCorpus.Names(FuzzCorpus.CorpusFolder);

    [Theory]
    [MemberData(nameof(CorpusNames))]
    public void Corpus_input_keeps_every_property(string name)
    {
        byte[] input = File.ReadAllBytes(Path.Combine(FuzzCorpus.CorpusFolder, name + ".bin"));

        ParseOutcome? outcome = FrameFuzzTarget.Run(input, MutationChecks);

        Assert.NotNull(outcome);
        if (!name.StartsWith("bad-", StringComparison.Ordinal))
        {
            Assert.NotEmpty(outcome.Frames);
            Assert.Null(outcome.End);
        }
        else
        {
            Assert.NotNull(outcome.End);
        }
    }

    [Fact]
    public void Seeded_mutations_keep_every_property()
    {
        IReadOnlyList<byte[]> corpus = FuzzCorpus.Inputs();
        var mutator = new FrameMutator(new Random(Seed), corpus);
        var reasons = new HashSet<ProtocolError>();
        int framesSeen = 0;
        for (int i = 0; i < MutationIterations; i++)
        {
            byte[] input = mutator.Mutate(corpus[i % corpus.Count]);
            ParseOutcome? outcome;
            try
            {
                outcome = FrameFuzzTarget.Run(input, MutationChecks);
            }
            catch (Exception ex)
            {
                Assert.Fail($"Seed {Seed}, iteration {i}: {ex.GetType().Name}: {ex.Message}\nInput: {Convert.ToHexString(input)}");
                throw;
            }

            framesSeen += outcome?.Frames.Count ?? 0;
            if (outcome?.End is { } end)
            {
                reasons.Add(end);
            }
        }

        // The run is worth something only if mutants reach deep into the parser, not just its first check.
        Assert.True(framesSeen > MutationIterations / 10, $"Only {framesSeen} frames parsed in {MutationIterations} mutants.");
        Assert.True(reasons.Count >= 10, $"Mutants reached only these errors: {string.Join(", ", reasons)}.");
    }

    [Fact]
    public void Finding_valid_utf8_character_split_across_segments_reads_as_in_one_buffer() =>
        FrameFuzzTarget.Run(File.ReadAllBytes(Path.Combine(FuzzCorpus.FindingsFolder, "utf8-char-split-across-segments.bin")));

    [Fact]
    public void Finding_invalid_utf8_split_across_segments_is_invalid_content_as_in_one_buffer() =>
        FrameFuzzTarget.Run(File.ReadAllBytes(Path.Combine(FuzzCorpus.FindingsFolder, "invalid-utf8-split-across-segments.bin")));

    [Fact]
    public void Finding_lone_surrogate_escape_in_content_type_is_a_protocol_error() =>
        FrameFuzzTarget.Run(File.ReadAllBytes(Path.Combine(FuzzCorpus.FindingsFolder, "lone-surrogate-escape-in-content-type.bin")));

    [Fact]
    public void Finding_lone_surrogate_escape_in_an_extra_member_name_is_a_protocol_error() =>
        FrameFuzzTarget.Run(File.ReadAllBytes(Path.Combine(FuzzCorpus.FindingsFolder, "lone-surrogate-escape-in-extra-member-name.bin")));

    [Fact]
    public void Finding_lone_surrogate_escape_in_byteorder_is_a_protocol_error() =>
        FrameFuzzTarget.Run(File.ReadAllBytes(Path.Combine(FuzzCorpus.FindingsFolder, "lone-surrogate-escape-in-byteorder.bin")));
}
