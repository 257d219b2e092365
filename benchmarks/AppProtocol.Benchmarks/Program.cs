using BenchmarkDotNet.Running;

// Run all:   dotnet run -c Release --project benchmarks/AppProtocol.Benchmarks -- --filter '*'
// Quick run: add --job short (3 iterations); see docs/PERFORMANCE.md.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
