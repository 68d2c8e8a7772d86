#!/bin/sh
# Runs the exponential hold model in vmcsim (Simulation, std::priority_queue baseline) and in
# SimPy 2, and prints events/s and the ratios. Usage: bench/run_peers.sh [build dir]
# The build needs -DVMCSIM_BUILD_BENCH=ON and the target event_queue_bench.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
bench=$build/bin/event_queue_bench
[ -x "$bench" ] || { echo "run_peers.sh: $bench not found; build target event_queue_bench" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$bench" --benchmark_filter='(BM_Simulation<Simulation|BM_PriorityQueue).*Exponential.*/(100|10000)/' \
  --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
  --benchmark_format=json >"$tmp/vmcsim.json" 2>/dev/null
/usr/bin/python3 "$here/peers/simpy_hold.py" 100 10000 >"$tmp/simpy.txt"

/usr/bin/python3 - "$tmp/vmcsim.json" "$tmp/simpy.txt" <<'PY'
import json, re, sys
rates = {}
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    if b.get("aggregate_name") != "median":
        continue
    n = int(re.search(r"/(\d+)/", b["name"]).group(1))
    kind = "vmcsim" if b["name"].startswith("BM_Simulation") else "priority_queue"
    rates[(kind, n)] = b["events/s"]
for line in open(sys.argv[2]):
    f = dict(kv.split("=") for kv in line.split()[1:])
    rates[("simpy", int(f["N"]))] = float(f["events_per_s"])
print(f"{'N':>6} {'vmcsim ev/s':>14} {'pq ev/s':>14} {'SimPy2 ev/s':>14} {'vs pq':>7} {'vs SimPy':>9}")
for n in (100, 10000):
    v, p, s = rates[("vmcsim", n)], rates[("priority_queue", n)], rates[("simpy", n)]
    print(f"{n:>6} {v:>14.0f} {p:>14.0f} {s:>14.0f} {v / p:>7.2f} {v / s:>9.1f}")
PY
