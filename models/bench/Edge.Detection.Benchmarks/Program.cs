using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Edge.Detection.Benchmarks.FallDetectorBenchmarks).Assembly).Run(args);
