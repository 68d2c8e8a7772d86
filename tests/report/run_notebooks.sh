#!/bin/sh
# Executes each notebook against its results folder (VMCSIM_RESULTS) and checks that it draws
# its figures: the executed copy must hold exactly the expected number of image/png outputs
# (figures shown with plt.show() under the headless Agg backend leave none), and every phase it
# colours must be named in app/report/palette.json, the report's colours. Fails on the first
# cell that raises, on a notebook in the folder that is not listed (every notebook states its
# figure count), and on a wrong count. The executed copies go to the output folder, never over
# the sources.
# usage: run_notebooks.sh <notebooks folder> <output folder> NAME.ipynb=RESULTS:FIGURES...
set -eu
notebooks=$1
out=$2
shift 2
rm -rf "$out"
mkdir -p "$out"
export MPLBACKEND=Agg
export PYDEVD_DISABLE_FILE_VALIDATION=1
export MPLCONFIGDIR="$out/.matplotlib"
export JUPYTER_RUNTIME_DIR="$out/.jupyter-runtime"
export IPYTHONDIR="$out/.ipython"
for nb in "$notebooks"/*.ipynb; do
  [ -e "$nb" ] || { echo "FAIL: no notebooks in $notebooks"; exit 1; }
  name=$(basename "$nb")
  listed=no
  for spec in "$@"; do
    [ "${spec%%=*}" = "$name" ] && listed=yes
  done
  [ "$listed" = yes ] || { echo "FAIL: $name has no expected figure count (NAME=RESULTS:FIGURES)"; exit 1; }
done
failures=0
for spec in "$@"; do
  name=${spec%%=*}
  rest=${spec#*=}
  results=${rest%:*}
  expected=${rest##*:}
  if [ ! -s "$results/results.json" ]; then
    echo "FAIL: $results/results.json is missing (did its results fixture run?)"
    exit 1
  fi
  echo "executing $name against $results"
  VMCSIM_RESULTS="$results" /usr/bin/python3 -m nbconvert --to notebook --execute \
    --ExecutePreprocessor.timeout=300 --output-dir "$out" "$notebooks/$name"
  # The image/png outputs, and the notes of phases drawn grey, in the executed outputs.
  counts=$(/usr/bin/python3 -c '
import json, sys
nb = json.load(open(sys.argv[1]))
outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
grey = sorted({line for o in outputs for line in "".join(o.get("text", "")).splitlines()
               if "has no colour in" in line})
for line in grey:
    print(line, file=sys.stderr)
print(sum("image/png" in o.get("data", {}) for o in outputs), len(grey))' "$out/$name")
  figures=${counts% *}
  grey=${counts#* }
  if [ "$grey" != 0 ]; then
    echo "FAIL: $name drew a phase that app/report/palette.json does not name (grey), above"
    failures=$((failures + 1))
  fi
  if [ "$figures" != "$expected" ]; then
    echo "FAIL: $name drew $figures figures (image/png outputs), expected $expected"
    failures=$((failures + 1))
  else
    echo "$name: $figures figures, as expected"
  fi
done
[ "$failures" -eq 0 ] || exit 1
echo "$# notebooks executed without errors and drew their figures"
