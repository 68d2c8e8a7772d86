"""Checks what check_report_renders.sh captured: DOM, screenshot, console log.

usage: check_rendered.py WORK [--sweep RESULTS_FOLDER]"""
import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

work = Path(sys.argv[1])
failures = []


class SvgCounter(HTMLParser):
    """Counts, per <svg>, the drawn shapes inside it."""

    def __init__(self):
        super().__init__()
        self.svgs = []
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            self.svgs.append({"shapes": 0, "text": 0})
            self.depth += 1
        elif self.depth and tag in ("path", "rect", "line", "polyline"):
            self.svgs[-1]["shapes"] += 1
        elif self.depth and tag == "text":
            self.svgs[-1]["text"] += 1

    def handle_endtag(self, tag):
        if tag == "svg":
            self.depth -= 1


dom = (work / "dom.html").read_text(encoding="utf-8", errors="replace")
counter = SvgCounter()
counter.feed(dom)
if len(counter.svgs) < 4:
    failures.append(f"expected at least 4 charts in the rendered DOM, found {len(counter.svgs)} <svg>")
for i, svg in enumerate(counter.svgs):
    if svg["shapes"] < 3 or svg["text"] < 2:
        failures.append(f"chart {i + 1} is empty: {svg['shapes']} shapes, {svg['text']} labels")

shot = work / "screenshot.png"
if not shot.exists() or shot.stat().st_size == 0:
    failures.append("no screenshot was written")
else:
    from PIL import Image

    image = Image.open(shot).convert("RGB")
    if image.size[0] < 1000:
        failures.append(f"screenshot is only {image.size} pixels")
    colours = image.getcolors(maxcolors=1 << 16)
    distinct = len(colours) if colours is not None else 1 << 16
    if distinct < 10:
        failures.append(f"screenshot looks blank: {distinct} distinct colours")



class SweepSection(HTMLParser):
    """In <section id="sweep">: the sweep table's header cells and body rows, and per
    <div class="sweep-chart"> the drawn lines (<path>) of its chart."""

    def __init__(self):
        super().__init__()
        self.in_sweep = False
        self.found = False
        self.section_depth = 0
        self.in_table = self.in_head = self.in_body = False
        self.header_cells = 0
        self.rows = 0
        self.charts = []  # [metric, paths]

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            if a.get("id") == "sweep":
                self.in_sweep = self.found = True
            if self.in_sweep:
                self.section_depth += 1
        if not self.in_sweep:
            return
        if tag == "table" and "sweep-points" in (a.get("class") or "").split():
            self.in_table = True
        elif self.in_table and tag == "thead":
            self.in_head = True
        elif self.in_table and tag == "tbody":
            self.in_body = True
        elif self.in_head and tag == "th":
            self.header_cells += 1
        elif self.in_body and tag == "tr":
            self.rows += 1
        elif tag == "div" and "sweep-chart" in (a.get("class") or "").split():
            self.charts.append([a.get("data-metric"), 0])
        elif tag == "path" and self.charts:
            self.charts[-1][1] += 1

    def handle_endtag(self, tag):
        if not self.in_sweep:
            return
        if tag == "table":
            self.in_table = self.in_head = self.in_body = False
        elif tag == "thead":
            self.in_head = False
        elif tag == "section":
            self.section_depth -= 1
            self.in_sweep = self.section_depth > 0


if len(sys.argv) > 2 and sys.argv[2] == "--sweep":
    results = json.loads((Path(sys.argv[3]) / "results.json").read_text())
    points = results["sweep_points"]
    sweep = SweepSection()
    sweep.feed(dom)
    if not points:
        failures.append("results.json has no sweep_points: not a sweep's report")
    elif not sweep.found:
        failures.append('no <section id="sweep"> in the rendered report')
    else:
        expected_rows = sum(len(p["variants"]) for p in points)
        if sweep.rows != expected_rows:
            failures.append(f"sweep table has {sweep.rows} rows, expected one per point and "
                            f"variant: {expected_rows}")
        metric_columns = sweep.header_cells - len(points[0]["parameters"]) - 1
        if len(sweep.charts) != metric_columns:
            failures.append(f"{len(sweep.charts)} sweep charts for {metric_columns} metrics in "
                            "the sweep table: expected one chart per metric")
        if len(sweep.charts) < 4:
            failures.append(f"only {len(sweep.charts)} sweep charts")
        variants = len(points[0]["variants"])
        for metric, paths in sweep.charts:
            if paths < 1 or paths > variants * len(points):
                failures.append(f"sweep chart of {metric} draws {paths} lines for {variants} variants")
        startup = [paths for metric, paths in sweep.charts if metric == "startup_ms"]
        if startup != [variants]:
            failures.append(f"the startup chart draws {startup} lines, expected one per variant "
                            f"({variants})")
        print(f"sweep section: {sweep.rows} point x variant rows, {len(sweep.charts)} metric "
              f"charts, lines per chart: {', '.join(str(p) for _, p in sweep.charts)}")

console = re.compile(r"CONSOLE|Uncaught|Failed to load resource|ERR_", re.IGNORECASE)
for log in ("dom.log", "screenshot.log"):
    for line in (work / log).read_text(errors="replace").splitlines():
        if console.search(line):
            failures.append(f"console message in {log}: {line.strip()}")

print(f"{len(counter.svgs)} charts rendered; shapes per chart: "
      + ", ".join(str(s["shapes"]) for s in counter.svgs))
if failures:
    print("FAIL:\n  " + "\n  ".join(failures))
    sys.exit(1)
print("report renders in headless chromium: OK")
