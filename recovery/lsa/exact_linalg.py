"""Exact integer/rational linear algebra at C speed through python-flint.

Helpers used by the exact (rational) mode of :mod:`recovery.lsa.population` and
:mod:`recovery.lsa.optimum`:

* :func:`exact_gemm`, :func:`integer_form`, :func:`to_fmpz_mat`, :func:`from_fmpz_mat` -- integer
  matrices through ``flint.fmpz_mat`` (defined in :mod:`recovery.lsa.flint_matrices`);
* :func:`exact_solve` -- the exact rational solution of ``A X = b`` (``fmpz_mat.solve``, which is
  what ``fmpq_mat.solve`` runs after clearing denominators);
* :func:`certify_positive_definite` -- an exact proof (or disproof) that a symmetric rational
  matrix is positive definite (paper Lemma 3.1; defined in :mod:`recovery.lsa.pd_certificate`,
  whose docstring describes the three steps);
* :func:`solve_positive_definite` -- both: the certificate, then the exact solve;
* :func:`exact_dot` and :func:`fraction_to_str` -- exact inner products and unlimited-size strings.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from recovery.lsa.flint_matrices import (
    _fmpz,
    _require_flint,
    coprime_fraction,
    exact_gemm,
    from_fmpz_mat,
    integer_form,
    to_fmpz_mat,
)
from recovery.lsa.pd_certificate import PDCertificate, _certify_int, certify_positive_definite

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


def _rational_system(A: Any, b: Any) -> tuple[np.ndarray, np.ndarray, int]:
    """``(Ai, bi, L)`` with ``A = Ai / L`` and ``b = bi / L`` (integers, one common denominator)."""
    Aa = np.asarray(A, dtype=object)
    ba = np.asarray(b, dtype=object)
    if Aa.ndim != 2 or Aa.shape[0] != Aa.shape[1]:
        raise ValueError(f"A must be a square matrix, got shape {Aa.shape}")
    if ba.shape != (Aa.shape[0],):
        raise ValueError(f"b must have shape ({Aa.shape[0]},), got {ba.shape}")
    both, L = integer_form(np.concatenate([Aa.ravel(), ba]), "A and b")
    n = Aa.shape[0]
    return both[: n * n].reshape(n, n), both[n * n:], L


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
        ``x``, length ``n``.

    Raises
    ------
    ValueError
        If ``A`` is singular or the shapes do not match.

    Examples
    --------
    >>> from fractions import Fraction
    >>> exact_solve([[2, 1], [1, 3]], [1, Fraction(1, 2)])
    [Fraction(1, 2), Fraction(0, 1)]
    """
    Ai, bi, _ = _rational_system(A, b)
    return _fractions(_solve_fmpq(Ai, bi))


def _solve_fmpq(Ai: np.ndarray, bi: np.ndarray, Az: Any = None) -> Any:
    """The solution of ``Ai x = bi`` as an (n, 1) ``flint.fmpq_mat``; ValueError if ``Ai`` is singular.

    ``Ai``/``bi`` come from :func:`integer_form` (Python ints); ``Az`` is ``Ai`` as an ``fmpz_mat`` if known.
    """
    fl = _require_flint()
    n = Ai.shape[0]
    if Az is None:
        Az = _fmpz(Ai, trusted=True)
    try:
        return Az.solve(fl.fmpz_mat(n, 1, [int(v) for v in bi]))
    except ZeroDivisionError:
        raise ValueError("A is singular (exact solve)") from None


def _fractions(X: Any) -> list[Fraction]:
    """The entries of an ``fmpq_mat`` as Fractions (already in lowest terms: no gcd again)."""
    return [coprime_fraction(int(e.p), int(e.q)) for e in X.entries()]


def _solve_int(Ai: np.ndarray, bi: np.ndarray) -> list[Fraction]:
    if Ai.shape[0] == 0:
        return []
    return _fractions(_solve_fmpq(Ai, bi))


def solve_positive_definite(
    A: Any, b: Any, *, name: str = "H", min_eig: bool = False
) -> tuple[list[Fraction], PDCertificate]:
    """Certify that ``A`` is positive definite, then solve ``A x = b`` exactly.

    Parameters
    ----------
    A : array_like, shape (n, n)
        Exactly symmetric rational matrix.
    b : array_like, shape (n,)
        Rational right-hand side.
    name : str
        Name of ``A`` in messages.
    min_eig : bool
        Also report the float smallest eigenvalue of ``A`` in the certificate (``min_eig`` field).

    Returns
    -------
    x : list of Fraction
        The exact solution, length ``n``.
    certificate : PDCertificate
        The exact proof that ``A`` is positive definite (paper Lemma 3.1).

    Raises
    ------
    ValueError
        If ``A`` is not symmetric or not positive definite (the message gives the reason).

    Examples
    --------
    >>> x, cert = solve_positive_definite([[2, 1], [1, 2]], [3, 3])
    >>> [str(v) for v in x], cert.positive_definite
    (['1', '1'], True)
    """
    X, cert, _ = _solve_pd_and_dot(A, b, name=name, min_eig=min_eig)
    return X, cert


def _solve_pd_and_dot(A: Any, b: Any, *, name: str, min_eig: bool) -> tuple[list[Fraction], PDCertificate, Fraction]:
    """:func:`solve_positive_definite` and also ``b^T x`` (exact; one FLINT product, for ``h^T X*``)."""
    if not isinstance(min_eig, bool):
        raise TypeError(f"min_eig must be a bool, got {type(min_eig).__name__}")
    Ai, bi, L = _rational_system(A, b)
    n = Ai.shape[0]
    Az = _fmpz(Ai, trusted=True) if n else None
    cert = _certify_int(Ai, name, den=L if min_eig else None, Az=Az)
    if not cert.positive_definite:
        raise ValueError(f"{name} is not positive definite: {cert.reason} (exact check)")
    if n == 0:
        return [], cert, Fraction(0)
    fl = _require_flint()
    X = _solve_fmpq(Ai, bi, Az)
    btx = (fl.fmpq_mat(fl.fmpz_mat(1, n, [int(v) for v in bi])) * X)[0, 0] / L
    return _fractions(X), cert, coprime_fraction(int(btx.p), int(btx.q))


def exact_dot(a: Any, b: Any) -> Fraction:
    """Exact inner product of two rational vectors (one FLINT ``fmpq_mat`` product).

    Parameters
    ----------
    a, b : sequence of Fraction/int
        Vectors of equal length.

    Returns
    -------
    fractions.Fraction
        ``sum_i a_i b_i``.

    Raises
    ------
    ValueError
        If the lengths differ.

    Examples
    --------
    >>> from fractions import Fraction
    >>> exact_dot([Fraction(1, 2), 3], [4, Fraction(1, 3)])
    Fraction(3, 1)
    """
    fl = _require_flint()
    a = list(a)
    b = list(b)
    if len(a) != len(b):
        raise ValueError(f"a and b must have the same length, got {len(a)} and {len(b)}")
    if not a:
        return Fraction(0)

    def fmpq(v: Any) -> Any:
        f = Fraction(v)
        return fl.fmpq(f.numerator, f.denominator)

    n = len(a)
    acc = (fl.fmpq_mat(1, n, [fmpq(v) for v in a]) * fl.fmpq_mat(n, 1, [fmpq(v) for v in b]))[0, 0]
    return coprime_fraction(int(acc.p), int(acc.q))


def fraction_to_str(v: Any) -> str:
    """``str(Fraction(v))`` without Python's 4300-digit limit on int -> str conversion.

    Exact solutions of large systems have numerators/denominators of tens of thousands of
    digits; ``str`` on such ints raises ``ValueError`` (CPython >= 3.11 default limit). FLINT's
    conversion has no limit and is subquadratic. (Parsing such strings back with ``Fraction``
    needs ``sys.set_int_max_str_digits(0)`` or ``flint.fmpq``.)

    Parameters
    ----------
    v : Fraction or int
        The rational value.

    Returns
    -------
    str
        ``"p/q"`` (or ``"p"`` for an integer), exactly as ``str(Fraction(v))``.

    Examples
    --------
    >>> from fractions import Fraction
    >>> fraction_to_str(Fraction(-6, 4))
    '-3/2'
    """
    q = v if type(v) is Fraction else Fraction(v)  # no new object for the common case
    num, den = q.numerator, q.denominator
    if num.bit_length() < 10000 and den.bit_length() < 10000:
        return str(q)
    fl = _require_flint()
    num_s = str(fl.fmpz(num))
    return num_s if den == 1 else f"{num_s}/{fl.fmpz(den)}"

