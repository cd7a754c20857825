"""Vectorised SGD on linear networks: many independent chains advanced together.

Models (our note weight_fluctuations.md sections 2, 3.6 and 3.7; derived by us):

* :class:`OnlineLinearSGD`: fresh Gaussian data x = sqrt(lam) * z every step (inputs in the
  eigenbasis of their covariance), y = wbar^T x + sigma eps;
* :class:`FiniteDataSGD`: a fixed dataset, minibatches with or without replacement;
* :class:`TwoLayerSGD`: f(x) = W2 W1 x on fresh x ~ N(0, I_N), y = T x + sigma eps.

Each step w <- w - eta * (1/B) sum_b (f(x_b) - y_b) grad f(x_b). All chains live in one
float64 array (chains on its last axis inside a run), so a step is a handful of numpy calls.
Randomness: chains are cut into blocks of :data:`CHAIN_BLOCK` consecutive chains and block b
draws from ``rng.spawn(n_blocks)[b]``; chains are simulated in chunks of whole blocks
(``chunk``), so the numbers do not depend on the chunk size (``_sgd_engine``). Statistics of
the returned :class:`ChainMoments`: ``_chain_stats``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from theory import COUNT, NONNEGATIVE, InvalidArgument

from ._arrays import as_matrix, as_vector
from ._chain_stats import ChainMoments
from ._sgd_engine import CHAIN_BLOCK, Chains, check_eta, initial_states

__all__ = ["CHAIN_BLOCK", "OnlineLinearSGD", "FiniteDataSGD", "TwoLayerSGD"]


@dataclass(frozen=True, eq=False)
class OnlineLinearSGD(Chains):
    """Online linear regression: x = sqrt(lam) z, z ~ N(0, I_N), y = wbar^T x + sqrt(sigma2) eps.

    The chains evolve delta = w - wbar: delta <- delta - (eta/B) sum_b (delta^T x_b - sqrt(sigma2) eps_b) x_b,
    which does not depend on wbar; states (``start``, ``final``, ``record``) are w = wbar + delta.
    Necessary for stability: eta * max(lam) < 2; for a finite stationary variance also
    eta (1 + 1/B) max(lam) < 2 and (eta/B) sum_j lam_j / (2 - eta (1 + 1/B) lam_j) < 1
    (our note section 3.6, derived by us).

    >>> m = OnlineLinearSGD(lam=[1.0], eta=0.1, batch=1, sigma2=1.0)
    >>> r = m.run(256, rng=np.random.default_rng(0), burn_in=200, steps=400)
    >>> r.mean.shape, r.second.shape, r.n_records
    ((256, 1), (256, 1, 1), 400)
    """

    lam: object
    eta: float
    batch: int
    sigma2: float
    wbar: object = None
    _shift: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        lam = as_vector("lam", self.lam)
        if np.any(lam <= 0):
            raise InvalidArgument("lam", self.lam, "positive finite eigenvalues (entries in (0, inf))")
        COUNT.validate("batch", self.batch)
        NONNEGATIVE.validate("sigma2", self.sigma2)
        eta = check_eta(self.eta, float(lam.max()))
        wbar = np.zeros(lam.size) if self.wbar is None else as_vector("wbar", self.wbar, lam.size)
        b, top = int(self.batch), (1 + 1 / self.batch) * eta * lam
        load = (eta / b) * float(np.sum(lam / (2 - top))) if top.max() < 2 else np.inf
        if load >= 1:
            raise InvalidArgument("eta", eta, f"in (0, {_mean_square_limit(lam, b):.4g}) for mean-square stability of "
                                  "online SGD (our note section 3.6)")
        for name, value in (("lam", lam), ("wbar", wbar), ("_shift", wbar), ("eta", eta), ("batch", b),
                            ("sigma2", float(self.sigma2))):
            object.__setattr__(self, name, value)

    @property
    def dim(self) -> int:
        """Number of weights N."""
        return self.lam.size

    def _workspace(self, n: int) -> dict:
        b, d = self.batch, self.dim
        return {"x": np.empty((b, d, n)), "eps": np.empty((b, n)), "r": np.empty((b, n)), "g": np.empty((d, n)),
                "sl": np.sqrt(self.lam)[:, None], "s": np.sqrt(self.sigma2)}

    def _draws(self, ws: dict) -> list:
        return [("normal", ws["x"]), ("normal", ws["eps"])]

    def _step(self, u: np.ndarray, ws: dict) -> None:
        x, r, g = ws["x"], ws["r"], ws["g"]
        x *= ws["sl"]
        np.einsum("bin,in->bn", x, u, out=r)
        ws["eps"] *= ws["s"]
        r -= ws["eps"]
        np.einsum("bn,bin->in", r, x, out=g)
        g *= self.eta / self.batch
        u -= g


def _mean_square_limit(lam: np.ndarray, b: int) -> float:
    """The eta at which (eta/B) sum_j lam_j / (2 - eta (1 + 1/B) lam_j) reaches 1 (bisection)."""
    lo, hi = 0.0, 2 / ((1 + 1 / b) * lam.max())
    for _ in range(100):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if (mid / b) * np.sum(lam / (2 - (1 + 1 / b) * mid * lam)) < 1 else (lo, mid)
    return lo


@dataclass(frozen=True, eq=False)
class FiniteDataSGD(Chains):
    """SGD on a fixed dataset (X, y), loss (1/2M) |y - X w|^2, minibatches of B distinct or repeated indices.

    The chains evolve delta = w - w_hat (w_hat the least-squares minimiser, r_hat = y - X w_hat):
    delta <- delta - (eta/B) sum_b (x_b^T delta - r_hat_b) x_b, with B indices drawn uniformly
    with replacement (``replacement=True``) or B distinct ones. Needs M > N and full column
    rank; stability needs eta * lambda_max(X^T X / M) < 2.

    >>> X = np.random.default_rng(1).standard_normal((12, 8))
    >>> m = FiniteDataSGD(X, X @ np.ones(8), eta=0.05, batch=2)
    >>> bool(np.allclose(m.minimiser, 1.0)), m.hessian.shape
    (True, (8, 8))
    """

    X: object
    y: object
    eta: float
    batch: int
    replacement: bool = True
    _shift: np.ndarray = field(init=False, repr=False)
    _hessian: np.ndarray = field(init=False, repr=False)
    _residual: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        X = as_matrix("X", self.X)
        m, n = X.shape
        y = as_vector("y", self.y, m)
        if m <= n:
            raise InvalidArgument("X.shape", X.shape,
                                  "M x N with M > N (underparameterized: more samples than weights)")
        rank = int(np.linalg.matrix_rank(X))
        if rank < n:
            raise InvalidArgument("X", f"a matrix of rank {rank}", f"full column rank N = {n}")
        if not isinstance(self.replacement, (bool, np.bool_)):
            raise InvalidArgument("replacement", self.replacement, "True or False")
        if not COUNT.contains(self.batch) or self.batch > m:
            raise InvalidArgument("batch", self.batch, f"integers in [1, M={m}]",
                                  "a batch larger than the dataset is refused even with replacement: every batch would "
                                  "repeat samples, which is not minibatch SGD on this dataset"
                                  if self.replacement and COUNT.contains(self.batch) else "")
        w_hat = np.linalg.lstsq(X, y, rcond=None)[0]
        hessian = X.T @ X / m
        eta = check_eta(self.eta, float(np.linalg.eigvalsh(hessian)[-1]))
        for name, value in (("X", X), ("y", y), ("eta", eta), ("batch", int(self.batch)), ("_shift", w_hat),
                            ("_hessian", hessian), ("_residual", y - X @ w_hat),
                            ("replacement", bool(self.replacement))):
            object.__setattr__(self, name, value)

    @property
    def minimiser(self) -> np.ndarray:
        """The least-squares minimiser w_hat (numpy.linalg.lstsq)."""
        return self._shift.copy()

    @property
    def hessian(self) -> np.ndarray:
        """H = X^T X / M."""
        return self._hessian.copy()

    def _workspace(self, n: int) -> dict:
        m, (b, d) = self.X.shape[0], (self.batch, self.X.shape[1])
        draw = np.empty((b, n), dtype=np.int64) if self.replacement else np.empty((m, n))
        return {"draw": draw, "x": np.empty((d, b, n)), "r": np.empty((b, n)), "g": np.empty((d, n)),
                "rb": np.empty((b, n)), "XT": np.ascontiguousarray(self.X.T)}

    def _draws(self, ws: dict) -> list:
        return [("integers", ws["draw"], self.X.shape[0]) if self.replacement else ("uniform", ws["draw"])]

    def _step(self, u: np.ndarray, ws: dict) -> None:
        idx = ws["draw"] if self.replacement else np.argpartition(ws["draw"], self.batch - 1, axis=0)[:self.batch]
        x, r, g = ws["x"], ws["r"], ws["g"]
        ws["XT"].take(idx, axis=1, out=x, mode="clip")  # x[:, b, c] = X[idx[b, c]]; indices are in [0, M), and
        self._residual.take(idx, out=ws["rb"], mode="clip")  # "clip" spares the copy that "raise" makes with out
        np.einsum("ibn,in->bn", x, u, out=r)
        r -= ws["rb"]
        np.einsum("bn,ibn->in", r, x, out=g)
        g *= self.eta / self.batch
        u -= g


@dataclass(frozen=True, eq=False)
class TwoLayerSGD(Chains):
    """Two-layer linear network f(x) = W2 W1 x on fresh x ~ N(0, I_N), y = T x + sqrt(sigma2) eps.

    Per step, with e = W2 W1 x - y and z = W1 x: grad_W2 = (1/B) sum e z^T,
    grad_W1 = (1/B) sum W2^T e x^T, both layers updated together (our note section 3.7).
    The state is theta = concat(W2.ravel(), W1.ravel()) (row-major); the reference point
    theta* is the initial (W2, W1), a minimum chosen by the caller (not checked). Necessary
    for stability: eta * lambda_max(J^T J) < 2, J the Jacobian of theta -> W2 W1 at theta*
    (:attr:`jacobian`; J^T J is the Gauss-Newton curvature for x ~ N(0, I)).

    >>> m = TwoLayerSGD(W2=np.eye(2), W1=np.eye(2), teacher=np.eye(2), eta=0.01, batch=1, sigma2=0.25)
    >>> r = m.run(8, rng=np.random.default_rng(0), burn_in=0, steps=50, track_conserved=True)
    >>> r.final.shape, r.extra["conserved_increment"].shape
    ((8, 8), (8, 2, 2))
    """

    W2: object
    W1: object
    teacher: object
    eta: float
    batch: int
    sigma2: float
    _shift: np.ndarray = field(init=False, repr=False)
    _theta: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        W2 = as_matrix("W2", self.W2)
        W1 = as_matrix("W1", self.W1)
        (o, k), n = W2.shape, W1.shape[1]
        if W1.shape[0] != k:
            raise InvalidArgument("W1.shape", W1.shape, f"K x N with K = W2.shape[1] = {k}")
        teacher = as_matrix("teacher", self.teacher)
        if teacher.shape != (o, n):
            raise InvalidArgument("teacher.shape", teacher.shape, f"O x N = {o}x{n} (W2 is O x K, W1 is K x N)")
        COUNT.validate("batch", self.batch)
        NONNEGATIVE.validate("sigma2", self.sigma2)
        theta = np.concatenate([W2.ravel(), W1.ravel()])
        for name, value in (("W2", W2), ("W1", W1), ("teacher", teacher), ("batch", int(self.batch)),
                            ("sigma2", float(self.sigma2)), ("_theta", theta), ("_shift", np.zeros(theta.size))):
            object.__setattr__(self, name, value)
        lmax = float(np.linalg.norm(self.jacobian, 2)) ** 2
        object.__setattr__(self, "eta", check_eta(self.eta, lmax))

    @property
    def jacobian(self) -> np.ndarray:
        """J (O*N x p) at theta*: vec(dW2 W1 + W2 dW1) = [I_O kron W1^T, W2 kron I_N] theta (row-major vec)."""
        return np.hstack([np.kron(np.eye(self.W2.shape[0]), self.W1.T), np.kron(self.W2, np.eye(self.W1.shape[1]))])

    def split(self, states: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(W2, W1) of each state: views of shape (chains, O, K) and (chains, K, N)."""
        (o, k), n = self.W2.shape, self.W1.shape[1]
        states = np.asarray(states, dtype=float).reshape(-1, self._theta.size)
        return states[:, : o * k].reshape(-1, o, k), states[:, o * k:].reshape(-1, k, n)

    def conserved(self, states: np.ndarray) -> np.ndarray:
        """Q = W2^T W2 - W1 W1^T per state, (chains, K, K); conserved by per-sample gradient flow."""
        W2, W1 = self.split(states)
        return np.einsum("nok,nol->nkl", W2, W2) - np.einsum("nki,nli->nkl", W1, W1)

    def run(self, n_chains: int, *, rng: np.random.Generator, burn_in: int, steps: int, thin: int = 1,
            start: object = None, record: Callable | None = None, project: object = None,
            progress: Callable[[int, int], None] | None = None, chunk: int | None = None,
            track_conserved: bool = False) -> ChainMoments:
        """As :meth:`Chains.run`; the default record is theta - theta* (``project @ (theta - theta*)`` with
        ``project``).

        With ``track_conserved``, ``extra["conserved_increment"]`` holds per chain the sum over all
        burn_in + steps steps of eta^2 (g2^T g2 - g1 g1^T) (g the minibatch gradients), and
        ``extra["conserved_start"]`` the starting Q, so that Q(final) - Q(start) equals the increment
        up to rounding (the O(eta) terms cancel exactly: W2^T g2 = g1 W1^T per minibatch).
        """
        moments = self._run(n_chains, rng=rng, burn_in=burn_in, steps=steps, thin=thin, start=start, record=record,
                            project=project, progress=progress, chunk=chunk,
                            options={"track": bool(track_conserved)})
        if track_conserved:
            moments.extra["conserved_start"] = self.conserved(initial_states(self, start, n_chains))
        return moments

    @property
    def _origin(self) -> np.ndarray:
        return self._theta

    def _workspace(self, n: int, track: bool = False) -> dict:
        (o, k), (b, d) = self.W2.shape, (self.batch, self.W1.shape[1])
        ws = {"x": np.empty((b, d, n)), "eps": np.empty((b, o, n)), "z": np.empty((b, k, n)), "e": np.empty((b, o, n)),
              "a": np.empty((b, k, n)), "tx": np.empty((b, o, n)), "g": np.empty((self._theta.size, n)),
              "q": np.empty((k, k, n)), "s": np.sqrt(self.sigma2)}
        ws["g2"], ws["g1"] = self._layers(ws["g"])
        if track:
            ws["extras"] = {"conserved_increment": np.zeros((k, k, n))}
        return ws

    def _layers(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        (o, k), n = self.W2.shape, self.W1.shape[1]
        return u[: o * k].reshape(o, k, -1), u[o * k:].reshape(k, n, -1)

    def _draws(self, ws: dict) -> list:
        return [("normal", ws["x"]), ("normal", ws["eps"])]

    def _step(self, u: np.ndarray, ws: dict) -> None:
        (W2, W1), (g2, g1) = self._layers(u), (ws["g2"], ws["g1"])
        x, z, e, a = ws["x"], ws["z"], ws["e"], ws["a"]
        np.einsum("kin,bin->bkn", W1, x, out=z)
        np.einsum("okn,bkn->bon", W2, z, out=e)
        e -= np.einsum("oi,bin->bon", self.teacher, x, out=ws["tx"])     # einsum: no BLAS threads in the loop
        ws["eps"] *= ws["s"]
        e -= ws["eps"]
        np.einsum("bon,bkn->okn", e, z, out=g2)
        np.einsum("okn,bon->bkn", W2, e, out=a)
        np.einsum("bkn,bin->kin", a, x, out=g1)
        ws["g"] *= self.eta / self.batch
        if "extras" in ws:
            acc, q = ws["extras"]["conserved_increment"], ws["q"]
            acc += np.einsum("okn,oln->kln", g2, g2, out=q)
            acc -= np.einsum("kin,lin->kln", g1, g1, out=q)
        u -= ws["g"]
