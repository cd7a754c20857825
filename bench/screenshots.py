"""Screenshots of the HTML report as a person sees it (issue 23: pictures for people).

    python bench/screenshots.py /tmp/shots-report docs/screenshots --make-report
    python bench/screenshots.py verify-report docs/screenshots --claim interval=ID

Headless Chromium renders REPORT/report.html in a 1366x900 window (a laptop at 100% zoom)
and writes one PNG per SHOTS entry into OUT: the page top, the discrepancy plot, and per
claim in CLAIMS its section (as after following #claim-<id>) and its plot or illustration.
Chromium 156 headless draws a blank window once the page is scrolled (#fragment or
script), so each shot renders a copy of report.html, beside it, whose script hides all
before the target; lazy pictures load in the virtual time. --make-report first verifies
CLAIMS (in-process, seed 0, budget standard, ~30 s) into REPORT. PNGs over --max-kb get
256 colours (Pillow). Missing report, section or Chromium: one-line message, exit 2.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

CLAIMS = {"statistical": "gauss.relu.mean_derivative.mc", "interval": "sloppy.a5.plateau",
          "hermite": "hermite.abs.closed_form", "figure": "sloppy.a4.ensemble_spectrum"}
SECTION = '[id="claim-{}"]'
SHOTS = {  # PNG name -> (role in CLAIMS or None, CSS selector of the target; None: page top)
    "report-top": (None, None), "report-discrepancies": (None, 'h2:has(+ figure img[src^="dis"])'),
    **{f"claim-{role}{part}": (role, SECTION + sel) for role in CLAIMS
       for part, sel in (("", ""), ("-plot", " figure"))},
    "claim-figure-illustration": ("figure", SECTION + " figure:last-of-type"),
}
HIDE_BEFORE = """<script>const css = %s; addEventListener("DOMContentLoaded", () => {
  for (let n = css && document.querySelector(css); n && n !== document.body; n = n.parentElement)
    for (let p = n.previousElementSibling; p; p = p.previousElementSibling)
      p.style.display = "none";
});</script></head>"""
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


class ScreenshotError(Exception):
    """A problem the user can fix; reported as one line, exit status 2."""


class ReportMissing(ScreenshotError):
    """The report directory has no report.html, or it lacks a claim's section."""


class ChromiumMissing(ScreenshotError):
    """No headless Chromium on PATH (Debian: apt-get install chromium)."""


def find_chromium() -> str:
    for path in filter(None, map(shutil.which, BROWSERS)):
        return path
    raise ChromiumMissing(f"no Chromium on PATH (tried {', '.join(BROWSERS)}); "
                          "install it, e.g. apt-get install chromium")


def make_report(report: Path, claim_ids: list[str]) -> None:
    import verify
    claims = [c for i in claim_ids for c in verify.select(i) if c.id == i]
    if missing := sorted(set(claim_ids) - {c.id for c in claims}):
        raise ReportMissing(f"no such claim(s): {', '.join(missing)}")
    verify.write_report(verify.run(claims, seed=0, budget="standard"), report)


def shoot(browser: str, url: str, out: Path, width: int, height: int) -> None:
    cmd = [browser, "--headless=new", "--no-sandbox", "--disable-gpu",
           "--hide-scrollbars", f"--window-size={width},{height}",
           "--virtual-time-budget=8000", f"--screenshot={out}", url]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if done.returncode != 0 or not out.exists():
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise ScreenshotError(f"chromium failed on {url}: {tail}")


def shrink(png: Path, max_kb: int) -> None:
    """Re-save a PNG over max_kb with a 256-colour palette, if that is smaller."""
    if png.stat().st_size <= max_kb * 1024:
        return
    from PIL import Image  # installed with matplotlib
    small = png.with_suffix(".q.png")
    with Image.open(png) as image:
        image.convert("RGB").quantize(256).save(small, optimize=True)
    (small.replace(png) if small.stat().st_size < png.stat().st_size else small.unlink())


def take(report: Path, out: Path, claims: dict[str, str], width: int = 1366,
         height: int = 900, max_kb: int = 400) -> list[Path]:
    html = report / "report.html"
    if not html.is_file():
        raise ReportMissing(f"no report at {html} (run python -m verify run --report "
                            f"{report}, or pass --make-report)")
    page = html.read_text(encoding="utf-8")
    for claim in (c for c in claims.values() if f'id="claim-{c}"' not in page):
        raise ReportMissing(f"{html} has no section for claim {claim}")
    browser = find_chromium()
    out.mkdir(parents=True, exist_ok=True)
    copy = report / ".screenshot.html"  # beside report.html: the pictures' paths hold
    written = []
    try:
        for name, (role, selector) in SHOTS.items():
            target = json.dumps(selector.format(claims[role]) if role else selector)
            copy.write_text(page.replace("</head>", HIDE_BEFORE % target, 1), "utf-8")
            png = out / f"{name}.png"
            png.unlink(missing_ok=True)
            shoot(browser, copy.resolve().as_uri(), png, width, height)
            shrink(png, max_kb)
            written.append(png)
    finally:
        copy.unlink(missing_ok=True)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path, help="report directory (has report.html)")
    parser.add_argument("out", type=Path, help="directory for the PNGs")
    parser.add_argument("--make-report", action="store_true",
                        help="verify the CLAIMS and write the report first")
    parser.add_argument("--claim", action="append", default=[], metavar="ROLE=ID",
                        help=f"claim for a role ({', '.join(CLAIMS)}); repeatable")
    parser.add_argument("--width", type=int, default=1366, help="window width (1366)")
    parser.add_argument("--height", type=int, default=900, help="window height (900)")
    parser.add_argument("--max-kb", type=int, default=400,
                        help="quantize PNGs larger than this (default 400)")
    args = parser.parse_args(argv)
    claims = dict(CLAIMS)
    try:
        for item in args.claim:
            role, _, claim = item.partition("=")
            if role not in claims or not claim:
                raise ScreenshotError(f"--claim {item!r}: expected ROLE=ID, ROLE one of "
                                      f"{', '.join(CLAIMS)}")
            claims[role] = claim
        if args.make_report:
            find_chromium()  # fail before verifying
            make_report(args.report, list(claims.values()))
        for png in take(args.report, args.out, claims, args.width, args.height, args.max_kb):
            print(f"{png}  {png.stat().st_size // 1024} KB")
    except ScreenshotError as error:
        print(f"screenshots: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
