using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Edge.Gateway.Benchmarks.PipelineBenchmarks).Assembly).Run(args);
