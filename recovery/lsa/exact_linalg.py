"""Exact integer/rational linear algebra at C speed through python-flint.

Helpers used by the exact (rational) mode of :mod:`recovery.lsa.population` and
:mod:`recovery.lsa.optimum`:

* :func:`exact_gemm` -- product of two integer matrices (numpy object arrays of Python ints or
  integer arrays) through ``flint.fmpz_mat`` (multimodular / BLAS-backed in FLINT), returned as a
  numpy object array of Python ints;
* :func:`integer_form` -- a rational matrix as ``(integer matrix, common denominator)``;
* :func:`exact_solve` -- the exact rational solution of ``A X = b`` (``fmpz_mat.solve``, which is
  what ``fmpq_mat.solve`` runs after clearing denominators);
* :func:`certify_positive_definite` -- an exact proof (or disproof) that a symmetric rational
  matrix is positive definite.

How the positive-definiteness certificate works (every step is exact integer arithmetic; the
floating-point computations only *propose* a certificate):

1. **Congruence + Gershgorin.** Factor a float copy of ``A`` by Cholesky, ``A ~ L L^T``, invert
   ``L`` in floats and round each row of ``L^{-1}`` to integers after scaling it by a power of two:
   an integer lower-triangular ``C`` with nonzero diagonal, hence nonsingular. Compute
   ``M = C A C^T`` exactly (``fmpz_mat``). ``M`` is congruent to ``A`` (Sylvester's law of inertia),
   so if every row of ``M`` is strictly diagonally dominant with positive diagonal
   (``M_ii > sum_{j != i} |M_ij|``), Gershgorin's theorem puts every eigenvalue of ``M`` in
   ``(0, inf)`` and ``A`` is positive definite. This costs two integer GEMMs.
2. **Negative direction.** If step 1 does not apply, the float eigenvector ``v`` of the smallest
   eigenvalue is rounded to a rational vector at a few precisions; ``v^T A v <= 0`` (exactly) with
   ``v != 0`` proves ``A`` is *not* positive definite (``A v = 0`` proves it singular).
3. **Leading principal minors.** Otherwise (nearly singular matrices) the fraction-free LU of FLINT
   (``fmpz_mat.fflu``) gives the leading principal minors; Sylvester's criterion decides. This is
   exact for every input but costs ``O(n^3)`` operations on growing integers.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

try:  # python-flint is a hard dependency of the exact mode
    import flint
except ImportError as _exc:  # pragma: no cover - exercised only without python-flint
    flint = None
    _FLINT_ERROR: ImportError | None = _exc
else:
    _FLINT_ERROR = None

__all__ = [
    "PDCertificate",
    "certify_positive_definite",
    "exact_gemm",
    "exact_solve",
    "integer_form",
    "solve_positive_definite",
    "fraction_to_str",
    "exact_dot",
    "to_fmpz_mat",
    "from_fmpz_mat",
]


def _require_flint() -> Any:
    if flint is None:  # pragma: no cover
        raise ImportError(
            "the exact mode needs python-flint (pip install 'python-flint>=0.6')"
        ) from _FLINT_ERROR
    return flint


def _as_int_matrix(A: Any, name: str) -> np.ndarray:
    """Validate a 2-D integer matrix (object array of ints or integer numpy array)."""
    arr = np.asarray(A)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D, got shape {arr.shape}")
    if arr.dtype == object:
        for v in arr.ravel().tolist():
            if type(v) is int:
                continue
            if isinstance(v, bool) or not isinstance(v, numbers.Integral):
                raise TypeError(f"{name} entries must be integers, got {type(v).__name__}")
    elif not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{name} must be an integer matrix, got dtype {arr.dtype}")
    return arr


def to_fmpz_mat(A: Any, name: str = "A") -> Any:
    """A 2-D integer matrix as a ``flint.fmpz_mat``.

    Parameters
    ----------
    A : array_like
        Integer matrix: numpy object array of Python ints or a numpy integer array.
    name : str
        Argument name used in error messages.

    Returns
    -------
    flint.fmpz_mat
    """
    arr = _as_int_matrix(A, name)
    return _fmpz(arr)


def _fmpz(arr: np.ndarray) -> Any:
    """Unchecked: a 2-D array of integers (already validated) as a ``flint.fmpz_mat``."""
    fl = _require_flint()
    r, c = arr.shape
    flat = arr.ravel().tolist()
    if arr.dtype == object and not all(type(v) is int for v in flat):
        flat = [int(v) for v in flat]
    return fl.fmpz_mat(r, c, flat)


def from_fmpz_mat(M: Any) -> np.ndarray:
    """A ``flint.fmpz_mat`` as a numpy object array of Python ints (same shape)."""
    r, c = M.nrows(), M.ncols()
    out = np.empty(r * c, dtype=object)
    out[:] = [int(v) for v in M.entries()]
    return out.reshape(r, c)


def exact_gemm(A: Any, B: Any, *, check: bool = True) -> np.ndarray:
    """Exact integer matrix product ``A @ B`` through ``flint.fmpz_mat``.

    Parameters
    ----------
    A : array_like, shape (r, k)
        Integer matrix (object array of Python ints or numpy integer array).
    B : array_like, shape (k, c)
        Integer matrix.
    check : bool
        Validate that every entry is an integer (``False``: trusted internal callers only).

    Returns
    -------
    numpy.ndarray
        Object array of Python ints, shape ``(r, c)``; identical to the numpy object-array
        product ``A.dot(B)``.

    Raises
    ------
    ValueError
        If the shapes do not match.
    TypeError
        If an entry is not an integer.
    """
    if check:
        a = _as_int_matrix(A, "A")
        b = _as_int_matrix(B, "B")
    else:
        a, b = np.asarray(A), np.asarray(B)
    if a.ndim != 2 or b.ndim != 2:
        raise ValueError(f"A and B must be 2-D, got shapes {a.shape} and {b.shape}")
    if a.shape[1] != b.shape[0]:
        raise ValueError(f"A has {a.shape[1]} columns but B has {b.shape[0]} rows")
    if 0 in a.shape or 0 in b.shape:
        return np.zeros((a.shape[0], b.shape[1]), dtype=object) * 0
    return from_fmpz_mat(_fmpz(a) * _fmpz(b))


def integer_form(A: Any, name: str = "A") -> tuple[np.ndarray, int]:
    """A rational array as ``(integers, L)`` with ``A = integers / L`` and ``L >= 1`` minimal.

    Parameters
    ----------
    A : array_like
        Array of ``fractions.Fraction`` / ``int`` (object dtype).
    name : str
        Argument name used in error messages.

    Returns
    -------
    (numpy.ndarray, int)
        Object array of Python ints of the same shape and the least common denominator.
    """
    arr = np.asarray(A, dtype=object)
    flat = arr.ravel().tolist()
    dens = set()
    for v in flat:
        t = type(v)
        if t is Fraction:
            dens.add(v._denominator)
        elif t is int:
            continue
        elif isinstance(v, bool) or not isinstance(v, (Fraction, numbers.Integral)):
            raise TypeError(f"{name} entries must be Fractions or ints, got {type(v).__name__}")
        else:
            dens.add(Fraction(v).denominator)
    L = math.lcm(*dens) if dens else 1
    out = np.empty(len(flat), dtype=object)
    out[:] = [v._numerator * (L // v._denominator) if type(v) is Fraction else int(Fraction(v) * L) for v in flat]
    return out.reshape(arr.shape), L


def _rational_system(A: Any, b: Any) -> tuple[np.ndarray, np.ndarray]:
    Aa = np.asarray(A, dtype=object)
    ba = np.asarray(b, dtype=object)
    if Aa.ndim != 2 or Aa.shape[0] != Aa.shape[1]:
        raise ValueError(f"A must be a square matrix, got shape {Aa.shape}")
    if ba.shape != (Aa.shape[0],):
        raise ValueError(f"b must have shape ({Aa.shape[0]},), got {ba.shape}")
    both, _ = integer_form(np.concatenate([Aa.ravel(), ba]), "A and b")
    n = Aa.shape[0]
    return both[: n * n].reshape(n, n), both[n * n:]


def exact_solve(A: Any, b: Any) -> list[Fraction]:
    """The exact rational solution ``x`` of ``A x = b``.

    Both sides are scaled by one common denominator and solved by FLINT (``fmpz_mat.solve``:
    fraction-free / Dixon p-adic lifting, the routine behind ``fmpq_mat.solve``).

    Parameters
    ----------
    A : array_like, shape (n, n)
        Rational matrix (``Fraction``/``int`` entries).
    b : array_like, shape (n,)
        Rational right-hand side.

    Returns
    -------
    list of fractions.Fraction

    Raises
    ------
    ValueError
        If ``A`` is singular or the shapes do not match.
    """
    Ai, bi = _rational_system(A, b)
    return _solve_int(Ai, bi)


def _solve_int(Ai: np.ndarray, bi: np.ndarray) -> list[Fraction]:
    fl = _require_flint()
    n = Ai.shape[0]
    if n == 0:
        return []
    try:
        X = _fmpz(Ai).solve(fl.fmpz_mat(n, 1, [int(v) for v in bi]))
    except ZeroDivisionError:
        raise ValueError("A is singular (exact solve)") from None
    return [Fraction(int(e.p), int(e.q)) for e in X.entries()]


def solve_positive_definite(A: Any, b: Any, *, name: str = "H") -> tuple[list[Fraction], "PDCertificate"]:
    """Certify that ``A`` is positive definite, then solve ``A x = b`` exactly.

    Parameters
    ----------
    A : array_like, shape (n, n)
        Exactly symmetric rational matrix.
    b : array_like, shape (n,)
        Rational right-hand side.
    name : str
        Name of ``A`` in messages.

    Returns
    -------
    (list of Fraction, PDCertificate)

    Raises
    ------
    ValueError
        If ``A`` is not symmetric or not positive definite (the message gives the reason).
    """
    Ai, bi = _rational_system(A, b)
    cert = _certify_int(Ai, name)
    if not cert.positive_definite:
        raise ValueError(f"{name} is not positive definite: {cert.reason} (exact check)")
    return _solve_int(Ai, bi), cert


def exact_dot(a: Any, b: Any) -> Fraction:
    """Exact inner product of two rational vectors (FLINT ``fmpq`` arithmetic).

    Parameters
    ----------
    a, b : sequence of Fraction/int
        Vectors of equal length.

    Returns
    -------
    fractions.Fraction
    """
    fl = _require_flint()
    a = list(a)
    b = list(b)
    if len(a) != len(b):
        raise ValueError(f"a and b must have the same length, got {len(a)} and {len(b)}")
    acc = fl.fmpq(0)
    for x, y in zip(a, b):
        fx, fy = Fraction(x), Fraction(y)
        acc += fl.fmpq(fx.numerator, fx.denominator) * fl.fmpq(fy.numerator, fy.denominator)
    return Fraction(int(acc.p), int(acc.q))


def fraction_to_str(v: Any) -> str:
    """``str(Fraction(v))`` without Python's 4300-digit limit on int -> str conversion.

    Exact solutions of large systems have numerators/denominators of tens of thousands of
    digits; ``str`` on such ints raises ``ValueError`` (CPython >= 3.11 default limit). FLINT's
    conversion has no limit and is subquadratic. (Parsing such strings back with ``Fraction``
    needs ``sys.set_int_max_str_digits(0)`` or ``flint.fmpq``.)
    """
    q = Fraction(v)
    num, den = q.numerator, q.denominator
    if max(num.bit_length(), den.bit_length()) < 10000:
        return str(q)
    fl = _require_flint()
    num_s = str(fl.fmpz(num))
    return num_s if den == 1 else f"{num_s}/{fl.fmpz(den)}"


# --------------------------------------------------------------------------- PD certificate


@dataclass(frozen=True)
class PDCertificate:
    """Outcome of :func:`certify_positive_definite` (always exact).

    Attributes
    ----------
    positive_definite : bool
        The exact verdict.
    method : str
        ``"congruence-gershgorin"``, ``"negative-direction"`` or ``"leading-minors"``.
    reason : str
        One line: why the verdict holds (for a failure: which minor / direction).
    singular : bool
        True when the matrix was proven singular (zero leading minor or an exact null vector
        for a matrix proven positive semidefinite-or-singular by a minor).
    """

    positive_definite: bool
    method: str
    reason: str
    singular: bool = False


def _float_copy(Ai: np.ndarray) -> np.ndarray:
    """Float64 approximation of an integer object matrix scaled by a power of two (no overflow)."""
    flat = Ai.ravel().tolist()
    bits = max((abs(v).bit_length() for v in flat), default=0)
    shift = max(bits - 62, 0)
    if shift:
        flat = [v >> shift for v in flat]
    return np.array(flat, dtype=np.float64).reshape(Ai.shape)


def _congruence_certificate(Ai: np.ndarray, Af: np.ndarray) -> bool:
    """Step 1 of the module docstring: True iff ``C A C^T`` is strictly diagonally dominant."""
    import scipy.linalg

    fl = _require_flint()
    n = Ai.shape[0]
    try:
        Lc = np.linalg.cholesky(Af)
    except np.linalg.LinAlgError:
        return False
    if not np.all(np.isfinite(Lc)) or np.any(np.diag(Lc) <= 0):
        return False
    Cf = scipy.linalg.solve_triangular(Lc, np.eye(n), lower=True, check_finite=False)
    if not np.all(np.isfinite(Cf)):
        return False
    # integer rows: scale row i by 2^(50 - e_i) with 2^e_i ~ its largest entry
    rowmax = np.abs(Cf).max(axis=1)
    e = np.floor(np.log2(rowmax)).astype(np.int64)
    Ci = np.rint(np.ldexp(Cf, (50 - e)[:, None]))
    if np.any(np.diag(Ci) == 0):
        return False
    Ci = np.tril(Ci)
    C = fl.fmpz_mat(n, n, [int(v) for v in Ci.astype(np.int64).ravel().tolist()])
    M = C * _fmpz(Ai) * C.transpose()
    ent = M.entries()
    for i in range(n):
        row = ent[i * n:(i + 1) * n]
        diag = row[i]
        if diag <= 0:
            return False
        off = sum(abs(v) for v in row) - diag
        if not diag > off:
            return False
    return True


def _negative_direction(Ai: np.ndarray, Af: np.ndarray) -> PDCertificate | None:
    """Step 2: a rational ``v != 0`` with ``v^T A v <= 0`` (exact), or None."""
    fl = _require_flint()
    n = Ai.shape[0]
    try:
        w, V = np.linalg.eigh(Af)
    except np.linalg.LinAlgError:  # pragma: no cover - eigh on a finite symmetric matrix
        return None
    A = _fmpz(Ai)
    for k in range(min(n, 3)):
        if w[k] > 0 and w[k] > 1e-8 * max(abs(w[-1]), 1e-300):
            break
        v = V[:, k]
        vmax = np.abs(v).max()
        for bits in (8, 16, 30, 52):
            vi = np.rint(v / vmax * 2.0**bits).astype(np.int64)
            if not vi.any():
                continue
            vz = fl.fmpz_mat(n, 1, [int(x) for x in vi.tolist()])
            Av = A * vz
            q = (vz.transpose() * Av)[0, 0]
            if q < 0:
                return PDCertificate(False, "negative-direction",
                                     "v^T H v < 0 for an exact rational v (H is indefinite)")
            if q == 0:
                if Av.is_zero():
                    return PDCertificate(False, "negative-direction",
                                         "H v = 0 for an exact rational v != 0 (H is singular)", True)
                return PDCertificate(False, "negative-direction",
                                     "v^T H v = 0 for an exact rational v != 0 (H is singular or indefinite)")
    return None


def _leading_minors(Ai: np.ndarray) -> PDCertificate:
    """Step 3: Sylvester's criterion from FLINT's fraction-free LU."""
    n = Ai.shape[0]
    P, _, _, U = _fmpz(Ai).fflu()
    for k in range(n):
        swapped = any(P[k, j] != (1 if j == k else 0) for j in range(n))
        if swapped or U[k, k] == 0:
            return PDCertificate(False, "leading-minors",
                                 f"leading principal minor {k + 1} is zero (H singular)", True)
        if U[k, k] < 0:
            return PDCertificate(False, "leading-minors", f"leading principal minor {k + 1} is negative")
    return PDCertificate(True, "leading-minors", f"all {n} leading principal minors are positive")


def certify_positive_definite(A: Any, *, name: str = "H") -> PDCertificate:
    """Exactly decide whether a symmetric rational matrix is positive definite.

    See the module docstring for the three steps; floating point only proposes certificates,
    every verdict is checked in exact integer arithmetic.

    Parameters
    ----------
    A : array_like, shape (n, n)
        Symmetric matrix of ``Fraction``/``int`` entries (object dtype) or integers.
    name : str
        Argument name used in error messages.

    Returns
    -------
    PDCertificate

    Raises
    ------
    ValueError
        If ``A`` is not square or not exactly symmetric.
    TypeError
        If an entry is not rational.
    """
    arr = np.asarray(A, dtype=object)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise ValueError(f"{name} must be a square matrix, got shape {arr.shape}")
    Ai, _ = integer_form(arr, name)
    return _certify_int(Ai, name)


def _certify_int(Ai: np.ndarray, name: str) -> PDCertificate:
    n = Ai.shape[0]
    if n == 0:
        return PDCertificate(True, "leading-minors", "empty matrix")
    if not np.array_equal(Ai, Ai.T):
        raise ValueError(f"{name} must be exactly symmetric for a positive-definiteness certificate")
    Af = _float_copy(Ai)
    if _congruence_certificate(Ai, Af):
        return PDCertificate(True, "congruence-gershgorin",
                             f"C {name} C^T is strictly diagonally dominant with positive diagonal")
    neg = _negative_direction(Ai, Af)
    if neg is not None:
        return neg
    return _leading_minors(Ai)
