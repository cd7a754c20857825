r"""How a :class:`~theory.lowrank.Regime` is written out: plain lines, a LaTeX fragment, JSON-ready data, and the
one-line reasons behind each boundary. Every output says its provenance: **derived by us**, not the paper's.

A line is a list of segments: a ``str`` (words; escaped in LaTeX), a SymPy expression (``sstr`` in text, inline
math in LaTeX), or a ``(plain, latex)`` pair for a formula written by hand.
"""

from __future__ import annotations

import re
from functools import lru_cache

import sympy as sp

from ._exponents import G, G_RANGE, n, nu
from ._sizes import FORMULAS, MOMENT_NAMES, TERMS, W_q, c, c_y, delta, gamma, kappa, m, rbar, rho, sigma_r, zeta

__all__ = ["PROVENANCE", "render", "as_dict", "boundary_reason", "regime_notes"]

PROVENANCE = ("derived by us (our leading-order small-spike expansion, note low_rank_gradients.md sections "
              "3.3-3.4), not the paper's: the paper's own rates and constants are not known to us")
LATEX_NAMES = {rbar: r"\bar{r}", W_q: r"\|Wq\|", sp.Symbol("d"): "d"}
KEY_TEX = {"S1": r"\|S_1\|", "S2": r"\|S_2\|", "S12": r"\|S_{12}\|", "E": r"\|E\|",
           "E_bulk": r"\|E\|_{\mathrm{bulk}}", "E_spike": r"\|E\|_{\mathrm{spike}}",
           "S2_drift": r"\|S_2\|_{\mathrm{drift}}", "S2_fluctuation": r"\|S_2\|_{\mathrm{fluct}}",
           "S12_drift": r"\|S_{12}\|_{\mathrm{drift}}", "S12_fluctuation": r"\|S_{12}\|_{\mathrm{fluct}}",
           "S1/(gamma sqrt(m))": r"\|S_1\|/(\gamma\sqrt{m})", "S2/S1": r"\|S_2\|/\|S_1\|",
           "S12/S1": r"\|S_{12}\|/\|S_1\|", "E/S1": r"\|E\|/\|S_1\|"}
WORDS = {"mean": ("E sigma(sZ)", r"\mathbb{E}\,\sigma(sZ)"), "mu": ("E sigma'(sZ)", r"\mathbb{E}\,\sigma'(sZ)"),
         "second": ("E sigma''(sZ)", r"\mathbb{E}\,\sigma''(sZ)"),
         "sd": ("sd sigma'(sZ)", r"\operatorname{sd}\sigma'(sZ)")}
_ESCAPE = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "^": r"\^{}", "%": r"\%", "&": r"\&",
           "#": r"\#", "$": r"\$", "~": r"$\sim$", "<": r"$<$", ">": r"$>$", "|": r"$|$",
           "<=": r"$\le$", ">=": r"$\ge$", "<<": r"$\ll$", "->": r"$\to$", "||": r"$\|$"}
_TOKENS = re.compile(r"<=|>=|<<|->|\|\||.", re.S)


@lru_cache(maxsize=4096)
def _latex(expr: sp.Basic) -> str:
    """LaTeX of an expression (cached: the same moments and exponents recur across regimes)."""
    return sp.latex(expr, symbol_names=LATEX_NAMES)


def _plain(seg) -> str:
    if isinstance(seg, str):
        return seg
    if isinstance(seg, tuple):
        return seg[0]
    if isinstance(seg, sp.Eq):
        return f"{sp.sstr(seg.lhs)} = {sp.sstr(seg.rhs)}"
    return sp.sstr(seg)


def _tex(seg) -> str:
    if isinstance(seg, str):
        return "".join(_ESCAPE.get(tok, tok) for tok in _TOKENS.findall(seg))
    if isinstance(seg, tuple):
        return f"${seg[1]}$"
    return f"${_latex(seg)}$"


def _key(k: str) -> tuple[str, str]:
    return (k, KEY_TEX.get(k, k))


def _join(segs, latex: bool) -> str:
    return "".join((_tex if latex else _plain)(x) for x in segs)


def _scale_words(r) -> list:
    return [("s", "s"), " ~ ", r.scale]


def _g_points(expr: sp.Expr) -> list:
    """The ends of 1/2 <= g <= 1 and the breakpoints of ``expr`` (None: ``expr`` does not depend on g)."""
    if not expr.has(G):
        return [None]
    points = set(G_RANGE)
    for p in expr.atoms(sp.Piecewise):
        for _, cond in p.args:
            if isinstance(cond, sp.core.relational.Relational):
                points |= {x for x in (cond.lhs, cond.rhs) if x.is_number}
    return sorted(points)


def _g_values(expr: sp.Expr) -> list:
    """Values of ``expr`` at :func:`_g_points` (enough for an expression piecewise linear in g)."""
    return [expr if p is None else expr.subs(G, p) for p in _g_points(expr)]


def _edge_set(diff: sp.Expr, points: list) -> str:
    """Where the piecewise-linear ``diff`` (in g) is 0, in words: intervals of g, then single points."""
    spans, singles = [], []
    for lo, hi in zip(points, points[1:]):
        if diff.subs(G, (lo + hi) / 2) == 0:
            if spans and spans[-1][1] == lo:
                spans[-1] = (spans[-1][0], hi)
            else:
                spans.append((lo, hi))
    for p in points:
        if diff.subs(G, p) == 0 and not any(a <= p <= b for a, b in spans):
            singles.append(p)
    words = [f"{sp.sstr(a)} <= g <= {sp.sstr(b)}" for a, b in spans] + [f"g = {sp.sstr(p)}" for p in singles]
    return " and ".join(words)


def _validity_words(r, boundary) -> str:
    bound = r.validity
    if bound <= 0:
        return f"formal: the expansion's validity range is empty (it needs nu < {sp.sstr(bound)})"
    diff = sp.piecewise_fold(boundary - bound)
    range_ = f"the validity range nu < {sp.sstr(bound)}"
    points = _g_points(diff)
    values = _g_values(diff) + ([] if points == [None] else
                                [diff.subs(G, (a + b) / 2) for a, b in zip(points, points[1:])])
    if all(v < 0 for v in values):
        return f"inside {range_}"
    if all(v > 0 for v in values):
        return f"beyond {range_}: the expansion does not decide it"
    if all(v <= 0 for v in values):
        if points == [None]:
            return f"at the edge of {range_}: the expansion is marginal there"
        return f"inside {range_}, at its edge for {_edge_set(diff, points)} (the expansion is marginal there)"
    return f"inside {range_} only for part of 1/2 <= g <= 1"


def _underived(r) -> str:
    missing = ", ".join(WORDS[k][0] for k, mo in r.moment_info.items() if mo.leading is None)
    return (f"not derived: {r.activation} has no closed form of {missing} in s, and its kink at 0 rules out a Taylor "
            f"expansion in s, so how they scale as s -> 0 (alpha = {r.alpha} > 0) is not known here")


def boundary_reason(r, key: str) -> str:
    """One line: how the boundary ``key`` (S2/S1 or S12/S1) arises, or why there is none."""
    term = key.split("/")[0]
    if not r.derived:
        return _underived(r)
    if r.s1_vanishes:
        if r.moment_info["mu"].zero_by_parity:
            return ("E sigma'(sZ) = 0 at every scale (sigma' is odd): S1 = S12 = 0 exactly (both carry mu), so G = "
                    "S2 + E and nothing overtakes S1; compare the exponents of S2 and E instead")
        return ("E sigma'(sZ) vanishes at the typical scale s but not identically: S1 and S12 vanish at leading "
                "order; the next order comes from the spread of the neurons' scales s_j around s (mu'(s) (s_j - s), "
                "fed by the spike's zeta^2 (w_j^T q)^2 and the bulk's w_j^T Sigma_hat w_j) and is not derived here")
    roots, boundary = r.part_roots[term], r.boundaries[key]
    vanished = []
    if term == "S2" and r.asymptotic_sizes["S2_drift"] == 0:
        vanished.append("its drift vanishes (E sigma''(sZ) = 0)")
    if r.asymptotic_sizes[f"{term}_fluctuation"] == 0:
        vanished.append("its fluctuation vanishes (sd sigma'(sZ) = 0: sigma' is constant, so sigma'_perp = 0)")
    if boundary == sp.oo:
        return f"{term} never overtakes S1: " + " and ".join(vanished or ["no part of it grows faster than S1"])
    parts = [f"{p} part alone: nu = {sp.sstr(v)}" if v != -sp.oo else f"{p} part: above S1 at every nu"
             for p, v in roots.items()]
    words = vanished + parts
    if boundary == 0:
        words.append(f"{term} is at least as large as S1 already at nu = 0")
    words.append(_validity_words(r, boundary))
    return "; ".join(words)


def regime_notes(r) -> list[str]:
    """The assumptions behind the numbers, one line each."""
    notes = ["||E|| is the larger of two parts (bench/lowrank_error_norm.py measured both, and the law predicted "
             "||E|| within 0.97 +- 0.06 over 181 draws at n = 150..4800): a bulk Theta(gamma sigma_r v) from the "
             "Gaussian-equivalent argument ((gamma/n) X_B^T N, N = (r a^T) o sigma'_perp with entries of size "
             "sigma_r v, has a Marchenko-Pastur-type edge), and a rank-one part the spike induces, "
             "gamma zeta sqrt(delta) sigma_r |mu2| ||Wq|| (from sigma'(h) ~ mu2 zeta z w^T q), which wins for "
             "nu > 0 when E sigma'' != 0. A third part, one sample's residual times sqrt(delta kappa Var sigma'), "
             "grows like the largest |r_i|: only a power of log n for our stand-in target, so it leaves the "
             "exponent alone but bends local slopes (it is why a slope of about -0.2 was measured near n = 750)"]
    if r.alpha == 0:
        notes.append("bulk alpha = 0: s = 1 (tr(Sigma_hat)/d = 1); alpha enters only through s (the moments mu0, "
                     "mu, mu2, v), rho (tr Sigma_hat, tr Sigma_hat^2) and the validity range, never through gamma, "
                     "zeta or ||Wq||")
    else:
        lead = "; ".join(f"{k} ~ {sp.sstr(mo.leading)}" for k, mo in zip(("mu0", "mu", "mu2", "v"),
                                                                        r.moment_info.values()) if r.derived)
        notes.append(f"bulk alpha = {r.alpha}: s^2 = tr(Sigma_hat)/d = H_d^(alpha)/d ~ {sp.sstr(r.scale ** 2)} -> 0, "
                     f"so each moment enters through its leading term as s -> 0 ({lead or 'not derived'})")
        notes.append("rho at alpha > 0 depends on the target: we take ||E[x_B y]||^2 ~ c_y^2 tr(Sigma_hat^2)/"
                     "tr(Sigma_hat) (a unit-variance target with a linear part along a standardised projection on a "
                     "generic direction, our stand-in); a target along Sigma_hat's top eigenvectors keeps rho = "
                     "Theta(1) and changes S1's exponent")
    if not r.derived:
        notes.append(_underived(r))
    for k, mo in r.moment_info.items():
        if not mo.source.startswith(("closed form", "not derived")):
            notes.append(f"{WORDS[k][0]}: {mo.source}")
    if r.weights == "aligned-ones" and not r.s1_vanishes and r.moments["second"] != 0:
        notes.append("with all-ones b the S2 right vector is nearly parallel to a o mu, so S1, S12 and S2 merge into "
                     "one spike (note, section 3.3); the boundary is where it turns towards q")
    return notes


def _legend(r) -> list[list]:
    g_words = {sp.Rational(1, 2): "NTK", sp.Integer(1): "mean-field"}.get(r.g, "")
    g_line = (G, " = ", r.g, f" ({g_words})") if g_words else \
        (G, ": the scaling exponent, 1/2 <= g <= 1") if r.g == G else (G, " = ", r.g)
    d = sp.Symbol("d")
    return [
        ["the model: X = X_B + zeta z q^T (bulk rows N(0, Sigma_hat), latent z, unit spike direction q), f(x) = "
         "gamma a^T sigma(W x) with rows w_j and a in {+1, -1}^m, residual r = f(X) - y; G = S1 + S12 + S2 + E "
         "(note, section 2.3)"],
        [n, ": the number of samples (n -> oo), the variable of every exponent"],
        [nu, ": the spike exponent; ", sp.Eq(zeta, n**nu), ": the spike strength"],
        [sp.Eq(m, kappa * n), ": the number of neurons, ", kappa, " = m/n fixed; ", sp.Eq(d, delta * n),
         ": the input dimension, ", delta, " = d/n fixed"],
        [sp.Eq(gamma, m**-G), ": the output scale gamma_m; ", *g_line],
        [sp.Symbol("alpha"), f" = {r.alpha}: the bulk spectrum lambda_k = k^(-alpha); ", *_scale_words(r),
         ": the typical pre-activation scale, s^2 = tr(Sigma_hat)/d"],
        [MOMENT_NAMES["mean"][0], ", ", MOMENT_NAMES["mu"][0], ", ", MOMENT_NAMES["second"][0], ", ",
         MOMENT_NAMES["sd"][0], ": E sigma(sZ), E sigma'(sZ), E sigma''(sZ), sd sigma'(sZ) at scale s, Z ~ N(0, 1)"],
        [rho, " = ||X_B^T r||/n, with rho^2 ~ ||E[x_B r]||^2 + tr(Sigma_hat) E[r^2]/n; ", c_y,
         ": the target's linear coefficient (enters rho)"],
        [rbar, ": the mean residual, |rbar| = R n^e; ", sp.Symbol("R"), ": a Theta(1) constant; ", sigma_r,
         " = rms(r) = Theta(1) (unit-variance targets)"],
        *([["zeta(x), with an argument, is Riemann's zeta function: tr(Sigma_hat^k) -> zeta(k alpha) for "
             "k alpha > 1"]] if 2 * r.alpha > 1 else []),
        [W_q, " = ||W q||: the weights' overlap with the spike direction q; ", c,
         " = gamma (a o mu)^T W q: the network's first-order response to the spike, |c| ~ gamma |mu| ||Wq||"],
    ]


def _sections(r) -> list[tuple[str, list, list[list]]]:
    moments = []
    for k, mo in r.moment_info.items():
        symbol = MOMENT_NAMES[k][0]
        row = [symbol, " = ", WORDS[k]] + ([" = ", mo.display] if mo.display != symbol else [])
        if r.alpha > 0 and mo.leading is not None and mo.leading != mo.display:
            row += [" ~ ", mo.leading, " as s -> 0"]
        moments.append(row + [f" [{mo.source.split(':')[0]}]"])
    ingredients = [[("s", "s"), " ~ ", r.scale], [W_q, " = ", r.weight_overlap]]
    if r.derived:
        lead_rho = r._rho(r._lead("mu"))
        ingredients.append([rho, " ~ ", lead_rho])
        causes = "; ".join(f"{cause}: {sp.sstr(e)}" for cause, e in r.rbar_parts.items())
        ingredients.append(["|", rbar, "| ~ ", r.rbar, f", the exponent being the largest of ({causes})"])
    validity = [f"the expansion needs zeta |w_j^T q| << min(1, s): here nu < {sp.sstr(r.validity)} "
                f"(at alpha = 0: nu < 1/2 for isotropic weights, nu < 1/4 for spike-aligned ones)"]
    sizes = [[_key(k), " ~ ", FORMULAS[k], " = ", v] for k, v in r.sizes.items()]
    exps = [[_key(k), ": ", v] for k, v in r.exponents.items()] or [["not derived (see the notes)"]]
    bounds = []
    for key, b in r.boundaries.items():
        head = [_key(key), ": no boundary"] if b is sp.S.NaN else [_key(key), ": ", nu, " = ", b]
        bounds.append(head + [": ", r.reasons[key]])
    return [("regime", [r.describe()], []), ("provenance", [PROVENANCE], []), ("legend", [], _legend(r)),
            ("moments at the typical scale s", [], moments), ("ingredients", [], ingredients),
            ("validity", validity, []),
            ("leading-order sizes (m = kappa n, d = delta n, zeta = n^nu, gamma = m^(-g))", [], sizes),
            ("exponents of n", [], exps), ("boundaries (the term overtakes S1 for nu above)", [], bounds),
            ("notes", [], [[note] for note in r.notes])]


def render(r, latex: bool = False) -> list[str]:
    """Plain lines (``title: text`` and indented items), or a LaTeX fragment (paragraphs and itemize lists)."""
    out = []
    if latex:
        out += [f"% {PROVENANCE}", r"% a fragment: needs \usepackage{amsmath, amssymb}"]
    for title, intro, items in _sections(r):
        if latex:
            out.append(rf"\paragraph{{{_tex(title[0].upper() + title[1:])}.}} {_join(intro, True)}".rstrip())
            if items:
                out += [r"\begin{itemize}", *(rf"\item {_join(i, True)}" for i in items), r"\end{itemize}"]
        else:
            out.append(f"{title}: {_join(intro, False)}".rstrip() if intro else f"{title}:")
            out += [f"  {_join(i, False)}" for i in items]
    return out


def _expr(e) -> dict | None:
    if e is None:
        return None
    return {"expr": sp.sstr(e), "latex": _latex(e)}


def as_dict(r) -> dict:
    """JSON-serialisable data of the derivation (every expression as ``{"expr": sstr, "latex": ...}``)."""
    def plain(value):
        return list(value) if isinstance(value, tuple) else value

    return {
        "provenance": PROVENANCE,
        "setting": {"scaling": str(r.scaling), "g": _expr(r.g), "activation": r.activation,
                    "params": {k: plain(v) for k, v in r.params}, "weights": r.weights,
                    "target_mean": r.target_mean, "alpha": _expr(r.alpha)},
        "description": r.describe(),
        "legend": [_join(item, False) for item in _legend(r)],
        "moments": {k: {**_expr(mo.display), "quantity": WORDS[k][0], "symbol": str(MOMENT_NAMES[k][0]),
                        "leading": _expr(mo.leading), "source": mo.source} for k, mo in r.moment_info.items()},
        "scale": _expr(r.scale),
        "rbar": {"exponent": _expr(r.rbar_exponent) if r.derived else None,
                 "parts": {cause: _expr(e) for cause, e in r.rbar_parts.items()}},
        "validity": {"nu_below": _expr(r.validity), "condition": "zeta |w_j^T q| << min(1, s)"},
        "sizes": {k: {"formula": _expr(FORMULAS[k]), **_expr(v)} for k, v in r.sizes.items()},
        "exponents": {k: _expr(v) for k, v in r.exponents.items()},
        "boundaries": {k: {"nu": None if b is sp.S.NaN else sp.sstr(b), "latex": None if b is sp.S.NaN else _latex(b),
                           "reason": r.reasons[k]} for k, b in r.boundaries.items()},
        "notes": list(r.notes),
        "terms": list(TERMS),
    }
