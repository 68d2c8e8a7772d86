#!/bin/sh
# Opens a report.html in headless Chromium and checks that it renders: the DOM holds non-empty
# SVG charts, the screenshot is not blank, and the page logged no console errors.
# With --sweep, also that the sweep section shows every point of results.json (beside the
# report) and one chart per metric, each with a line per variant (check_rendered.py).
# usage: check_report_renders.sh <report.html> <work folder> [--sweep]
# Exit codes: 0 pass, 1 fail, 77 skipped (no Chromium on this machine; CTest SKIP_RETURN_CODE),
# except under VMCSIM_REQUIRE_BROWSER=1, where a missing Chromium fails.
set -eu
report=$1
work=$2
mode=${3:-}
browser=""
for candidate in chromium chromium-browser google-chrome; do
  if command -v "$candidate" >/dev/null 2>&1; then browser=$(command -v "$candidate"); break; fi
done
if [ -z "$browser" ]; then
  # scripts/test installs Chromium and sets VMCSIM_REQUIRE_BROWSER=1: there a missing browser is
  # a broken set-up, not a reason to skip the check.
  if [ "${VMCSIM_REQUIRE_BROWSER:-0}" = 1 ]; then
    echo "FAIL: no chromium, chromium-browser or google-chrome on PATH, and VMCSIM_REQUIRE_BROWSER=1"
    exit 1
  fi
  echo "SKIPPED: no chromium, chromium-browser or google-chrome on PATH; cannot check report rendering"
  exit 77
fi
if [ ! -s "$report" ]; then
  echo "FAIL: report $report is missing or empty (did the sample-results fixture run?)"
  exit 1
fi
rm -rf "$work"
mkdir -p "$work"
url="file://$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
run_browser() {
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$work/profile" \
    --enable-logging=stderr --v=0 "$@" "$url"
}
run_browser --dump-dom >"$work/dom.html" 2>"$work/dom.log"
run_browser --screenshot="$work/screenshot.png" --window-size=1280,2000 \
  >"$work/screenshot.out" 2>"$work/screenshot.log"
echo "browser: $browser"
echo "DOM: $work/dom.html  screenshot: $work/screenshot.png"
exec /usr/bin/python3 "$(dirname "$0")/check_rendered.py" "$work" $mode "$(dirname "$report")"
