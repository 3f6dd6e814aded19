#!/bin/sh
# Runs every benchmark of docs/benchmarks.md in order, writing the output to $OUT.
# Build first: ./mvnw -B package -pl clavier-benchmarks -am -DskipTests
# Needs: Linux (127.0.0.x loopback addresses), ulimit -n >= 12000, about 35 minutes.
set -eu
JAR=${JAR:-clavier-benchmarks/target/benchmarks.jar}
OUT=${OUT:-clavier-benchmarks/results/$(date -u +%Y%m%dT%H%MZ)}
mkdir -p "$OUT"
{
	date -u
	echo "nproc: $(nproc)"
	grep -m1 "model name" /proc/cpuinfo
	java -version 2>&1
	echo "ulimit -n: $(ulimit -n)"
	echo "ip_local_port_range: $(cat /proc/sys/net/ipv4/ip_local_port_range)"
	echo "tcp_max_tw_buckets: $(cat /proc/sys/net/ipv4/tcp_max_tw_buckets)"
	uptime
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"

# 1 and 2: every JMH benchmark in one run, side by side (SelectionBenchmark includes issue 12's weights and zones).
java -jar "$JAR" 'SelectionBenchmark|RequestPathBenchmark' -prof gc -rf json -rff "$OUT/jmh.json" 2>&1 | tee "$OUT/jmh.txt"
uptime | tee -a "$OUT/jmh.txt"

# 3: probe scale.
for model in tcp http http-close; do
	for endpoints in 1000 5000 10000; do
		uptime | tee "$OUT/probe-$model-$endpoints.txt"
		java -cp "$JAR" dev.clavier.benchmarks.ProbeScale "$model" "$endpoints" 100 10 30 2>&1 | tee -a "$OUT/probe-$model-$endpoints.txt"
	done
done

# 4 and 5: failure detection and DNS change.
uptime | tee "$OUT/failure-detection.txt"
java -cp "$JAR" dev.clavier.benchmarks.FailureDetection 5 2>&1 | tee -a "$OUT/failure-detection.txt"
uptime | tee "$OUT/dns-change.txt"
java -cp "$JAR" dev.clavier.benchmarks.DnsChange 6 2>&1 | tee -a "$OUT/dns-change.txt"
