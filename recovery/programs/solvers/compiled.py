"""Vectorised float64 view of a :class:`BilinearProgram` used by heuristics and relaxations.

The variable vector is ``x = (b, vec(A))`` with ``vec`` column-major (Fortran order, the order
of :meth:`BilinearProgram.variable_names`): ``x[i] = b[i]``, ``x[(d+1) + j(d+1) + k] = A[k, j]``.
Every product term ``value * b[u] * A[v, j]`` of row r becomes ``(r, p, q, value)`` with
``p = u`` and ``q = (d+1) + j(d+1) + v`` indices into x.  Fixed variables (lo == hi) stay in x
with their value; ``free`` masks the others.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recovery.programs.program import BilinearProgram

__all__ = ["Compiled", "compile_program"]


@dataclass(frozen=True, eq=False)
class Compiled:
    """Vectorised float64 view of a :class:`BilinearProgram` (module docstring).

    Built by :func:`compile_program`.  T is the number of product terms of the rows, ``x = (b, vec(A))`` the variable vector.

    Attributes
    ----------
    d : int
        The dimension.
    n : int
        Number of variables ``(d+1) + (d+1)d``.
    R : int
        Number of rows.
    row : numpy.ndarray
        Shape (T,), row id of each product term.
    p : numpy.ndarray
        Shape (T,), index of the b factor in x.
    q : numpy.ndarray
        Shape (T,), index of the A factor in x.
    val : numpy.ndarray
        Shape (T,), coefficient.
    rhs : numpy.ndarray
        Shape (R,), right-hand sides.
    eq, le, ge : numpy.ndarray
        Shape (R,), bool masks of the senses ``==``, ``<=``, ``>=``.
    scale : numpy.ndarray
        Shape (R,), ``max(1, abs(rhs))`` as in the verifier.
    lo, hi : numpy.ndarray
        Shape (n,), lower / upper bounds (-inf / +inf free).
    free : numpy.ndarray
        Shape (n,), bool, not fixed (``lo != hi``).
    obj_p, obj_q, obj_val : numpy.ndarray
        Objective terms (b index, A index, coefficient); empty without objective.
    obj_const : float
        Objective constant.
    has_obj : bool
        Whether the program has an objective.
    """
    d: int
    n: int                      # number of variables (d+1) + (d+1)d
    R: int                      # number of rows
    row: np.ndarray             # (T,) row id of each product term
    p: np.ndarray               # (T,) index of the b factor in x
    q: np.ndarray               # (T,) index of the A factor in x
    val: np.ndarray             # (T,) coefficient
    rhs: np.ndarray             # (R,)
    eq: np.ndarray              # (R,) bool
    le: np.ndarray              # (R,) bool
    ge: np.ndarray              # (R,) bool
    scale: np.ndarray           # (R,) max(1, |rhs|) as in the verifier
    lo: np.ndarray              # (n,) lower bounds (-inf free)
    hi: np.ndarray              # (n,) upper bounds (+inf free)
    free: np.ndarray            # (n,) bool, not fixed
    obj_p: np.ndarray           # objective terms (empty without objective)
    obj_q: np.ndarray
    obj_val: np.ndarray
    obj_const: float
    has_obj: bool

    def split(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(b, A)`` of a variable vector (copies).

        Parameters
        ----------
        x : numpy.ndarray
            The variable vector ``(b, vec(A))``, shape (n,).

        Returns
        -------
        b : numpy.ndarray
            Shape (d+1,).
        A : numpy.ndarray
            Shape (d+1, d).
        """
        d = self.d
        return x[: d + 1].copy(), x[d + 1:].reshape((d + 1, d), order="F").copy()

    def join(self, b: np.ndarray, A: np.ndarray) -> np.ndarray:
        """The variable vector ``(b, vec(A))`` of a point (A column-major).

        Parameters
        ----------
        b : numpy.ndarray
            Shape (d+1,).
        A : numpy.ndarray
            Shape (d+1, d).

        Returns
        -------
        numpy.ndarray
            Shape (n,), float64.
        """
        return np.concatenate([np.asarray(b, float), np.asarray(A, float).reshape(-1, order="F")])

    def lhs(self, x: np.ndarray) -> np.ndarray:
        """Row values ``b^T D_r A[:, j_r]``.

        Parameters
        ----------
        x : numpy.ndarray
            The variable vector ``(b, vec(A))``, shape (n,).

        Returns
        -------
        numpy.ndarray
            Shape (R,).
        """
        return np.bincount(self.row, weights=self.val * x[self.p] * x[self.q], minlength=self.R)

    def violation(self, x: np.ndarray) -> np.ndarray:
        """Signed scaled violation per row (0 when satisfied): eq r, le max(0, r), ge min(0, r).

        Here ``r = lhs(x) - rhs``, divided by ``scale``.

        Parameters
        ----------
        x : numpy.ndarray
            The variable vector ``(b, vec(A))``, shape (n,).

        Returns
        -------
        numpy.ndarray
            Shape (R,).
        """
        r = self.lhs(x) - self.rhs
        v = np.where(self.eq, r, np.where(self.le, np.maximum(r, 0.0), np.minimum(r, 0.0)))
        return v / self.scale

    def max_violation(self, x: np.ndarray) -> float:
        """Largest scaled violation of a row or a bound.

        Bound violations are scaled by ``max(1, abs(bound))``.

        Parameters
        ----------
        x : numpy.ndarray
            The variable vector ``(b, vec(A))``, shape (n,).

        Returns
        -------
        float
            0.0 when every row and bound is satisfied.
        """
        v = np.abs(self.violation(x)).max(initial=0.0)
        bv = np.maximum(self.lo - x, 0.0) / np.maximum(1.0, np.abs(np.where(np.isfinite(self.lo), self.lo, 0)))
        hv = np.maximum(x - self.hi, 0.0) / np.maximum(1.0, np.abs(np.where(np.isfinite(self.hi), self.hi, 0)))
        return float(max(v, bv.max(initial=0.0), hv.max(initial=0.0)))

    def jac_T_times(self, x: np.ndarray, w: np.ndarray) -> np.ndarray:
        """``J(x)^T w`` where J is the Jacobian of ``lhs`` (R x n).

        Parameters
        ----------
        x : numpy.ndarray
            The variable vector ``(b, vec(A))``, shape (n,).
        w : numpy.ndarray
            Shape (R,).

        Returns
        -------
        numpy.ndarray
            Shape (n,).
        """
        wt = w[self.row] * self.val
        return (np.bincount(self.p, weights=wt * x[self.q], minlength=self.n)
                + np.bincount(self.q, weights=wt * x[self.p], minlength=self.n))

    def jacobian(self, x: np.ndarray):
        """Sparse Jacobian of ``lhs`` (R x n) as scipy CSR.

        Parameters
        ----------
        x : numpy.ndarray
            The variable vector ``(b, vec(A))``, shape (n,).

        Returns
        -------
        scipy.sparse.csr_matrix
            Shape (R, n).
        """
        from scipy.sparse import coo_matrix

        rows = np.concatenate([self.row, self.row])
        cols = np.concatenate([self.p, self.q])
        vals = np.concatenate([self.val * x[self.q], self.val * x[self.p]])
        return coo_matrix((vals, (rows, cols)), shape=(self.R, self.n)).tocsr()

    def objective(self, x: np.ndarray) -> float:
        """Objective value ``b^T D A[:, j] + constant`` (0.0 without objective).

        Parameters
        ----------
        x : numpy.ndarray
            The variable vector ``(b, vec(A))``, shape (n,).

        Returns
        -------
        float
            The objective value.
        """
        if not self.has_obj:
            return 0.0
        return float(np.sum(self.obj_val * x[self.obj_p] * x[self.obj_q]) + self.obj_const)

    def objective_grad(self, x: np.ndarray) -> np.ndarray:
        """Gradient of :meth:`objective` (zero without objective).

        Parameters
        ----------
        x : numpy.ndarray
            The variable vector ``(b, vec(A))``, shape (n,).

        Returns
        -------
        numpy.ndarray
            Shape (n,).
        """
        g = np.zeros(self.n)
        if self.has_obj:
            np.add.at(g, self.obj_p, self.obj_val * x[self.obj_q])
            np.add.at(g, self.obj_q, self.obj_val * x[self.obj_p])
        return g

    def random_start(self, rng: np.random.Generator, spread: float = 1.0) -> np.ndarray:
        """Random point inside the bounds: uniform on finite boxes, lo + ``abs(N)`` on half lines.

        Free entries are normal with standard deviation ``spread``; fixed entries take their value.

        Parameters
        ----------
        rng : numpy.random.Generator
            The random generator.
        spread : float, optional
            Standard deviation of the normal draws.

        Returns
        -------
        numpy.ndarray
            Shape (n,).
        """
        z = rng.normal(scale=spread, size=self.n)
        x = z.copy()
        both = np.isfinite(self.lo) & np.isfinite(self.hi)
        x[both] = self.lo[both] + rng.random(both.sum()) * (self.hi[both] - self.lo[both])
        onlylo = np.isfinite(self.lo) & ~np.isfinite(self.hi)
        x[onlylo] = self.lo[onlylo] + np.abs(z[onlylo])
        onlyhi = ~np.isfinite(self.lo) & np.isfinite(self.hi)
        x[onlyhi] = self.hi[onlyhi] - np.abs(z[onlyhi])
        x[~self.free] = self.lo[~self.free]
        return x


def compile_program(program: BilinearProgram) -> Compiled:
    """The vectorised float64 view of ``program`` (module docstring).

    Parameters
    ----------
    program : BilinearProgram
        The program.

    Returns
    -------
    Compiled
        Its product terms, senses, bounds and objective as arrays.

    Examples
    --------
    >>> import numpy as np
    >>> from recovery.programs.program import ProgramBuilder
    >>> pb = ProgramBuilder(1)
    >>> _ = pb.add_row(0, [(0, 0, 1)], "==", 2)
    >>> c = compile_program(pb.build())
    >>> x = c.join(np.array([1.0, 0.0]), np.array([[2.0], [0.0]]))
    >>> c.lhs(x), c.max_violation(x)
    (array([2.]), 0.0)
    """
    d = program.d
    n = (d + 1) + (d + 1) * d
    row, p, q, val = [], [], [], []
    for r, c in enumerate(program.constraints):
        for u, v, w in c.D:
            row.append(r)
            p.append(u)
            q.append((d + 1) + c.j * (d + 1) + v)
            val.append(float(w))
    rhs = np.array([float(c.rhs) for c in program.constraints], dtype=float)
    senses = np.array([c.sense for c in program.constraints], dtype=object)
    b_lo, b_hi, A_lo, A_hi = program.bound_arrays()
    lo = np.concatenate([b_lo, A_lo.reshape(-1, order="F")])
    hi = np.concatenate([b_hi, A_hi.reshape(-1, order="F")])
    free = ~(lo == hi)
    o = program.objective
    op = np.array([u for u, _, _ in o.D], dtype=np.int64) if o else np.zeros(0, np.int64)
    oq = np.array([(d + 1) + o.j * (d + 1) + v for _, v, _ in o.D], dtype=np.int64) if o else np.zeros(0, np.int64)
    ov = np.array([float(w) for _, _, w in o.D], dtype=float) if o else np.zeros(0)
    return Compiled(
        d=d, n=n, R=len(program.constraints),
        row=np.asarray(row, np.int64), p=np.asarray(p, np.int64), q=np.asarray(q, np.int64),
        val=np.asarray(val, float), rhs=rhs,
        eq=senses == "==", le=senses == "<=", ge=senses == ">=",
        scale=np.maximum(1.0, np.abs(rhs)), lo=lo, hi=hi, free=free,
        obj_p=op, obj_q=oq, obj_val=ov, obj_const=float(o.constant) if o else 0.0,
        has_obj=o is not None,
    )
