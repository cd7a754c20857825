"""``summary.md``: a compact verdict table for a CI job summary (e.g. ``$GITHUB_STEP_SUMMARY``).

Plain Markdown, no images and no HTML: a headline with the counts and a marker
(a FAIL, else an INCONCLUSIVE or an interrupted run, else all passed), one line of
provenance, the FAIL and INCONCLUSIVE claims with their reasons, then the table
(FAIL, INCONCLUSIVE, then PASS rows). GitHub refuses a step summary over 1 MiB, so
the file stays under :data:`LIMIT` bytes: PASS rows, then other rows, are left out
past it, and the file says how many.
"""

from __future__ import annotations

from pathlib import Path

from ._environment import machine_text
from .._verdict import FAIL, INCONCLUSIVE, PASS

__all__ = ["summary_markdown", "write_summary", "LIMIT"]

#: Bytes the summary may use, well under GitHub's 1 MiB per step.
LIMIT = 512 * 1024
#: At most this many PASS rows are listed; the FAIL and INCONCLUSIVE rows always come first.
MAX_PASS_ROWS = 300
_REASON = 400
_ORDER = {FAIL: 0, INCONCLUSIVE: 1, PASS: 2}
_MARK = {FAIL: "\N{CROSS MARK}", INCONCLUSIVE: "\N{WARNING SIGN}\N{VARIATION SELECTOR-16}",
         PASS: "\N{WHITE HEAVY CHECK MARK}"}


def _plain(text: object, limit: int = _REASON) -> str:
    """Text safe in a Markdown table cell: no HTML, no image syntax, no pipes or newlines; at most ``limit``
    characters."""
    s = " ".join(str(text).split())
    if len(s) > limit:
        s = s[:limit - 1] + "\N{HORIZONTAL ELLIPSIS}"
    for a, b in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "\\|"), ("![", "!\\["), ("`", "'")):
        s = s.replace(a, b)
    return s


def _g(x: object) -> str:
    return "-" if x is None else f"{float(x):.3g}"


def _headline(run: dict) -> str:
    counts = run["counts"]
    worst = FAIL if counts.get(FAIL) else (INCONCLUSIVE if counts.get(INCONCLUSIVE) or run.get("interrupted") else PASS)
    text = ", ".join(f"{counts.get(o, 0)} {o}" for o in (FAIL, INCONCLUSIVE, PASS))
    return f"## {_MARK[worst]} Verification: {text}" + (" (interrupted)" if run.get("interrupted") else "")


def _provenance(run: dict) -> str:
    git = run.get("git") or {}
    commit = (git.get("commit") or "unknown")[:12] + (" (dirty)" if git.get("dirty") else "")
    versions = ", ".join(f"{k} {v}" for k, v in (run.get("packages") or {}).items())
    files = "; claim files: " + ", ".join(f"{f.get('path')} ({str(f.get('sha256'))[:12]})"
                                          for f in run["claims_files"]) if run.get("claims_files") else ""
    reused = f"; {run['reused']} verdicts reused from a cache" if run.get("reused") else ""
    return _plain(f"commit {commit}{reused}; seed {run['seed']}, budget {run['budget']}, false-fail rate "
                  f"{run['false_fail_rate']:g}; started {run['started']}, {float(run['seconds']):.1f} s; "
                  f"{machine_text(run)}; {versions}{files}", 4000)


def summary_markdown(data: dict, *, limit: int = LIMIT) -> str:
    """The summary of a :func:`verify.report._report.report_dict`, at most ``limit`` bytes of UTF-8."""
    run = data["run"]
    claims = sorted(data["claims"], key=lambda c: _ORDER.get(c["outcome"], 0))
    lines = [_headline(run), "", _provenance(run), ""]
    size = sum(len(x.encode()) + 1 for x in lines)
    bad = [c for c in claims if c["outcome"] != PASS]
    budget = limit - 2048 - size  # room for the notes on what was left out
    listed = _take([f"- {_MARK.get(c['outcome'], '')} `{_plain(c['id'], 200)}` **{c['outcome']}**"
                    f"{' (reused)' if c.get('reused') else ''}: {_plain(c['reason'])} "
                    f"(provenance: {_plain(c['provenance']['text'], 600)})" for c in bad], budget // 2)
    if bad:
        lines += ["### Failed and inconclusive", "", *listed]
        if len(listed) < len(bad):
            lines.append(f"- ... and {len(bad) - len(listed)} more (see report.html or report.json)")
        lines.append("")
    budget = limit - 1024 - sum(len(x.encode()) + 1 for x in lines)
    rows = [c for c in claims if c["outcome"] != PASS] + [c for c in claims if c["outcome"] == PASS][:MAX_PASS_ROWS]
    table = _take([f"| `{_plain(c['id'], 200)}` | {_MARK.get(c['outcome'], '')} {c['outcome']}"
                   f"{' (reused)' if c.get('reused') else ''} | "
                   f"{c['evidence']} | {_plain(c['provenance']['text'], 200)} |"
                   for c in rows], budget)
    lines += ["| claim | outcome | evidence | provenance |", "|---|---|---|---|", *table]
    if len(table) < len(claims):
        passed = sum(c["outcome"] == PASS for c in claims)
        shown = sum(c["outcome"] == PASS for c in claims[:len(table)])
        lines += ["", f"{len(claims) - len(table)} of {len(claims)} rows left out ({passed - shown} of them PASS); "
                      "report.html and report.json list every claim."]
    return "\n".join(lines) + "\n"


def _take(lines: list[str], budget: int) -> list[str]:
    """The first lines whose UTF-8 size (with newlines) fits in ``budget`` bytes."""
    out, used = [], 0
    for line in lines:
        used += len(line.encode()) + 1
        if used > budget:
            break
        out.append(line)
    return out


def write_summary(data: dict, path: Path) -> Path:
    """Write :func:`summary_markdown` to ``path`` (UTF-8)."""
    path.write_text(summary_markdown(data), encoding="utf-8")
    return path
