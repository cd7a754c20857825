"""The per-claim plot of the HTML report: the last look per component, and the convergence over the looks.

Drawn from a claim's report record (``report_dict``), with matplotlib into one
reused figure. Statistical and exact claims show relative discrepancies with
their radii (the resolution band shaded); interval claims show confidence
intervals against the claimed range, and, when the ranges are centres -+ a declared allowance, the verdict
at every allowance instead of the convergence.
"""

from __future__ import annotations

import io
import math
import threading

from .._verdict import FAIL, INCONCLUSIVE, PASS
from ._plot_basics import (_COLOUR, DPI, NAMED_COMPONENTS, _clip, _columns, _limits, _names, _power, _span,
                           number)

__all__ = ["ClaimPlots", "record_png", "caption", "number", "DPI", "NAMED_COMPONENTS"]

def _ranges(look: dict) -> list[tuple[float, float]]:
    return [(-math.inf if lo is None else float(lo), math.inf if hi is None else float(hi))
            for lo, hi in look["predicted"]]


def _ends(look: dict, name: str, default: float) -> list[float]:
    return [default if x is None else float(x) for x in look[name]]


def _rows(ax, labels: list[str]) -> None:
    """One row per component, top to bottom: each labelled when few, else a labelled row every few rows."""
    if len(labels) <= NAMED_COMPONENTS:
        ax.set_yticks(range(len(labels)), labels)
    else:
        from matplotlib.ticker import FuncFormatter, MaxNLocator

        ax.yaxis.set_major_locator(MaxNLocator(7, integer=True))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: labels[int(y)] if 0 <= int(y) < len(labels) else ""))
    ax.set_ylim(len(labels) - 0.5, -0.5)


def _colours(components: int, colour: str) -> list[str]:
    return [f"C{k % 10}" for k in range(components)] if 1 < components <= NAMED_COMPONENTS else [colour] * components


def _spread(components: int) -> float:
    """Factor between neighbouring components' sample sizes on a log axis (all of them within 40%)."""
    return min(1.08, 1.4 ** (1 / max(components - 1, 1)))


def _last_look(ax, record: dict, colour: str) -> None:
    look = record["looks"][-1]
    d, r = [_clip(x) for x in look["discrepancy"]], [_clip(x) for x in look["radius"]]
    ks, res = list(range(len(d))), record["resolution"]
    limits = _limits([a + b for a, b in zip(map(abs, d), r)], res)
    unit, note = _power(limits[1])
    d, r = [x / unit for x in d], [x / unit for x in r]
    if res < limits[1]:  # a band wider than the axes would shade everything and say nothing
        ax.axvspan(-res / unit, res / unit, color="0.9", zorder=0)
    ax.axvline(0, color="0.3", lw=0.8)
    ax.hlines(ks, [a - b for a, b in zip(d, r)], [a + b for a, b in zip(d, r)], color=colour, lw=1)
    ax.plot(d, ks, "o", ms=3, color=colour)
    ax.set_xlim(limits[0] / unit, limits[1] / unit)
    _rows(ax, [f"{name}: {number(p, 4)}" for name, p in zip(_names(record), record["predicted"])])
    ax.set_xlabel(f"(estimate - prediction) / |prediction|{note}", labelpad=10)
    ax.set_title("last look: estimate +- radius; " + ("shaded: +-resolution" if res < limits[1]
                                                      else f"resolution +-{number(res)} is off this scale"))


def _over_decades(xs: list[float], key: str) -> bool:
    """Whether positions read from labels span decades (all positive, a factor over 50): drawn on a log axis."""
    return key != "component" and min(xs) > 0 and max(xs) / min(xs) > 50


def _x_axis(ax, xs: list[float], key: str) -> None:
    if _over_decades(xs, key):
        ax.set_xscale("log")
    ax.set_xlabel(key + (" (log scale)" if _over_decades(xs, key) else ""))


def _last_look_columns(ax, record: dict, colour: str) -> None:
    """Many components: along x by their label's number (``k``), one colour per series (``s=0.5``), each named."""
    look, res = record["looks"][-1], record["resolution"]
    d, r = [_clip(x) for x in look["discrepancy"]], [_clip(x) for x in look["radius"]]
    xs, series, key = _columns(record)
    limits = _limits([a + b for a, b in zip(map(abs, d), r)], res)
    unit, note = _power(limits[1])
    groups = list(dict.fromkeys(series))
    step = min([b - a for a, b in zip(sorted(set(xs)), sorted(set(xs))[1:])] or [1.0])
    if res < limits[1]:
        ax.axhspan(-res / unit, res / unit, color="0.9", zorder=0)
    ax.axhline(0, color="0.3", lw=0.8)
    logx = _over_decades(xs, key)
    for g, name in enumerate(groups):
        at = [k for k, s in enumerate(series) if s == name]
        shift = 0.0 if logx else 0.3 * step * (g - (len(groups) - 1) / 2) / len(groups)
        ax.errorbar([xs[k] + shift for k in at], [d[k] / unit for k in at], yerr=[r[k] / unit for k in at],
                    fmt="o", ms=3, lw=1, color=f"C{g % 10}" if len(groups) > 1 else colour, label=name or None)
    ax.set_ylim(limits[0] / unit, limits[1] / unit)
    _x_axis(ax, xs, key)
    ax.set_ylabel(f"rel. discrepancy{note}")
    ax.set_title(f"last look, {len(d)} components: discrepancy +- radius")
    if len(groups) > 1:
        ax.legend(loc="best", ncol=min(len(groups), 4))


#: decades below the largest value that a symmetric-log axis of values shows; smaller ones are drawn as 0
_DECADES = 30


def _values_columns(ax, record: dict, colour: str) -> None:
    """An exact claim's many components: what is predicted (lines) and estimated (dots), on a symmetric-log scale,
    along x by the labels' number; the agreement is the right panel's."""
    est = [_clip(x) for x in record["looks"][-1]["estimate"]]
    pred = [_clip(x) if not isinstance(x, (list, tuple)) else math.nan for x in record["predicted"]]
    xs, series, key = _columns(record)
    for g, name in enumerate(dict.fromkeys(series)):
        at = [k for k, s in enumerate(series) if s == name]
        c = f"C{g % 10}" if len(set(series)) > 1 else colour
        ax.plot([xs[k] for k in at], [pred[k] for k in at], "-", lw=0.8, color=c, label=name or "prediction")
        ax.plot([xs[k] for k in at], [est[k] for k in at], "o", ms=3, color=c)
    small = [abs(v) for v in pred + est if v and math.isfinite(v)]
    high = math.ceil(math.log10(max(small))) if small else 1
    low = max(math.floor(math.log10(min(small))), high - _DECADES) if small else 0  # smaller reads as 0
    ax.set_yscale("symlog", linthresh=10.0 ** low)
    step = max(1, -(-(high - low) // 3))  # at most 3 labelled decades a side, none at the linear part's edge
    ax.set_yticks([sign * 10.0 ** e for e in range(high, min(low, high - 1), -step) for sign in (-1, 1)] + [0])
    ax.set_yticks([], minor=True)
    _x_axis(ax, xs, key)
    ax.set_ylabel("value, symmetric log scale")
    ax.set_title("predicted (lines) and estimated (dots) values")
    ax.legend(loc="best")


#: decades a log panel of sizes shows at most, below its largest size
_SPAN = 200


def _magnitudes(ax, record: dict, colour: str) -> None:
    """An exact claim's single look on a log scale: each component's |discrepancy| against its error bound (the
    radius) and the resolution, so that sizes 40 decades apart are all seen."""
    look, res = record["looks"][-1], record["resolution"]
    d, r = [abs(_clip(x)) for x in look["discrepancy"]], [abs(_clip(x)) for x in look["radius"]]
    xs, series, key = _columns(record)
    positive = [v for v in d + r + [res] if v > 0]
    top = max(positive) if positive else 1.0
    # at most _SPAN decades in view (matplotlib's log ticks overflow past ~600); anything smaller sits at the bottom
    floor = max(min(positive) / 10 if positive else top / 10, top * 10.0 ** -_SPAN)
    groups = list(dict.fromkeys(series))
    for g, name in enumerate(groups):
        at = [k for k, s in enumerate(series) if s == name]
        c = f"C{g % 10}" if len(groups) > 1 else colour
        ax.plot([xs[k] for k in at], [max(d[k], floor) for k in at], "o", ms=3, color=c,
                label=name or "|discrepancy|")
        ax.plot([xs[k] for k in at], [max(r[k], floor) for k in at], "_", ms=7, mew=1.2, color=c)
    ax.axhline(res, color="0.3", ls="--", lw=1, label="resolution")
    ax.set_yscale("log")
    decades = min(0.3 * math.log10(top / floor), 300 - math.log10(top))  # in logs: top / floor may overflow
    ax.set_ylim(floor / 3, top * 10.0 ** max(decades, 1.0))  # room above the points for the legend
    if key == "component" and len(d) <= NAMED_COMPONENTS:
        ax.set_xticks(xs, _names(record), rotation=20 if len(d) > 3 else 0)
        ax.set_xlim(-0.6, len(d) - 0.4)
    else:
        _x_axis(ax, xs, key)
    zero = (" (0 at the bottom)" if all(v == 0 or v > floor for v in d + r)
            else f" (0 and below {number(floor)} at the bottom)") if any(v <= floor for v in d + r) else ""
    ax.set_ylabel(f"relative size{zero}")
    ax.set_title("|discrepancy| (dots) and bound (dashes), log scale")
    ax.legend(loc="upper center", ncol=min(len(groups) + 1, 3))


def _convergence(ax, record: dict, colour: str) -> None:
    looks, res = record["looks"], record["resolution"]
    components = len(looks[0]["discrepancy"])
    ax.axhline(0, color="0.3", lw=0.8)
    samples = [look["n_samples"] for look in looks]
    d = [[_clip(look["discrepancy"][k]) for look in looks] for k in range(components)]
    rad = [[_clip(look["radius"][k]) for look in looks] for k in range(components)]
    limits = _limits([abs(a) + b for dk, rk in zip(d, rad) for a, b in zip(dk, rk)], res)
    unit, note = _power(limits[1])
    x, y, r, c = [], [], [], []
    for k, ck in enumerate(_colours(components, colour)):
        xk, yk = [n * _spread(components) ** k for n in samples], [v / unit for v in d[k]]
        x, y, r, c = x + xk, y + yk, r + [v / unit for v in rad[k]], c + [ck] * len(looks)
        if components <= NAMED_COMPONENTS:
            ax.plot(xk, yk, "o-", ms=3, lw=0.8, color=ck, label=_names(record)[k])
    ax.vlines(x, [a - b for a, b in zip(y, r)], [a + b for a, b in zip(y, r)], colors=c, lw=1)
    if components > NAMED_COMPONENTS:
        ax.plot(x, y, "o", ms=1.5, color=colour)
    if res < limits[1]:
        ax.axhspan(-res / unit, res / unit, color="0.9", zorder=0)
    ax.set_ylim(limits[0] / unit, limits[1] / unit)
    ax.set_ylabel(f"rel. discrepancy{note}")
    _log_samples(ax, samples, components)
    ax.set_title(f"convergence over {len(looks)} look(s)")
    if 1 < components <= NAMED_COMPONENTS:
        ax.legend(loc="upper right", ncol=2)


def _interval_last(ax, record: dict, colour: str) -> None:
    look = record["looks"][-1]
    ranges, est = _ranges(look), [float(x) for x in look["estimate"]]
    lower, upper = _ends(look, "lower", -math.inf), _ends(look, "upper", math.inf)
    lo, hi = _span([x for pair in ranges for x in pair] + lower + upper + est)
    ks = list(range(len(ranges)))
    ax.hlines(ks, [max(a, lo) for a, _ in ranges], [min(b, hi) for _, b in ranges], color="0.85", lw=8)
    ax.hlines(ks, [max(x, lo) for x in lower], [min(x, hi) for x in upper], color=colour, lw=1)
    ax.plot(est, ks, "o", ms=3, color=colour)
    ax.set_xlim(lo, hi)
    _rows(ax, [f"{name}: [{number(a)}, {number(b)}]" for name, (a, b) in zip(_names(record), ranges)])
    ax.set_xlabel("estimate; grey: claimed range")
    ax.set_title("last look: estimate and confidence interval")


def _interval_convergence(ax, record: dict, colour: str) -> None:
    looks = record["looks"]
    ranges = _ranges(looks[-1])
    values = [x for pair in ranges for x in pair]
    for look in looks:
        values += _ends(look, "lower", math.nan) + _ends(look, "upper", math.nan) + [float(x) for x in look["estimate"]]
    lo, hi = _span(values)
    samples = [look["n_samples"] or i + 1 for i, look in enumerate(looks)]
    for k, ((a, b), ck) in enumerate(zip(ranges, _colours(len(ranges), colour))):
        n = [x * _spread(len(ranges)) ** k for x in samples]
        low = [max(look["lower"][k] if look["lower"][k] is not None else -math.inf, lo) for look in looks]
        up = [min(look["upper"][k] if look["upper"][k] is not None else math.inf, hi) for look in looks]
        ax.vlines(n, low, up, color=ck, lw=1)
        ax.plot(n, [float(look["estimate"][k]) for look in looks], "o-", ms=3, lw=0.8, color=ck)
        ax.axhspan(max(a, lo), min(b, hi), color=ck, alpha=0.15, zorder=0)
    ax.set_ylim(lo, hi)
    _log_samples(ax, samples, len(ranges))
    ax.set_title(f"interval at each of {len(looks)} look(s); shaded: range")


def _label_bands(ax, bands: list[tuple[float, float, str]]) -> None:
    """Shade each (from, to, outcome) band; name the outcomes in a legend, and inside a band wide enough to read
    (a narrow band's rotated label would sit on the axis). Call after the axis' scale and limits are set."""
    from matplotlib.patches import Patch

    to_axes = ax.transAxes.inverted().transform
    for a, b, outcome in bands:
        ax.axvspan(a, b, color=_COLOUR[outcome], alpha=0.35, lw=0)
        left, right = (to_axes(ax.transData.transform((x, 0)))[0] for x in (a, b))
        if right - left >= 0.12:
            ax.text((left + right) / 2, 0.5, outcome, ha="center", va="center", transform=ax.transAxes)
    shown = list(dict.fromkeys(o for _, _, o in bands))
    ax.legend([Patch(color=_COLOUR[o], alpha=0.35) for o in shown], shown, loc="lower right", ncol=len(shown))


def _sensitivity(ax, record: dict, colour: str) -> None:
    """The verdict at every allowance: FAIL, INCONCLUSIVE and PASS as bands, the pre-registered value marked."""
    s = record["sensitivity"]
    fail, passes, value = s["fail_below"], s["pass_from"], s["value"]
    top = 1.25 * max(2 * value, passes, 1e-12)
    ax.set_xlim(0, top)
    _label_bands(ax, [(a, b, o) for a, b, o in ((0.0, fail, FAIL), (fail, passes, INCONCLUSIVE), (passes, top, PASS))
                      if b > a])
    ax.axvline(value, color="k", lw=1.2, ls="--")
    ax.text(value, 0.93, f" pre-registered {number(value)}", fontsize=9, va="top")
    ax.set_yticks([])
    ax.set_xlabel(f"{s['name']} (claimed ranges: centre -+ this)")
    ax.set_title("verdict vs allowance")


def _threshold(ax, record: dict, colour: str) -> None:
    """The verdict across a threshold we chose, re-decided on the last look's intervals; its value marked. A sweep
    over decades is drawn on a log scale (symmetric-log from 0), so that the chosen value is not squeezed."""
    t = next(r for r in record["thresholds"] if r["sweep"])
    xs = [x for x, _ in t["sweep"]]
    edges = [xs[0]] + [(a + b) / 2 for a, b in zip(xs, xs[1:])] + [xs[-1]]
    smallest = min([x for x in xs if x > 0] or [1.0])
    ax.set_xlim(xs[0], xs[-1])  # before the scale: an empty axis' default limits include 0, which log refuses
    if xs[0] > 0 and xs[-1] / xs[0] > 50:
        ax.set_xscale("log")
        edges = [xs[0]] + [math.sqrt(a * b) for a, b in zip(xs, xs[1:])] + [xs[-1]]
    elif xs[0] == 0 and xs[-1] / smallest > 50:
        ax.set_xscale("symlog", linthresh=smallest, linscale=0.5)
        edges = [xs[0]] + [math.sqrt(a * b) if a > 0 else b / 2 for a, b in zip(xs, xs[1:])] + [xs[-1]]
    ax.set_xlim(xs[0], xs[-1])
    bands: list[tuple[float, float, str]] = []
    for (_, outcome), a, b in zip(t["sweep"], edges, edges[1:]):  # neighbouring equal verdicts make one band
        if bands and bands[-1][2] == outcome:
            a = bands.pop()[0]
        bands.append((a, b, outcome))
    _label_bands(ax, bands)
    ax.axvline(float(t["value"]), color="k", lw=1.2, ls="--")
    ax.text(float(t["value"]), 0.93, f" chosen {number(float(t['value']))}", fontsize=9, va="top")
    ax.set_yticks([])
    ax.set_xlabel(f"threshold {t['name']} (ours)" + (", log scale" if ax.get_xscale() != "linear" else ""))
    ax.set_title("verdict vs threshold (same evidence)")


def _log_samples(ax, samples: list[int], components: int) -> None:
    """A log axis of sample sizes spanning the looks (components drawn side by side)."""
    ax.set_xscale("log")
    ax.set_xlim(min(samples) / 1.5, max(samples) * _spread(components) ** (components - 1) * 1.5)
    step = -(-len(samples) // 5)  # at most 5 labelled looks
    ax.set_xticks(samples, [str(n) if i % step == 0 else "" for i, n in enumerate(samples)])
    ax.set_xticks([], minor=True)
    ax.set_xlabel("samples n (log scale)")


def _panels(record: dict):
    """The two panels a claim's plot draws (left, right), chosen from its record."""
    look = record["looks"][-1]
    many, deterministic = len(look["estimate"]) > NAMED_COMPONENTS, look["n_samples"] is None
    if record["kind"] == "interval":
        if record.get("sensitivity"):
            return _interval_last, _sensitivity
        swept = any(t.get("sweep") for t in record.get("thresholds") or ())
        return _interval_last, _threshold if swept else _interval_convergence
    right = _magnitudes if deterministic else _convergence
    if many:
        return (_values_columns if deterministic else _last_look_columns), right
    return _last_look, right


#: What each panel shows, in words (the report's caption under the plot).
_SAYS = {
    _last_look: "the last look, per component",
    _last_look_columns: "the last look, per component along its label's number",
    _values_columns: "the predicted (lines) and estimated (dots) value of each component",
    _interval_last: "the last look, per component",
    _convergence: "the relative discrepancy with its radius at each sequential look, by sample size",
    _magnitudes: "each component's |discrepancy| and error bound against the resolution, on a log scale (a "
                 "deterministic estimate has one look, so there is no convergence to show)",
    _interval_convergence: "each sequential look's confidence interval against the claimed range, by sample size",
    _sensitivity: "the verdict at every allowance (the claimed ranges' half-width), the pre-registered one marked",
    _threshold: "the verdict across the threshold we chose, re-decided on the same evidence, its value marked",
}


def caption(record: dict) -> str:
    """The plot's caption: what its left and right panels show (for a record with at least one look)."""
    left, right = _panels(record)
    return f"Left: {_SAYS[left]}. Right: {_SAYS[right]}."


class ClaimPlots:
    """One reused 10 x 3.8 in figure (960 x 365 pixels): drawing ~100 plots into it is several times faster than new
    figures."""

    def __init__(self) -> None:
        from matplotlib.figure import Figure  # not pyplot: a figure of our own, outside pyplot's global state

        self.fig = Figure(figsize=(10, 3.8))
        self.left, self.right = self.fig.subplots(1, 2)
        self.fig.subplots_adjust(left=0.19, right=0.98, bottom=0.17, top=0.9, wspace=0.42)

    def png(self, record: dict) -> bytes:
        self.left.cla()
        self.right.cla()
        colour = _COLOUR.get(record["outcome"], "k")
        left, right = _panels(record)
        left(self.left, record, colour)
        right(self.right, record, colour)
        buffer = io.BytesIO()
        self.fig.savefig(buffer, format="png", dpi=DPI)
        return buffer.getvalue()


_STYLE = {"font.size": 10, "axes.titlesize": 10.5, "legend.fontsize": 9}
_FIGURE: list[ClaimPlots] = []  # this process's figure, made on first use
_LOCK = threading.Lock()  # matplotlib is not thread-safe: one plot at a time per process


def record_png(record: dict) -> bytes:
    """The claim's plot, as PNG, from its report record (one with at least one look)."""
    import matplotlib

    with _LOCK, matplotlib.rc_context(_STYLE):
        if not _FIGURE:
            _FIGURE.append(ClaimPlots())
        return _FIGURE[0].png(record)
