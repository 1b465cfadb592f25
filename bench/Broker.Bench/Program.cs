using Broker.Bench;

// Entry point: `dotnet run -c Release --project bench/Broker.Bench -- crypto [--seconds N] [--json FILE]` or `-- pipeline [--sessions S] [--tx N] [--concurrency C] [--json FILE]`.
return BenchCommand.Run(args);
