#!/bin/sh
# Compares two builds of the benchmarks in one run on one machine: the pick (getEndpoint, choose,
# LoadBalancerClient.choose, with the array baseline) and the probe scale at 10,000 HTTP
# endpoints, each part run for BEFORE then AFTER, twice over, so that drift hits both alike.
# Build each jar with: ./mvnw -B package -pl clavier-benchmarks -am -DskipTests
# Usage: BEFORE=before.jar AFTER=after.jar OUT=dir clavier-benchmarks/run-before-after.sh
# Needs: Linux (127.0.0.x loopback addresses), ulimit -n >= 12000, about 20 minutes.
set -eu
: "${BEFORE:?jar of the earlier build}" "${AFTER:?jar of the later build}"
OUT=${OUT:-clavier-benchmarks/results/before-after-$(date -u +%Y%m%dT%H%MZ)}
mkdir -p "$OUT"
{
	date -u
	echo "nproc: $(nproc)"
	grep -m1 "model name" /proc/cpuinfo
	java -version 2>&1
	echo "ulimit -n: $(ulimit -n)"
	uptime
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"
PICKS='SelectionBenchmark.*\.(baseline|clavierGetEndpoint|clavierChoose|loadBalancerClientClavier)$'
for round in $(seq 1 "${ROUNDS:-2}"); do
	for side in before after; do
		if [ "$side" = before ]; then jar=$BEFORE; else jar=$AFTER; fi
		uptime | tee "$OUT/jmh-$side-$round.txt"
		java -jar "$jar" "$PICKS" -prof gc -rf json -rff "$OUT/jmh-$side-$round.json" 2>&1 | tee -a "$OUT/jmh-$side-$round.txt"
		uptime | tee "$OUT/probe-http-10000-$side-$round.txt"
		java -cp "$jar" dev.clavier.benchmarks.ProbeScale http 10000 100 10 30 2>&1 | tee -a "$OUT/probe-http-10000-$side-$round.txt"
	done
done
