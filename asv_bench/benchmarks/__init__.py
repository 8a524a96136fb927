"""budtiktok's asv benchmarks: batch throughput, single-text latency, cold start and memory."""
