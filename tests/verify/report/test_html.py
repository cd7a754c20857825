"""Covers verify/report/_html.py and verify/report/_html_plots.py (report.html).

Also the per-look data they draw from (verify/report/_report.py's "looks").
"""

import dataclasses
import json
import math
import re
from dataclasses import dataclass
from html.parser import HTMLParser

import mpmath
import numpy as np
import pytest
import sympy

import verify
from numerics.lowrank import Spectrum
from verify.report._evidence import evidence

from ..synthetic import Coin, exact, interval, statistical


@dataclass(frozen=True)
class HalfRoot:
    """Prediction sqrt(s)/2 with its SymPy closed form (the report renders it as MathML)."""

    def expression(self, values=None):
        s = sympy.Symbol("s", positive=True)
        return sympy.sqrt(s) / 2

    def __call__(self, values, *, dps):
        with mpmath.workdps(dps):
            return (mpmath.sqrt(values["s"]) / 2,)


def _spectrum(values):
    return Spectrum(np.array([3.0, 2.0, 1.0, 0.5]), 3.0, 0.1, 2.0, 1.0, np.zeros(2), np.zeros(2), "synthetic")


def _claims():
    closed = dataclasses.replace(statistical(truth=(0.5,), id="synthetic.closed"), prediction=HalfRoot(),
                                 title="half a root <b>&</b> 'quoted'",
                                 illustrations=(_spectrum, lambda values: "not picture data"))
    return [closed, statistical(predicted=(1.5,), id="synthetic.wrong"), exact(),
            statistical(sigma=100.0, id="synthetic.noisy"),
            interval(((0.5, math.inf), (0.0, 0.5)), Coin((0.9, 0.1)), id="synthetic.interval")]


class Page(HTMLParser):
    """Collects what the tests look at: sections, images, links, scripts, MathML, table headers."""

    def __init__(self):
        super().__init__()
        self.sections, self.images, self.links, self.scripts, self.maths, self.headers = [], [], [], [], 0, []
        self.stack = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.stack.append(tag)
        if tag == "section" and "claim" in a.get("class", "").split():
            self.sections.append(a["id"])
        elif tag == "img":
            self.images.append(a["src"])
        elif tag in ("link", "script") and ("src" in a or "href" in a):
            self.links.append(a)
        elif tag == "math":
            self.maths += 1

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1] == "script":
            self.scripts.append(data)
        elif self.stack and self.stack[-1] == "th" and "thead" in self.stack:
            self.headers.append(data)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    result = verify.run(_claims(), seed=4)
    out = tmp_path_factory.mktemp("report")
    paths = verify.write_report(result, out)
    return result, paths, paths["html"].read_text(encoding="utf-8")


def test_the_run_has_every_outcome_and_kind_and_every_format_is_written(report):
    result, paths, _ = report
    assert {"json", "markdown", "plot", "html", "junit", "summary"} <= set(paths)
    assert all(p.stat().st_size > 0 for p in paths.values())
    assert {v.outcome for v in result.verdicts} == set(verify.OUTCOMES)
    assert {v.claim.kind for v in result.verdicts} == set(verify.Kind)


def test_the_page_parses_with_one_section_per_verdict(report):
    result, paths, text = report
    page = Page()
    page.feed(text)
    page.close()
    assert page.sections == [f"claim-{v.claim.id}" for v in result.verdicts]
    assert text.count('<section class="claim"') == len(result.verdicts)


def test_the_page_works_offline_from_its_directory_and_stays_light(report):
    """Issue 23: pictures are files beside the page (loaded lazily), each one of the report set; nothing is
    fetched from elsewhere, and the page itself is a few tens of kilobytes."""
    _, paths, text = report
    page = Page()
    page.feed(text)
    listed = set(json.loads((paths["html"].parent / "manifest.json").read_text())["files"])
    assert page.images and all("/" not in src and ":" not in src and src in listed for src in page.images)
    assert text.count('loading="lazy"') == len(page.images)
    assert not page.links  # no external script or stylesheet
    assert "<link" not in text and "@import" not in text and "url(" not in text
    # the overview, one plot per claim with a look, and the one illustration that could be drawn
    assert len(page.images) == 1 + 5 + 1
    assert paths["html"].stat().st_size < 100_000


def test_provenance_summary_table_and_sort_script(report):
    result, _, text = report
    page = Page()
    page.feed(text)
    data = verify.report_dict(result)["run"]
    assert data["git"]["commit"] is None or data["git"]["commit"] in text
    for needle in (data["hostname"] or "unknown host", data["platform"], "seed", "budget", "false-fail rate", "sympy"):
        assert needle in text
    assert page.headers[:6] == ["claim", "kind", "outcome", "evidence", "samples", "seconds"]
    assert 'class="sortable"' in text and any("addEventListener" in s and "sort" in s for s in page.scripts)
    # default order FAIL, INCONCLUSIVE, PASS; every id links to its section
    table = text[text.index('<table id="summary"'):text.index("</table>", text.index('<table id="summary"'))]
    order = [table.index(f'href="#claim-{i}"') for i in ("synthetic.wrong", "synthetic.noisy", "synthetic.exact")]
    assert order == sorted(order)
    assert '<td class="FAIL" data-sort="0">FAIL</td>' in table


def test_a_sympy_prediction_is_mathml_with_its_text(report):
    _, _, text = report
    section = _section(text, "synthetic.closed")
    assert '<math display="block">' in section and "<msqrt>" in section
    assert "<code>sqrt(s)/2</code>" in section
    assert "numerical" in _section(text, "synthetic.wrong")  # a Constant has no closed form


def test_each_section_holds_evidence_and_verdict(report):
    result, _, text = report
    for v in result.verdicts:
        section = _section(text, v.claim.id)
        for e in evidence(v):
            assert f"{e.estimate:.10g}" in section
        assert v.reason.replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#x27;") in section
        assert "allotted" in section and "spent" in section
    assert "samples needed" in _section(text, "synthetic.noisy")
    assert "[0.5, inf]" in _section(text, "synthetic.interval")


def test_titles_are_escaped_and_illustrations_embedded(report):
    _, paths, text = report
    section = _section(text, "synthetic.closed")
    assert "half a root &lt;b&gt;&amp;&lt;/b&gt; &#x27;quoted&#x27;" in section and "<b>&" not in text
    record = next(c for c in json.loads(paths["json"].read_text())["claims"] if c["id"] == "synthetic.closed")
    assert record["pictures"] == ["synthetic.closed.0.png"]  # the second illustration could not be drawn
    assert section.count("<img") == 2  # its plot and its one picture


def test_looks_record_discrepancy_radius_and_interval_ends(report):
    _, paths, _ = report
    records = {c["id"]: c for c in json.loads(paths["json"].read_text())["claims"]}
    for look in records["synthetic.noisy"]["looks"]:
        assert len(look["discrepancy"]) == len(look["radius"]) == 1 and look["radius"][0] > 0
        assert {"n_samples", "estimate", "error", "alpha", "relative_discrepancy", "min_detectable"} <= set(look)
    last = records["synthetic.interval"]["looks"][-1]
    assert last["predicted"] == [[0.5, None], [0.0, 0.5]]
    assert all(lo <= hi for lo, hi in zip(last["lower"], last["upper"]))


def test_a_plot_that_fails_to_draw_keeps_the_report(tmp_path, monkeypatch, capsys):
    from verify.report import _html_plots

    def broken(self, record):
        raise RuntimeError("no plot today")

    monkeypatch.setattr(_html_plots.ClaimPlots, "png", broken)
    result = verify.run([statistical()], seed=0)
    text = verify.write_report(result, tmp_path)["html"].read_text()
    assert "The plot is missing: RuntimeError: no plot today" in text
    assert "plot of synthetic.normal.mean not drawn" in capsys.readouterr().err


def _section(text, claim_id):
    start = text.index(f'<section class="claim" id="claim-{claim_id}"')
    return text[start:text.index("</section>", start)]


def test_every_sort_key_is_a_number_javascript_reads(report):
    # parseFloat reads "Infinity" but not "inf": a missing or infinite value must still sort as a number
    from verify.report._html import _sort_key

    assert ([_sort_key(x) for x in (None, math.inf, -math.inf, 0.5, 2)]
            == ["Infinity", "Infinity", "-Infinity", "0.5", "2.0"])
    _, _, text = report
    keys = re.findall(r'data-sort="([^"]*)"', text)
    assert keys and all(k in ("Infinity", "-Infinity") or math.isfinite(float(k)) for k in keys)


def test_a_partial_closed_form_says_so_and_components_are_named(tmp_path):
    """Issue 23 (seen on the screenshots): the Hermite claim shows c_0..c_3 in closed form out of 62 components,
    which the page must say; its evidence table names each component (k, s)."""
    result = verify.run([verify.get("hermite.abs.closed_form")], seed=0)
    text = verify.write_report(result, tmp_path)["html"].read_text()
    assert ("4 expressions for 62 components: each holds at every value of the swept parameters, and a series "
            "(c_0, c_1, ...) is shown to its first terms; the others are predicted alike." in text)
    assert "<td>k=30, s=2</td>" in text and "<td>k=0, s=0.5</td>" in text


def test_pictures_reserve_their_space_before_they_load(report):
    """Issue 23 (seen on the screenshots): a lazily loaded picture without a size makes the page jump."""
    _, paths, text = report
    import re

    for name in ("synthetic.closed.0.png", "synthetic.closed.plot.png"):
        tag = re.search(rf'<img [^>]*src="{re.escape(name)}"[^>]*>', text).group(0)
        width, height = (int(re.search(rf'{a}="(\d+)"', tag).group(1)) for a in ("width", "height"))
        png = (paths["html"].parent / name).read_bytes()
        assert (width, height) == (int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big"))


def test_every_registered_claim_shows_a_formula_and_integrals_say_they_are_evaluated_numerically():
    """No built-in claim's section says "numerical" where its formula would be: a closed form (MathML), the defining
    integral where there is none (MathML, with a note), or the statement's text."""
    from types import SimpleNamespace

    from verify.report._html import _formula

    shown = {c.id: _formula(SimpleNamespace(claim=c, comparison=None)) for c in verify.claims()}
    assert not [i for i, html in shown.items() if "numerical (no closed form" in html or "could not be printed" in html]
    integral = shown["gauss.tanh.mean_derivative.mc"]
    assert '<math display="block">' in integral and "&#x222B;" in integral and "Integral(" in integral
    assert "No closed form: the prediction evaluates this integral numerically" in integral
    assert "No closed form" not in shown["gauss.relu.mean_derivative.mc"]
    assert "Integral(" in shown["kernel.tanh.d1.mc"] and "Integral(" in shown["hermite.tanh.stein"]
