"""Reports of a run, all from one plain-data record (:func:`report_dict`).

``report.json`` (machine-readable), ``report.md``, ``discrepancies.png`` and each
claim's illustrations (``<claim id>.<k>.png``) are written here; the
self-contained ``report.html`` (:mod:`verify.report._html`), ``junit.xml`` for CI test
views (:mod:`verify.report._junit`) and the CI job summary ``summary.md``
(:mod:`verify.report._summary`) live in their own modules. Every format records the
run's provenance: package versions, git commit and dirty flag, seed, budget,
false-fail rates, machine, start time and duration.
"""

from __future__ import annotations

import html
import json
import math
import uuid
from pathlib import Path
from typing import Callable, Mapping, Sequence

import mpmath

from theory import InvalidArgument

from ._commit import ReportNotWritten, recover, report_lock, write_set
from ._environment import environment, machine_text, verifier_text
from ._evidence import in_brief
from ._figures import claim_files, overview
from ._html_plots import record_png
from .._interval import IntervalComparison, allowance_sensitivity
from .._thresholds import threshold_records, threshold_text
from .._protocols import allowance_of, component_labels
from .._result import RunResult
from .._verdict import Verdict

__all__ = ["write_report", "report_dict", "prepare_directory"]


def _num(value: object, dps: int | None) -> float | str:
    """A JSON number: floats stay floats; high-precision values become decimal strings with ``dps`` digits."""
    if isinstance(value, mpmath.mpf):
        return mpmath.nstr(value, dps or 15, strip_zeros=False)
    v = float(value)
    if not math.isfinite(v):
        raise InvalidArgument("report value", v, "a finite number (a report never holds NaN or inf)")
    return v


def _opt(value: object) -> float | str | None:
    return None if value is None else _num(value, None)


def _nums(values, dps):
    return [_num(v, dps) for v in values]


def _predicted(last, dps):
    """Predicted values, or (lo, hi) ranges of an interval claim (an infinite end is None)."""
    if isinstance(last, IntervalComparison):
        return [[None if math.isinf(x) else x for x in pair] for pair in last.predicted]
    return _nums(last.predicted, dps)


def _claim_record(v: Verdict) -> dict[str, object]:
    claim, last = v.claim, v.comparison
    est = last.estimate if last else None
    dps = est.dps if est else None
    record: dict[str, object] = {
        "id": claim.id,
        "title": claim.title,
        "kind": claim.kind.value,
        "provenance": {"text": claim.provenance.describe(), "source": claim.provenance.source,
                       "arxiv": claim.provenance.arxiv, "version": claim.provenance.version,
                       "locator": claim.provenance.locator, "note": claim.provenance.note,
                       "trust": claim.provenance.trust},
        "parameters": {k: list(p) if isinstance(p, tuple) else p for k, p in claim.values.items()},
        "formula": claim.formula(),
        "assumptions": list(claim.assumptions),
        "outcome": v.outcome,
        "reason": v.reason,
        "resolution": claim.resolution,
        "predicted": _predicted(last, claim.dps) if last else None,
        "components": list(component_labels(claim.prediction, claim.values, len(last.estimate.value))) if last
        else None,
        "confidence_interval": ([list(last.lower), list(last.upper)] if isinstance(last, IntervalComparison)
                                else None),
        "sensitivity": _sensitivity(claim, last),
        "independence": claim.route,
        "thresholds": _thresholds(claim, last),
        "estimate": _nums(est.value, dps) if est else None,
        "std_error": _nums(est.std_error, None) if est and est.statistical else None,
        "bound": _nums(est.bound, None) if est and not est.statistical else None,
        "method": est.method if est else None,
        "n_samples": est.n_samples if est else None,
        "seed": v.seed,
        "stream": list(est.seed) if est and est.seed else None,
        "dps": claim.dps,
        "estimate_dps": dps,
        "min_detectable": _opt(v.min_detectable),
        "relative_discrepancy": _opt(last.relative_discrepancy) if last else None,
        "evidence": in_brief(v),
        "false_fail_rate": _num(v.false_fail_rate, None),
        "alpha_spent": _num(v.alpha_spent, None),
        "samples_needed": v.samples_needed,
        "seconds": round(v.seconds, 4),
        "reused": ({"commit": v.reused.commit, "decided": v.reused.decided, "store": v.reused.store}
                   if v.reused is not None else None),
        "looks": [_look(c) for c in v.looks],
    }
    return record


def _sensitivity(claim, last) -> dict[str, object] | None:
    """Where an interval claim's verdict turns as its declared allowance varies (None: it declares none)."""
    declared = allowance_of(claim.prediction, claim.values) if isinstance(last, IntervalComparison) else None
    if declared is None:
        return None
    name, value, centres = declared
    fail_below, pass_from = allowance_sensitivity(centres, last.lower, last.upper)
    return {"name": name, "value": float(value), "centres": [float(c) for c in centres],
            "fail_below": fail_below, "pass_from": pass_from}


def _thresholds(claim, last) -> list[dict[str, object]]:
    """The thresholds we chose, with the verdict across each where the last look's intervals allow."""
    try:
        if isinstance(last, IntervalComparison):
            return threshold_records(claim, last.lower, last.upper)
        return threshold_records(claim)
    except Exception as exc:  # noqa: BLE001  (a sweep that fails must not lose the report)
        return [{"name": name, "value": claim.parameters[name].value, "rationale": why, "sweep": None,
                 "note": f"the sweep failed: {type(exc).__name__}: {exc}"} for name, why in claim.thresholds.items()]


def sensitivity_text(s: dict) -> str:
    """One line: the verdict at every allowance."""
    return (f"sensitivity to the {s['name']} (pre-registered {s['value']:.3g}): FAIL below {s['fail_below']:.3g}, "
            f"INCONCLUSIVE up to {s['pass_from']:.3g}, PASS from {s['pass_from']:.3g} on")


def verdict_plot(verdict: Verdict) -> bytes | None:
    """The report's plot of ``verdict``'s looks as PNG (None without a look); the run draws it as the verdict is
    decided, on the worker that decided it, so writing the report only embeds it."""
    return record_png(_claim_record(verdict)) if verdict.looks else None


def _ends(values) -> list[float | None]:
    """Interval ends as floats; an infinite end is None."""
    return [float(x) if math.isfinite(float(x)) else None for x in values]


def _look(c) -> dict[str, object]:
    """One sequential look: sample size, estimate and, per component, discrepancy and radius.

    ``discrepancy`` and ``radius`` are relative to the prediction's scale (absolute for an
    interval claim, which also records its confidence ``lower``/``upper`` ends and the ranges).
    """
    look: dict[str, object] = {
        "n_samples": c.estimate.n_samples, "estimate": _nums(c.estimate.value, c.estimate.dps),
        "error": _nums(c.estimate.error, None), "alpha": _num(c.alpha, None),
        "relative_discrepancy": _num(c.relative_discrepancy, None),
        "min_detectable": _num(c.relative_detectable, None),
        "discrepancy": _nums(c.discrepancy, None),
        "radius": _nums(c.radius, None) if not isinstance(c, IntervalComparison) else None}
    if isinstance(c, IntervalComparison):
        look.update(radius=_ends(c.radius), lower=_ends(c.lower), upper=_ends(c.upper), predicted=_predicted(c, None))
    return look


def report_dict(result: RunResult, *, claims_files: Sequence[Mapping[str, str]] = ()) -> dict[str, object]:
    """Everything a report holds, as plain JSON-able data.

    ``claims_files``: the records (path, SHA-256) of the user claims files that were run,
    taken when they were read (:func:`verify._claims_file.claims_file_record`).
    """
    return {
        "run": {
            "seed": result.seed, "budget": result.budget,
            "false_fail_rate": result.false_fail_rate,
            "false_fail_rate_per_claim": (result.false_fail_rate_per_claim if result.false_fail_rate_per_claim
                                          is not None else result.verdicts[0].false_fail_rate if result.verdicts
                                          else None),
            "false_pass_rate": result.false_pass_rate,
            "error_control": "Bonferroni over statistical claims, Bonferroni alpha spending over a fixed "
                             "schedule of doubling looks, Bonferroni over components",
            "started": result.started, "seconds": round(result.seconds, 3),
            "selected": result.selected, "interrupted": result.interrupted,
            "executor": result.executor, "resumed": result.resumed, "reused": result.reused,
            "counts": result.counts(),
            **environment(),
            **({"claims_files": [dict(f) for f in claims_files]} if claims_files else {}),
        },
        "claims": [_claim_record(v) for v in result.verdicts],
    }


def _groups(claims: list[dict]) -> list[tuple[str, list[dict]]]:
    """Claims about the mathematics first, then the implementation identities (they hold by definition and
    test code paths)."""
    maths = [c for c in claims if c.get("independence") != "identity"]
    identities = [c for c in claims if c.get("independence") == "identity"]
    return [(h, g) for h, g in (("Claims about the mathematics", maths),
                                ("Implementation identities (hold by definition; they test our code paths)",
                                 identities)) if g]


def _row(c: dict) -> str:
    return (f"| `{c['id']}` | {c['kind']} | **{c['outcome']}**{' (reused)' if c.get('reused') else ''} | "
            f"{c['evidence']} | {c['n_samples'] or '-'} | {c['seconds']:.2f} |")


def _markdown(data: dict[str, object]) -> str:
    run = data["run"]
    git = run["git"]
    counts = ", ".join(f"{k} {v}" for k, v in run["counts"].items())
    lines = [
        "# Verification report", "",
        f"- outcome counts: {counts}" + (" (**interrupted**)" if run["interrupted"] else ""),
        f"- seed {run['seed']}, budget `{run['budget']}`, false-fail rate {run['false_fail_rate']:g} for the run "
        f"({run['false_fail_rate_per_claim'] or 0:.3g} per statistical claim), "
        f"false-pass rate {run['false_pass_rate']:g}",
        f"- started {run['started']}, {run['seconds']:.1f} s on {run.get('executor', 'in-process')}"
        + "".join(f", {run[k]} {k}" for k in ("resumed", "reused") if run.get(k)) + f"; machine: {machine_text(run)}",
        f"- git {git['commit'] or 'unknown'}{' (dirty)' if git['dirty'] else ''} (the working directory's); "
        f"{verifier_text(run)}; "
        + ", ".join(f"{k} {v}" for k, v in run["packages"].items()),
        *(["- claims files: " + ", ".join(f"`{f['path']}` (sha256 {f['sha256'][:12]})" for f in run["claims_files"])]
          if run.get("claims_files") else []),
    ]
    for heading, group in _groups(data["claims"]):
        lines += ["", f"## {heading}", "",
                  "| claim | kind | outcome | evidence | samples | seconds |",
                  "|---|---|---|---|---|---|"]
        lines += [_row(c) for c in group]
    for name in data["run"].get("overview") or ():
        lines += ["", f"![discrepancy in units of each claim's resolution]({name})"]
    lines += ["", "## Evidence", ""]
    for c in data["claims"]:
        error = c["std_error"] or c["bound"]
        lines += [f"### `{c['id']}`: {c['outcome']}", "",
                  _plain(c["title"]), "",  # one line, whatever the title
                  f"- provenance: {_plain(c['provenance']['text'])}",
                  f"- parameters: {c['parameters']}; formula: `{c['formula']}`",
                  f"- predicted: {c['predicted']}",
                  *([f"- {sensitivity_text(c['sensitivity'])}"] if c.get("sensitivity") else []),
                  *[f"- {threshold_text(r)}" for r in c.get("thresholds") or ()],
                  f"- independence of the estimate: {c.get('independence') or 'not declared'}",
                  f"- estimate: {c['estimate']} ({'std. error' if c['std_error'] else 'bound'} {error}); {c['method']}",
                  f"- {_plain(c['reason'])}",
                  f"- seed {c['seed']} (stream {c['stream']}), {c['n_samples'] or 'no'} samples, dps {c['dps']}, "
                  f"false-fail rate {c['false_fail_rate']:.3g} allotted, {c['alpha_spent']:.3g} spent",
                  *([_reused_text(c["reused"])] if c.get("reused") else []), ""]
        shown = ([c["plot"]] if c.get("plot") else []) + list(c.get("pictures") or ())
        lines += [f"![{c['id']}]({name})" for name in shown] + ([""] if shown else [])
    return "\n".join(lines) + "\n"


def _plain(text: str) -> str:
    """``text`` on one line, with its markup shown as text (a title may hold ``<b>``; report.md is rendered)."""
    return html.escape(" ".join(str(text).split()), quote=False)


def _reused_text(reused: dict) -> str:
    at = f" at commit {reused['commit'][:12]}" if reused.get("commit") else ""
    return f"- **reused**, not verified by this run: decided{at} on {reused['decided']} ({reused['store']})"


def _g(x: float | None) -> str:
    return "-" if x is None else f"{x:.3g}"


def prepare_directory(directory: str | Path) -> Path:
    """Create ``directory`` and check it is writable, before any work is done."""
    if not isinstance(directory, (str, Path)) or str(directory) == "":
        raise InvalidArgument("--report", directory, "a directory path (not empty)")
    out = Path(directory)
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".verify-write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise InvalidArgument("--report", str(directory), f"a writable directory ({exc.strerror or exc})") from None
    return out


def write_report(result: RunResult, directory: str | Path, *, claims_files: Sequence[Mapping[str, str]] = (),
                 progress: Callable[[int, int], None] | None = None) -> dict[str, Path]:
    """Write every report of ``result`` into ``directory``, as one set; returns the paths by format.

    Keys: ``json`` (report.json), ``markdown`` (report.md), ``html`` (report.html, one
    self-contained file), ``junit`` (junit.xml), ``summary`` (summary.md, for a CI job
    summary) and ``plot`` (discrepancies.png, when some claim got a look); ``manifest.json`` names the run
    and each file's SHA-256. The set replaces the directory's previous one whole (:mod:`verify.report._commit`):
    if it cannot be written, :class:`ReportNotWritten` says so and the previous set is left as it was. A
    directory another process is writing is :class:`ReportBusy`. ``progress(done, total)`` is called as each
    claim's pictures are written (the slow part).
    """
    out = prepare_directory(directory)
    run_id = uuid.uuid4().hex
    with report_lock(out) as locked:
        recover(locked)
        try:
            return write_set(locked, run_id, lambda staging: _write(result, staging, claims_files, run_id,
                                                                  progress))
        except OSError as exc:
            raise ReportNotWritten(str(directory), exc.strerror or str(exc)) from None


def _write(result: RunResult, out: Path, claims_files: Sequence[Mapping[str, str]], run_id: str,
           progress=None) -> dict[str, Path]:
    data = report_dict(result, claims_files=claims_files)
    data["run"]["id"] = run_id
    claim_files(result, data, out, progress)
    data["run"]["overview"] = overview(result, out)
    paths = {"json": out / "report.json", "markdown": out / "report.md"}
    if data["run"]["overview"]:
        paths["plot"] = out / data["run"]["overview"][0]
    paths["json"].write_text(json.dumps(data, indent=2, allow_nan=False) + "\n")
    paths["markdown"].write_text(_markdown(data))
    from ._html import write_html
    from ._junit import write_junit
    from ._summary import write_summary

    paths["html"] = write_html(result, data, out)
    paths["junit"] = write_junit(result, data, out / "junit.xml")
    paths["summary"] = write_summary(data, out / "summary.md")
    return paths
