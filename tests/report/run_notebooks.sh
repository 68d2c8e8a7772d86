#!/bin/sh
# Executes every notebook in a folder against a results folder (VMCSIM_RESULTS); fails on the
# first cell that raises. The executed copies go to the output folder, never over the sources.
# usage: run_notebooks.sh <notebooks folder> <results folder> <output folder>
set -eu
notebooks=$1
results=$2
out=$3
if [ ! -s "$results/results.json" ]; then
  echo "FAIL: $results/results.json is missing (did the sample-results fixture run?)"
  exit 1
fi
rm -rf "$out"
mkdir -p "$out"
export VMCSIM_RESULTS="$results"
export MPLBACKEND=Agg
export PYDEVD_DISABLE_FILE_VALIDATION=1
export MPLCONFIGDIR="$out/.matplotlib"
export JUPYTER_RUNTIME_DIR="$out/.jupyter-runtime"
export IPYTHONDIR="$out/.ipython"
count=0
for nb in "$notebooks"/*.ipynb; do
  [ -e "$nb" ] || { echo "FAIL: no notebooks in $notebooks"; exit 1; }
  echo "executing $(basename "$nb") against $results"
  /usr/bin/python3 -m nbconvert --to notebook --execute --ExecutePreprocessor.timeout=300 \
    --output-dir "$out" "$nb"
  count=$((count + 1))
done
echo "$count notebooks executed without errors"
