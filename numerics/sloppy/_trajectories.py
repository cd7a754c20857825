r"""Ensembles of gradient-descent trajectories of linear regression, vectorised over ensemble members.

Sloppiness pack (arXiv 2505.08915; our note ``sloppiness.md`` sections 3 and 4.3, derived by us). A problem is a
design X (n x d) whose correlation ``Sigma_hat = X^T X / n`` has a prescribed spectrum in a random eigenbasis
(:func:`design_with_spectrum`), a ground truth ``w*`` and GD ``w <- w - eta Sigma_hat (w - w*)`` from
``w_0 ~ N(0, sigma0^2 I)``. The ensemble's models are recorded as their predictions on the training set divided by
sqrt(n), ``v = X w / sqrt(n)`` (so ``||v_a - v_b||^2 = (w_a - w_b)^T Sigma_hat (w_a - w_b)``, the inPCA geometry of
note 4.2), or, cheaper, as ``R w`` with ``R^T R = Sigma_hat`` (``record="factor"``, same distances). Kernel machines
(note 4.6) run the same loop on the training predictions (:meth:`GDProblem.kernel`).

Randomness: ``w_0`` of member s comes from block ``s // BLOCK`` of ``rng.spawn``, so the numbers do not depend on how
many members are simulated together. Nothing here compares with a closed form.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from theory import InvalidArgument
from theory.sloppy import check_spectrum, check_step

from .._arrays import as_matrix, as_vector, check_count, check_nonnegative, check_rng
from .._estimate import seed_of

__all__ = ["design_with_spectrum", "GDProblem", "EnsembleMoments", "BLOCK"]

#: Ensemble members per random stream.
BLOCK = 256
#: Largest ensemble x steps x recorded dimension simulated in one call of ``trajectories``.
MAX_TRAJECTORY_ENTRIES = 50_000_000


def design_with_spectrum(n: int, lam, rng: np.random.Generator) -> np.ndarray:
    """X (n x d) with ``X^T X / n = V diag(lam) V^T`` exactly up to rounding: ``X = sqrt(n) U diag(sqrt(lam)) V^T``,
    U (n x d) with orthonormal columns and V orthogonal, both Haar (QR of Gaussian matrices, signs fixed).

    >>> X = design_with_spectrum(50, [4.0, 1.0], np.random.default_rng(0))
    >>> np.linalg.eigvalsh(X.T @ X / 50).round(12).tolist()
    [1.0, 4.0]
    """
    lv = check_spectrum(lam)
    d, rows = lv.size, check_count("n", n)
    if rows < d:
        raise InvalidArgument("n", n, f"an integer >= d = {d} (a design with d positive eigenvalues needs n >= d)")
    gen = check_rng(rng)
    U, V = (_haar(gen.standard_normal(shape)) for shape in ((rows, d), (d, d)))
    return np.sqrt(rows) * (U * np.sqrt(lv)) @ V.T


def _haar(G: np.ndarray) -> np.ndarray:
    Q, R = np.linalg.qr(G)
    return Q * np.sign(np.diag(R))


@dataclass(frozen=True, eq=False)
class EnsembleMoments:
    """Group sums of the recorded vectors over all points ``(t, s)`` of an ensemble.

    ``total[g]`` and ``outer[g]`` are the averages of v and v v^T over the ``T + 1`` steps and the members of group g
    (groups are equal, contiguous runs of members), so the pooled covariance is
    ``mean(outer) - mean(total) mean(total)^T``. ``members``, ``T``, ``seed`` describe the run.
    """

    total: np.ndarray
    outer: np.ndarray
    members: int
    T: int
    seed: tuple[int, ...] | None


@dataclass(frozen=True, eq=False)
class GDProblem:
    """Full-batch GD on a quadratic loss, ``u <- u - eta (u - u*) A`` for every row u of an ensemble.

    Build it with :meth:`linear` (``A = Sigma_hat``, u the weights) or :meth:`kernel` (``A = K / n``, u the training
    predictions). ``record`` maps a state row to the recorded vector (``u @ record``) and ``init`` draws the
    start, ``u_0 = sigma0 z @ init`` with z standard normal.

    >>> X = design_with_spectrum(8, [1.0, 0.25], np.random.default_rng(1))
    >>> p = GDProblem.linear(X, [1.0, -1.0], eta=0.5)
    >>> traj = p.trajectories(np.zeros((1, 2)), T=200)
    >>> bool(np.allclose(traj[0, -1], p.record_vectors(np.array([[1.0, -1.0]]))[0]))
    True
    """

    hessian: np.ndarray
    target: np.ndarray
    eta: float
    record: np.ndarray
    init: np.ndarray

    def __post_init__(self) -> None:
        H = as_matrix("hessian", self.hessian)
        p = H.shape[0]
        if H.shape != (p, p):
            raise InvalidArgument("hessian.shape", H.shape, "a square matrix")
        lam = np.linalg.eigvalsh((H + H.T) / 2)
        for name, value in (("eta", check_step(self.eta, lam)), ("target", as_vector("target", self.target, p)),
                            ("record", as_matrix("record", self.record, (p, None))),
                            ("init", as_matrix("init", self.init, (None, p)))):
            object.__setattr__(self, name, value)

    @classmethod
    def linear(cls, X, w_star, eta: float, record: str = "predictions") -> "GDProblem":
        """GD on ``|X w - X w*|^2 / (2n)``: ``A = Sigma_hat = X^T X / n``, ``w_0 ~ N(0, sigma0^2 I)``; recorded as
        ``X w / sqrt(n)`` (``record="predictions"``) or ``R w`` with ``R^T R = Sigma_hat`` (``"factor"``, which needs
        a non-singular Sigma_hat). With d > n the directions outside the row space of X keep their initial values."""
        Xm = as_matrix("X", X)
        n, d = Xm.shape
        sigma = Xm.T @ Xm / n
        if not np.linalg.eigvalsh(sigma)[-1] > 0:        # singular (d > n) is allowed: those directions stay put
            raise InvalidArgument("X", "a design with X^T X = 0", "a design with at least one non-zero singular value")
        if record not in ("predictions", "factor"):
            raise InvalidArgument("record", record,
                                  "'predictions' (X w / sqrt(n)) or 'factor' (R w, R^T R = Sigma_hat)")
        R = Xm.T / np.sqrt(n) if record == "predictions" else np.linalg.cholesky(sigma)
        return cls(sigma, as_vector("w_star", w_star, d), eta, R, np.eye(d))

    @classmethod
    def kernel(cls, K, y_star, eta: float) -> "GDProblem":
        """GD of a kernel machine in function space: ``f <- f - eta (K/n)(f - y*)`` from ``f_0 ~ N(0, sigma0^2 K)``
        (weights ``N(0, sigma0^2 I)`` in feature space), recorded as ``f / sqrt(n)``. ``K^{1/2}`` for the start is
        the symmetric root from ``numpy.linalg.eigh`` (rounding-level negative eigenvalues clipped to 0)."""
        Km = as_matrix("K", K)
        n = Km.shape[0]
        if Km.shape != (n, n) or np.max(np.abs(Km - Km.T)) > 1e-12 * float(np.max(np.abs(Km))):
            raise InvalidArgument("K", f"matrix of shape {Km.shape}", "a symmetric n x n kernel (Gram) matrix")
        values, vectors = np.linalg.eigh((Km + Km.T) / 2)
        root = (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T
        return cls(Km / n, as_vector("y_star", y_star, n), eta, np.eye(n) / np.sqrt(n), root)

    @property
    def dim(self) -> int:
        return self.hessian.shape[0]

    def record_vectors(self, u: np.ndarray) -> np.ndarray:
        """The recorded vector of each row of ``u`` (S, p)."""
        return u @ self.record

    def step(self, u: np.ndarray) -> np.ndarray:
        """One GD step for every row of ``u`` (S, p)."""
        return u - self.eta * (u - self.target) @ self.hessian

    def initial(self, members: int, sigma0: float, rng: np.random.Generator) -> np.ndarray:
        """``u_0`` of ``members`` members; member s from stream ``s // BLOCK`` of ``rng.spawn``."""
        S, s0 = check_count("members", members), check_nonnegative("sigma0", sigma0)
        gens = check_rng(rng).spawn(-(-S // BLOCK))
        z = np.concatenate([g.standard_normal((BLOCK, self.init.shape[0])) for g in gens])[:S]
        return s0 * z @ self.init

    def trajectories(self, u0, T: int) -> np.ndarray:
        """All recorded vectors, (S, T + 1, q), by iterating GD from the rows of ``u0`` (small ensembles)."""
        u = as_matrix("u0", u0, (None, self.dim))
        steps = check_count("T", T)
        q = self.record.shape[1]
        if u.shape[0] * (steps + 1) * q > MAX_TRAJECTORY_ENTRIES:
            raise InvalidArgument("u0, T", f"{u.shape[0]} members x {steps + 1} steps x {q}",
                                  f"at most {MAX_TRAJECTORY_ENTRIES} recorded entries (use moments())")
        out = np.empty((u.shape[0], steps + 1, q))
        for t in range(steps + 1):
            out[:, t] = self.record_vectors(u)
            u = self.step(u)
        return out

    def moments(self, members: int, sigma0: float, T: int, *, rng: np.random.Generator,
                groups: int = 128) -> EnsembleMoments:
        """Group averages of v and v v^T over an ensemble of ``members`` trajectories of T steps (streamed).

        ``members`` must be a multiple of ``groups`` (equal groups: the delete-a-group jackknife of
        :func:`numerics.chain_statistic` then treats each group as one replicate).
        """
        S, steps, G = check_count("members", members), check_count("T", T), check_count("groups", groups)
        if G < 2:
            raise InvalidArgument("groups", groups, "an integer >= 2 (the jackknife needs two groups)")
        if S % G:
            raise InvalidArgument("members", members, f"a positive multiple of groups = {groups}")
        u = self.initial(S, sigma0, rng)
        q = self.record.shape[1]
        total, outer = np.zeros((G, q)), np.zeros((G, q, q))
        for _ in range(steps + 1):
            v = self.record_vectors(u).reshape(G, S // G, q)
            total += v.sum(axis=1)
            outer += np.matmul(v.transpose(0, 2, 1), v)
            u = self.step(u)
        if not (np.all(np.isfinite(total)) and np.all(np.isfinite(outer))):
            raise InvalidArgument("eta", self.eta, "a step size for which the trajectories stay finite")
        count = (steps + 1) * (S // G)
        return EnsembleMoments(total / count, outer / count, S, steps, seed_of(rng))
