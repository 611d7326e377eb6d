"""The population quadratic ``ftilde(X) = X^T H X - 2 h^T X + c`` as a value (MATH.md section 4).

:class:`Quadratic` holds ``H`` (dm, dm), ``h`` (dm,) and ``c`` with ``dm = d (d+1)(d+2)/2`` in the
order of :mod:`recovery.lsa.reparam`, either as float64 arrays or, in exact mode, as object arrays of
``fractions.Fraction``; it evaluates ``ftilde`` (paper Lemma 3.2) and round-trips through JSON.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

__all__ = ["Quadratic", "SCHEMA_VERSION"]

SCHEMA_VERSION = "lsahard.quadratic/1"


# --------------------------------------------------------------------------- the quadratic


def _d_from_dm(dm: int) -> int:
    for d in range(1, 200):
        v = d * (d + 1) * (d + 2) // 2
        if v == dm:
            return d
        if v > dm:
            break
    raise ValueError(f"h has length {dm}, which is not d*(d+1)(d+2)/2 for any d >= 1")


def _fraction_array(A: Any, name: str) -> np.ndarray:
    """A new object array of ``Fraction`` (ints converted; Fractions kept as they are)."""
    arr = np.asarray(A, dtype=object)
    flat = arr.ravel().tolist()
    for i, v in enumerate(flat):
        if type(v) is Fraction:
            continue
        if isinstance(v, bool) or not isinstance(v, (Fraction, numbers.Integral)):
            raise TypeError(f"{name} entries must be Fractions in exact mode, got {type(v).__name__}")
        flat[i] = Fraction(v)
    out = np.empty(len(flat), dtype=object)
    out[:] = flat
    return out.reshape(arr.shape)


@dataclass(frozen=True, eq=False)
class Quadratic:
    """``ftilde(X) = X^T H X - 2 h^T X + c``; ``H`` (dm, dm), ``h`` (dm,), ``c`` scalar.

    ``exact=True``: object arrays of ``fractions.Fraction`` and a Fraction ``c``; otherwise float64.

    Attributes
    ----------
    H : numpy.ndarray, shape (dm, dm)
        ``E[(x x^T) kron (g g^T)]`` (read-only).
    h : numpy.ndarray, shape (dm,)
        ``E[y (x kron g)]`` (read-only).
    c : float or Fraction
        ``E[y^2]``.
    exact : bool
        Fraction entries instead of float64.
    """

    H: np.ndarray
    h: np.ndarray
    c: Any
    exact: bool = False

    def __post_init__(self) -> None:
        if self.exact:
            H = _fraction_array(self.H, "H")
            h = _fraction_array(self.h, "h")
            if not isinstance(self.c, (Fraction, numbers.Integral)) or isinstance(self.c, bool):
                raise TypeError(f"c must be a Fraction in exact mode, got {type(self.c).__name__}")
            c: Any = Fraction(self.c)
        else:
            H = np.array(self.H, dtype=np.float64)
            h = np.array(self.h, dtype=np.float64)
            c = float(self.c)
            if not (np.all(np.isfinite(H)) and np.all(np.isfinite(h)) and math.isfinite(c)):
                raise ValueError("H, h and c must be finite")
        self._finish(H, h, c)

    def _finish(self, H: np.ndarray, h: np.ndarray, c: Any) -> None:
        if h.ndim != 1:
            raise ValueError(f"h must be 1-D, got shape {h.shape}")
        _d_from_dm(h.shape[0])
        if H.shape != (h.shape[0], h.shape[0]):
            raise ValueError(f"H must have shape ({h.shape[0]}, {h.shape[0]}), got {H.shape}")
        H.setflags(write=False)
        h.setflags(write=False)
        object.__setattr__(self, "H", H)
        object.__setattr__(self, "h", h)
        object.__setattr__(self, "c", c)

    @classmethod
    def _from_owned(cls, H: np.ndarray, h: np.ndarray, c: Any, *, exact: bool, finite: bool = False) -> Quadratic:
        """Internal: wrap arrays built by the population modules (no copy, no per-entry conversion).

        ``H``/``h`` must be fresh float64 arrays (``exact=False``) or object arrays whose entries
        are all ``Fraction`` (``exact=True``); they are made read-only, not copied. ``finite``: the
        caller has already checked that every float entry is finite.
        """
        obj = object.__new__(cls)
        object.__setattr__(obj, "exact", exact)
        if exact:
            c = Fraction(c)
        else:
            c = float(c)
            if H.dtype != np.float64 or h.dtype != np.float64:
                raise TypeError("internal: float quadratic arrays must be float64")
            if not finite and not (np.all(np.isfinite(H)) and np.all(np.isfinite(h)) and math.isfinite(c)):
                raise ValueError("H, h and c must be finite")
        obj._finish(H, h, c)
        return obj

    @property
    def d(self) -> int:
        return _d_from_dm(self.h.shape[0])

    @property
    def dim(self) -> int:
        return self.h.shape[0]

    def ftilde(self, X: Any) -> Any:
        """``X^T H X - 2 h^T X + c`` (exact when both the quadratic and ``X`` are exact).

        Parameters
        ----------
        X : array_like, shape (..., dm)
            Point(s); Fraction/int entries of shape ``(dm,)`` give an exact value.

        Returns
        -------
        float, Fraction or numpy.ndarray
            ``ftilde(X)``, shape ``X.shape[:-1]`` for floats.
        """
        maybe_exact = not isinstance(X, np.ndarray) or X.dtype == object
        if self.exact and maybe_exact:
            Xo = np.asarray(X, dtype=object)
            if Xo.shape != (self.dim,):
                raise ValueError(f"X must have shape ({self.dim},), got {Xo.shape}")
            if all(isinstance(v, (Fraction, numbers.Integral)) for v in Xo):
                Xo = np.array([Fraction(v) for v in Xo], dtype=object)
                return Xo.dot(self.H.dot(Xo)) - 2 * self.h.dot(Xo) + self.c
        q = self.to_float() if self.exact else self
        Xf = np.asarray(X, dtype=np.float64)
        if Xf.shape[-1:] != (self.dim,):
            raise ValueError(f"X must have shape (..., {self.dim}), got {Xf.shape}")
        return np.einsum("...i,ij,...j->...", Xf, q.H, Xf) - 2.0 * Xf @ q.h + q.c

    def to_float(self) -> Quadratic:
        if not self.exact:
            return self
        return Quadratic(
            H=np.array(self.H, dtype=np.float64),
            h=np.array(self.h, dtype=np.float64),
            c=float(self.c),
            exact=False,
        )

    def to_json(self) -> dict:
        out = {
            "schema": SCHEMA_VERSION,
            "exact": self.exact,
            "H": np.asarray(self.H, dtype=np.float64).tolist(),
            "h": np.asarray(self.h, dtype=np.float64).tolist(),
            "c": float(self.c),
        }
        if self.exact:
            out["H_exact"] = [[str(v) for v in row] for row in self.H]
            out["h_exact"] = [str(v) for v in self.h]
            out["c_exact"] = str(self.c)
        return out

    @classmethod
    def from_json(cls, obj: dict) -> Quadratic:
        if obj.get("schema") != SCHEMA_VERSION:
            raise ValueError(f"quadratic JSON must have schema {SCHEMA_VERSION!r}, got {obj.get('schema')!r}")
        if obj.get("exact"):
            H = np.array([[Fraction(v) for v in row] for row in obj["H_exact"]], dtype=object)
            h = np.array([Fraction(v) for v in obj["h_exact"]], dtype=object)
            return cls(H=H, h=h, c=Fraction(obj["c_exact"]), exact=True)
        return cls(H=np.array(obj["H"]), h=np.array(obj["h"]), c=obj["c"], exact=False)
