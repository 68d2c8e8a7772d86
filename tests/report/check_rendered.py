"""Checks what check_report_renders.sh captured: DOM, screenshot, console log."""
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
