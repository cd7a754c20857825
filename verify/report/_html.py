"""``report.html``: one self-contained page with a run's provenance, verdict table and per-claim evidence.

No network is needed to read it: styles and the table-sorting script are inline,
plots are PNG ``data:`` URIs and closed forms are MathML (rendered by browsers
natively), each with its plain-text form beside it. Everything shown comes from
the report record (:func:`verify.report._report.report_dict`), the verdicts' evidence
(:func:`verify.report._evidence.evidence`) and the predictions' own expressions; this
module formats and draws, it computes no mathematics.

Per claim, a plot shows (left) the last look: each component's estimate with its
confidence interval (or bound) against the prediction, and (right) the convergence
over the sequential looks: the relative discrepancy with its radius against the
sample size, with the band of +-resolution shaded (an interval claim: each look's
interval against the claimed range; an exact claim has a single look).
"""

from __future__ import annotations

import html
import math
from pathlib import Path

from ._environment import machine_text, verifier_text
from ._evidence import evidence
from ._html_plots import caption, number as _g
from .._protocols import expression_of
from .._thresholds import threshold_text
from .._result import RunResult
from .._verdict import FAIL, INCONCLUSIVE, PASS, Verdict

__all__ = ["html_report", "write_html"]

#: Summary-table order: FAIL first, then INCONCLUSIVE, then PASS.
_RANK = {FAIL: 0, INCONCLUSIVE: 1, PASS: 2}

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:72em;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}
th{background:#f3f3f3}table.sortable th{cursor:pointer}table.sortable th:after{content:" \\2195";color:#999}
td.num{text-align:right;font-variant-numeric:tabular-nums}.outcome{font-weight:bold;padding:0 4px;border-radius:3px}
.FAIL{background:#f8c9c4}.PASS{background:#cdebc8}.INCONCLUSIVE{background:#fbe3b5}
section.claim{border-top:2px solid #ccc;margin-top:1.5em}dl.facts{display:grid;grid-template-columns:max-content auto;
gap:2px 1em}dl.facts dt{font-weight:bold}dl.facts dd{margin:0}img{max-width:100%}code{font-size:90%}
.missing{color:#a00}math{font-size:120%}
"""

_SCRIPT = """
document.querySelectorAll("table.sortable th").forEach(function (th, i) {
  th.addEventListener("click", function () {
    var body = th.closest("table").tBodies[0], up = th.dataset.dir !== "up";
    th.dataset.dir = up ? "up" : "down";
    var key = function (row) { var c = row.cells[i]; \
return c.dataset.sort !== undefined ? c.dataset.sort : c.textContent; };
    Array.from(body.rows).sort(function (a, b) {
      var x = key(a), y = key(b), nx = parseFloat(x), ny = parseFloat(y);
      var c = (isNaN(nx) || isNaN(ny)) ? x.localeCompare(y) : (nx > ny) - (nx < ny);
      return up ? c : -c;
    }).forEach(function (row) { body.appendChild(row); });
  });
});
"""


def _e(value: object) -> str:
    return html.escape(str(value))


def _facts(rows: list[tuple[str, str]]) -> str:
    """A definition list; values are already HTML."""
    return '<dl class="facts">' + "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>"


def _outcome(outcome: str) -> str:
    return f'<span class="outcome {_e(outcome)}">{_e(outcome)}</span>'


# --- header and summary table -------------------------------------------------------------------------------


def _header(run: dict) -> str:
    git = run.get("git") or {}
    commit = _e(git.get("commit") or "unknown") + (" <strong>(dirty tree)</strong>" if git.get("dirty") else
                                                   "" if git.get("dirty") is False else " (dirty: unknown)")
    counts = " ".join(f'<span class="outcome {o}">{_e(run["counts"].get(o, 0))} {o}</span>' for o in _RANK)
    per_claim = run.get("false_fail_rate_per_claim")
    rows = [("started", _e(run["started"])), ("duration", _e(f"{float(run['seconds']):.1f} s")),
            ("seed", _e(run["seed"])), ("budget", _e(run["budget"])),
            ("false-fail rate", _e(f"{run['false_fail_rate']:g} for the run"
                                   + (f", {per_claim:.3g} per statistical or interval claim" if per_claim else ""))),
            ("false-pass rate", _e(f"{run.get('false_pass_rate', 0):g}")),
            ("error control", _e(run.get("error_control", ""))),
            ("claims", _e(f"{sum(run['counts'].values())} decided of {run.get('selected')} selected"
                          + ("; the run was interrupted" if run.get("interrupted") else ""))),
            ("git commit", commit + " (of the working directory's repository)"),
            ("verifier", _e(verifier_text(run))), ("machine", _e(machine_text(run))),
            ("packages", _e(", ".join(f"{k} {v}" for k, v in (run.get("packages") or {}).items())))]
    if run.get("claims_files"):
        rows.append(("claim files", "<ul>" + "".join(f"<li><code>{_e(f.get('path'))}</code> sha256 "
                                                       f"<code>{_e(f.get('sha256'))}</code></li>"
                                                       for f in run["claims_files"]) + "</ul>"))
    return f"<header><h1>Verification report</h1><p>{counts}</p>{_facts(rows)}</header>"


def _sort_key(x: object) -> str:
    """A number JavaScript's parseFloat reads: a missing value or inf is Infinity, -inf is -Infinity."""
    v = math.inf if x is None else float(x)
    return "Infinity" if v == math.inf else ("-Infinity" if v == -math.inf else repr(v))


def _summary(records: list[dict]) -> str:
    head = ["claim", "kind", "outcome", "evidence", "samples", "seconds"]
    rows = []
    for r in sorted(records, key=lambda r: _RANK.get(r["outcome"], 0)):
        nums = f'<td data-sort="{_sort_key(r["relative_discrepancy"])}">{_e(r["evidence"])}</td>'
        rows.append(f'<tr><td><a href="#claim-{_e(r["id"])}">{_e(r["id"])}</a></td><td>{_e(r["kind"])}</td>'
                    f'<td class="{_e(r["outcome"])}" data-sort="{_RANK.get(r["outcome"], 0)}">{_e(r["outcome"])}</td>'
                    f'{nums}<td class="num" data-sort="{r["n_samples"] or 0}">{_e(r["n_samples"] or "-")}</td>'
                    f'<td class="num">{r["seconds"]:.2f}</td></tr>')
    return (f'<table id="summary" class="sortable"><thead><tr>{"".join(f"<th>{h}</th>" for h in head)}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


# --- one claim ------------------------------------------------------------------------------------------------


def _provenance(p: dict) -> str:
    if p["source"] == "paper":
        tag = f"{p['arxiv']}{p['version']}"
        via = p["text"].split(":", 1)[0]  # "paper" or "paper (through a ... source)"
        return (f'{_e(via)}: <a href="https://arxiv.org/abs/{_e(tag)}">arXiv:{_e(tag)}</a>, {_e(p["locator"])}'
                + (f"; {_e(p['note'])}" if p.get("note") else ""))
    return _e(p["text"])


def _formula(verdict: Verdict) -> str:
    """The predicted closed form: MathML plus text for a SymPy expression, text for a string, else 'numerical'."""
    try:
        expr = expression_of(verdict.claim.prediction, verdict.claim.values)
    except Exception as exc:  # noqa: BLE001  (a formula that fails to print must not lose the report)
        return f'<p class="missing">the formula could not be printed: {_e(type(exc).__name__)}: {_e(exc)}</p>'
    if expr is None:
        return "<p>The prediction is numerical (no closed form is exposed).</p>"
    import sympy

    if not isinstance(expr, sympy.Basic):
        return f"<p><code>{_e(expr)}</code></p>"
    try:
        mathml = sympy.mathml(expr, printer="presentation")
    except Exception:  # noqa: BLE001  (MathML is a nicety; the text form below stays)
        mathml = ""
    math_html = f'<math display="block">{mathml}</math>' if mathml else ""
    shown, total = len(expr) if isinstance(expr, sympy.Tuple) else 1, _components(verdict)
    part = (f"<p>{shown} expressions for {total} components: each holds at every value of the swept parameters, "
            "and a series (c_0, c_1, ...) is shown to its first terms; the others are predicted alike.</p>"
            if isinstance(expr, sympy.Tuple) and total and shown < total else "")
    integral = (f"<p>No closed form: the prediction evaluates this integral numerically, to {verdict.claim.dps} "
                "digits.</p>" if expr.has(sympy.Integral) else "")
    return f'{math_html}<p>as text: <code>{_e(expr)}</code></p>{integral}{part}'


def _components(verdict: Verdict) -> int | None:
    """How many components the claim predicts (None without a look)."""
    c = verdict.comparison
    return len(c.estimate.value) if c is not None else None


def _evidence_table(verdict: Verdict, labels: list[str] | None) -> str:
    rows = evidence(verdict)
    if not rows:
        return "<p>No look completed, so there is no estimate.</p>"
    c = verdict.comparison
    what = "bound" if not c.estimate.statistical else "confidence interval"
    body = "".join(
        f"<tr><td>{_e(labels[e.component] if labels else e.component)}</td><td class='num'>"
        + (f"[{_g(e.predicted[0], 8)}, {_g(e.predicted[1], 8)}]" if isinstance(e.predicted, tuple)
           else _g(e.predicted, 10))
        + f"</td><td class='num'>{_g(e.estimate, 10)}</td>"
          f"<td class='num'>[{_g(e.lower, 8)}, {_g(e.upper, 8)}]</td></tr>"
        for e in rows)
    return (f"<table><thead><tr><th>component</th><th>predicted</th><th>estimate</th><th>{what} [lower, upper]</th>"
            f"</tr></thead><tbody>{body}</tbody></table>")


def _verdict_facts(record: dict) -> str:
    unit = "absolute, outside the range" if record["kind"] == "interval" else "relative to |prediction|"
    rows = [(f"discrepancy ({unit})", _g(record["relative_discrepancy"])),
            ("minimum detectable", _g(record["min_detectable"])),
            ("resolution", _g(record["resolution"])),
            ("false-fail rate", _e(f"{record['false_fail_rate']:.3g} allotted, {record['alpha_spent']:.3g} spent")),
            ("seed, stream", _e(f"{record['seed']}, {record['stream'] or '-'}")),
            ("samples", _e(record["n_samples"] or "none (deterministic)")),
            ("looks", _e(len(record["looks"]))), ("method", _e(record["method"] or "-")),
            ("dps", _e(f"{record['dps']} (estimate: {record['estimate_dps'] or '-'})")),
            ("seconds", _e(f"{record['seconds']:.2f}"))]
    if record.get("samples_needed"):
        rows.append(("samples needed", _e(f"about {record['samples_needed']} would resolve it")))
    if record.get("reused"):
        r = record["reused"]
        at = f" at commit {r['commit'][:12]}" if r.get("commit") else ""
        rows.insert(0, ("reused", _e(f"not verified by this run: decided{at} on {r['decided']} ({r['store']})")))
    return _facts(rows)


def _independence(route: str | None) -> str:
    if route == "identity":
        return "an implementation identity: it holds by definition and tests our code paths, not the mathematics"
    return {"simulation": "the estimate comes from a simulation", "quadrature": "the estimate is a quadrature of "
            "the defining integral", "second_path": "the estimate comes from a second code path (another formula "
            "or algorithm)"}.get(route or "", "not declared")


def _section(verdict: Verdict, record: dict, plot: str, pictures: list[str]) -> str:
    cid = _e(record["id"])
    params = ", ".join(f"{k} = {v}" for k, v in record["parameters"].items()) or "none"
    assumptions = ("<ul>" + "".join(f"<li>{_e(a)}</li>" for a in record["assumptions"]) + "</ul>"
                   if record["assumptions"] else "none stated")
    facts = _facts([("kind", _e(record["kind"])), ("provenance", _provenance(record["provenance"])),
                    ("assumptions", assumptions), ("parameters", _e(params)),
                    ("independence", _e(_independence(record.get("independence")))),
                    *((f"threshold {_e(r['name'])}", _e(threshold_text(r))) for r in record.get("thresholds") or ())])
    return (f'<section class="claim" id="claim-{cid}"><h2>{_outcome(record["outcome"])} <code>{cid}</code></h2>'
            f"<p>{_e(record['title'])}</p>{facts}<h3>Prediction</h3>{_formula(verdict)}"
            f"<h3>Evidence</h3>{_evidence_table(verdict, record.get('components'))}{plot}"
            f"<h3>Verdict: {_e(record['outcome'])}</h3><p>{_e(record['reason'])}</p>{_verdict_facts(record)}"
            + "".join(pictures) + '<p><a href="#summary">back to the summary</a></p></section>')


# --- plots ----------------------------------------------------------------------------------------------------


def _plot(record: dict) -> str:
    if not record["looks"]:
        return '<p class="missing">No plot: no look completed.</p>'
    if not record.get("plot"):
        return f'<p class="missing">The plot is missing: {_e(record.get("plot_error") or "not drawn")}</p>'
    size = tuple(record.get("plot_size") or _PLOT_SIZE)
    return (f'<figure>{_img(record["plot"], "estimate and convergence of " + record["id"], size)}'
            f"<figcaption>{_e(caption(record))}</figcaption></figure>")


#: the per-claim plot's size in CSS pixels when its PNG's is unknown (reserved before it loads: no jumping page)
_PLOT_SIZE = (960, 364)


def _img(name: str, alt: str, size: tuple[int, int] | None = None) -> str:
    """A picture file beside the page, loaded when scrolled to."""
    wh = f' width="{size[0]}" height="{size[1]}"' if size else ""
    return f'<img alt="{_e(alt)}" src="{_e(name)}" loading="lazy"{wh}>'


def html_report(result: RunResult, data: dict) -> str:
    """The page for ``result``; ``data`` is its report record, naming the picture files beside the page."""
    records = data["claims"]
    sections = []
    for verdict, record in zip(result.verdicts, records):
        sizes = record.get("picture_sizes") or [None] * len(record.get("pictures") or [])
        pictures = [f"<figure>{_img(name, record['id'] + f' illustration {k}', size and tuple(size))}</figure>"
                    for k, (name, size) in enumerate(zip(record.get("pictures") or [], sizes))]
        sections.append(_section(verdict, record, _plot(record), pictures))
    names = data["run"].get("overview") or []
    alt = "discrepancy per claim in units of its resolution, part "
    plot = ("<h2>Discrepancies</h2>" + "".join(f"<figure>{_img(n, alt + str(k))}</figure>"
                                               for k, n in enumerate(names, 1))) if names else ""
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Verification report</title>'
            f'<meta name="viewport" content="width=device-width"><style>{_CSS}</style></head><body>'
            f"{_header(data['run'])}<h2>Verdicts</h2><p>Click a column header to sort.</p>{_summary(records)}"
            f"{plot}<h2>Claims</h2>{''.join(sections)}<script>{_SCRIPT}</script></body></html>\n")


def write_html(result: RunResult, data: dict, out: Path) -> Path:
    """Write :func:`html_report` to ``out / "report.html"`` (its pictures are files in ``out``)."""
    path = out / "report.html"
    path.write_text(html_report(result, data), encoding="utf-8")
    return path
