#!/usr/bin/env bash
# The MPI check of issue 15: `mpirun -n 2 vmcsim run|sweep` writes the results.json a single
# process writes, byte for byte, and really ran on two ranks.
#   tests/mpi/check_mpi.sh VMCSIM   (a vmcsim built with -DVMCSIM_WITH_MPI=ON)
# Run from the source folder. Uses mpirun --oversubscribe, so it runs on a 2-core machine.
set -euo pipefail
vmcsim=$1
scenario=tests/data/runner/small.yaml
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Open MPI refuses to run as root unless told.
as_root=()
[ "$(id -u)" -eq 0 ] && as_root=(--allow-run-as-root)
mpirun=(mpirun "${as_root[@]}" --oversubscribe -n 2)

# And a pod-trace replay (the scheduler benchmark's path: its variant x replication jobs are
# sharded too), where the fixtures are.
# And a multi-tenant sweep, whose every point adds no-burst baseline runs for its interference.
checks=("run:$scenario" "sweep:$scenario" "tenants:tests/data/runner/tenants-sweep.yaml")
pods=tests/data/runner/pods-small.yaml
[ -f "${VMCSIM_DATA:-}/traces/alibaba-gpu-2023/openb_pod_list_default.csv" ] && checks+=("pods:$pods")

for check in "${checks[@]}"; do
  command=${check%%:*}
  scenario=${check#*:}
  verb=$command
  replications=(--replications 3)
  [ "$command" = tenants ] && verb=sweep
  if [ "$command" = pods ]; then
    verb=run
    replications=()
  fi
  "$vmcsim" "$verb" "$scenario" "${replications[@]}" --jobs 1 --format csv \
    --out "$out/$command-single" >"$out/$command-single.txt" 2>"$out/$command-single.err"
  "${mpirun[@]}" "$vmcsim" "$verb" "$scenario" "${replications[@]}" --jobs 1 --format csv \
    --out "$out/$command-mpi" >"$out/$command-mpi.txt" 2>"$out/$command-mpi.err"
  # Rank 0 says it gathered two ranks: not two single processes writing the same folder.
  grep -q "gathered from 2 MPI ranks" "$out/$command-mpi.err" || {
    echo "check_mpi: $command did not run on 2 ranks:" >&2
    cat "$out/$command-mpi.err" >&2
    exit 1
  }
  grep -q "MPI ranks" "$out/$command-single.err" && {
    echo "check_mpi: a plain $command mentions MPI ranks" >&2
    exit 1
  }
  cmp "$out/$command-single/results.json" "$out/$command-mpi/results.json"
  # The instance rows rank 0 spilled as it received them (app/results/instance_spool.hpp).
  for file in instances.csv trace.json; do
    if [ -f "$out/$command-single/$file" ]; then
      cmp "$out/$command-single/$file" "$out/$command-mpi/$file"
    fi
  done
  cmp "$out/$command-single.txt" "$out/$command-mpi.txt"  # and only rank 0 printed
  echo "check_mpi: $command: results.json, instances.csv, trace.json of 2 ranks = single process ($(wc -c <"$out/$command-mpi/results.json") bytes)"
done
