"""Covers verify/report/_html_plots.py as a reader meets it: each panel named and labelled, components placed by
their labels, text at 9 pt or more, no axis offset text (which collided with the axis label), values decades
apart drawn on log scales, and a threshold sweep whose chosen value and outcomes can be read.

Records are built here in the shape ``report_dict`` gives them (numbers as strings where it writes strings).
"""

import math

import pytest
from matplotlib.text import Text

import verify
from verify._thresholds import _grid
from verify.report._html_plots import NAMED_COMPONENTS, ClaimPlots, _columns

HERMITE_LABELS = [f"k={k}, s={s:g}" for s in (0.5, 2.0) for k in range(31)]


def _record(kind="statistical", labels=None, components=3, samples=(1000, 4000), discrepancy=1e-3, radius=2e-3,
            resolution=0.01, **extra):
    labels = labels or [f"[{k}]" for k in range(components)]
    count = len(labels)
    looks = [{"n_samples": n, "estimate": [str(1.0 + discrepancy)] * count, "discrepancy": [discrepancy] * count,
              "radius": [radius] * count, "lower": [None] * count, "upper": [None] * count}
             for n in samples]
    return {"id": "test.claim", "kind": kind, "outcome": "PASS", "resolution": resolution, "components": labels,
            "predicted": ["1.0"] * count, "looks": looks, "thresholds": [], "sensitivity": None, **extra}


def _texts(fig):
    return [t for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]


@pytest.fixture(scope="module")
def plots():
    return ClaimPlots()


def test_labels_with_a_number_place_components_along_x_in_series():
    xs, series, key = _columns({"components": HERMITE_LABELS, "looks": []})
    assert key == "k" and xs[:3] == [0.0, 1.0, 2.0] and xs[31] == 0.0
    assert set(series) == {"s=0.5", "s=2"}
    assert _columns({"components": ["rho=0.3", "rho=-0.5"], "looks": []}) == ([0.3, -0.5], ["", ""], "rho")
    assert _columns({"components": ["a=1", "b=2"], "looks": []})[2] == "component"  # two keys: by index
    assert _columns({"components": ["[0]", "[1]"], "looks": []}) == ([0.0, 1.0], ["", ""], "component")


def test_an_exact_claim_with_many_components_shows_values_and_sizes_on_log_scales(plots):
    record = _record("exact", HERMITE_LABELS, samples=(None,), discrepancy=1e-70, radius=1e-29, resolution=1e-25)
    record["looks"][0]["discrepancy"][5] = 0.0
    png = plots.png(record)
    assert png.startswith(b"\x89PNG")
    left, right = plots.left, plots.right
    assert len(record["components"]) > NAMED_COMPONENTS
    assert left.get_xlabel() == "k" and left.get_yscale() == "symlog"
    assert {t.get_text() for t in left.get_legend().get_texts()} == {"s=0.5", "s=2"}
    assert right.get_yscale() == "log" and right.get_xlabel() == "k"
    assert {"s=0.5", "s=2", "resolution"} == {t.get_text() for t in right.get_legend().get_texts()}
    assert "0 at the bottom" in right.get_ylabel()  # a zero discrepancy cannot sit on a log axis: said so
    low, high = right.get_ylim()
    assert low < 1e-70 and high > 1e-25  # discrepancies, bounds and the resolution are all in view


def test_a_statistical_claim_with_many_components_is_drawn_along_its_labels(plots):
    plots.png(_record(labels=[f"rho={r / 10:g}" for r in range(-9, 10)]))
    assert plots.left.get_xlabel() == "rho" and "19 components" in plots.left.get_title()
    assert plots.right.get_xscale() == "log"  # the convergence over sample sizes


@pytest.mark.parametrize("scale", [1e-29, 1e-5, 1.0, 1e7])
def test_no_axis_offset_text_and_units_in_the_label(plots, scale):
    plots.png(_record(discrepancy=scale, radius=2 * scale, resolution=0.01))
    for ax in (plots.left, plots.right):
        for axis in (ax.xaxis, ax.yaxis):
            assert axis.get_offset_text().get_text() == "", (scale, axis.get_offset_text().get_text())
    if scale < 1e-3:
        exponent = math.floor(math.log10(1.15 * 3 * scale))
        assert f"in units of 1e{exponent}" in plots.left.get_xlabel()
        assert f"in units of 1e{exponent}" in plots.right.get_ylabel()


@pytest.mark.parametrize("kind", ["statistical", "exact", "interval"])
def test_every_text_is_at_least_9_points_and_every_panel_has_a_title(plots, kind):
    extra = {}
    if kind == "interval":
        extra = {"predicted": [["0", "0.01"]] * 3}
    record = _record(kind, samples=(None,) if kind == "exact" else (1000, 4000), **extra)
    if kind == "interval":
        for look in record["looks"]:
            look.update(predicted=[[0.0, 0.01]] * 3, estimate=[0.003] * 3, lower=[0.002] * 3, upper=[0.004] * 3)
    plots.png(record)
    small = [(t.get_text(), t.get_fontsize()) for t in _texts(plots.fig) if t.get_fontsize() < 9]
    assert not small
    assert plots.left.get_title() and plots.right.get_title()


def test_a_threshold_sweep_from_zero_shows_the_chosen_value_and_names_each_outcome(plots):
    sweep = [[0.0, "FAIL"], [0.001, "FAIL"], [0.003, "PASS"], [0.01, "PASS"]] + [[x / 10, "PASS"] for x in range(1, 11)]
    record = _record("interval", components=1, samples=(1000,),
                     thresholds=[{"name": "tolerance", "value": 0.01, "sweep": sweep}])
    record["looks"][0].update(predicted=[[0.0, 0.01]], estimate=[0.003], lower=[0.002], upper=[0.004])
    plots.png(record)
    right = plots.right
    assert right.get_xscale() == "symlog"  # 0.001..1 spans three decades: not squeezed against the axis
    assert {t.get_text() for t in right.get_legend().get_texts()} == {"FAIL", "PASS"}
    inside = [t for t in right.texts if t.get_text() in ("FAIL", "PASS")]
    assert all(0 < t.get_position()[0] < 1 for t in inside)  # band labels in axes fractions, inside the panel
    chosen = right.transAxes.inverted().transform(right.transData.transform((0.01, 0)))[0]
    assert 0.2 < chosen < 0.8, chosen  # the chosen value sits well inside the panel


def test_a_threshold_sweep_holds_the_chosen_value_and_its_decade():
    claim = verify.get("sloppy.a5.plateau")
    (name,) = [n for n in claim.thresholds if claim.parameters[n].domain.high < math.inf]
    value, grid = claim.parameters[name].value, list(_grid(claim, name, 41))
    assert value in grid and grid == sorted(set(grid))
    assert sum(value / 10 <= x <= value * 10 for x in grid) >= 10, grid


def test_a_threshold_sweep_over_decades_is_drawn_without_warnings(plots, recwarn):
    sweep = [[0.01 * 10 ** (k / 4), "PASS" if k > 3 else "FAIL"] for k in range(13)]  # 0.01 .. 10
    record = _record("interval", components=1, samples=(1000,),
                     thresholds=[{"name": "cut", "value": 0.1, "sweep": sweep}])
    record["looks"][0].update(predicted=[[0.0, 0.01]], estimate=[0.003], lower=[0.002], upper=[0.004])
    plots.png(record)
    assert plots.right.get_xscale() == "log"
    assert not [str(w.message) for w in recwarn.list], [str(w.message) for w in recwarn.list]


def test_sizes_hundreds_of_decades_apart_draw_and_positions_over_decades_get_a_log_axis(plots):
    record = _record("exact", [f"h={10 ** (-2 + k / 10):.4g}" for k in range(21)], samples=(None,),
                     discrepancy=1e-250, radius=1e-260, resolution=1e-3)
    record["looks"][0]["discrepancy"][3] = 1e300  # clipped to 1e100: the limits are worked out in logs
    assert plots.png(record).startswith(b"\x89PNG")
    low, high = plots.right.get_ylim()
    assert math.isfinite(high) and high / low < 1e270  # at most 200 decades, and 60 more for the legend
    assert "and below" in plots.right.get_ylabel() and "at the bottom" in plots.right.get_ylabel()
    assert plots.right.get_xscale() == "log" and plots.right.get_xlabel() == "h (log scale)"
    plots.png(_record(labels=[f"h={10 ** (-2 + k / 10):.4g}" for k in range(21)]))
    assert plots.left.get_xscale() == "log" and plots.left.get_xlabel() == "h (log scale)"


@pytest.mark.parametrize(("kind", "labels", "samples", "extra", "words"), [
    ("statistical", None, (1000, 4000), {}, ("the last look, per component.", "at each sequential look")),
    ("exact", HERMITE_LABELS, (None,), {}, ("predicted (lines) and estimated (dots)", "error bound against")),
    ("statistical", [f"rho={r / 10:g}" for r in range(-9, 10)], (1000,), {}, ("along its label's number",
                                                                            "at each sequential look")),
    ("interval", None, (1000,), {"sensitivity": {"fail_below": 0.1, "pass_from": 0.2, "value": 0.3, "name": "a"}},
     ("the last look, per component.", "at every allowance")),
])
def test_the_caption_says_what_each_drawn_panel_shows(plots, kind, labels, samples, extra, words):
    """The caption is chosen with the panels (one dispatch, verify/report/_html_plots._panels), so it cannot say one
    thing while the picture shows another."""
    from verify.report._html_plots import caption

    record = _record(kind, labels, samples=samples, **extra)
    if kind == "interval":
        record["looks"][0].update(predicted=[[0.0, 0.01]] * 3, estimate=[0.003] * 3, lower=[0.002] * 3,
                                  upper=[0.004] * 3)
    plots.png(record)
    text = caption(record)
    assert words[0] in text.split("Right:")[0] and words[1] in text.split("Right:")[1], text
