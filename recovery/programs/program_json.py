"""The JSON form of a bilinear program (schema ``"lsahard.bilinear/1"``): writing, reading, validating."""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from recovery.programs.rows import BilinearObjective, BilinearRow, check_keys, read_triplets
from recovery.programs.values import Number, json_number, read_number

__all__ = ["SCHEMA", "program_to_json", "program_fields", "parse_json_text"]

SCHEMA = "lsahard.bilinear/1"


def program_to_json(program: Any) -> dict[str, Any]:
    """The JSON-compatible dict of a program.

    Parameters
    ----------
    program : BilinearProgram
        The program.

    Returns
    -------
    dict
        Keys ``schema``, ``d``, ``bounds`` (``{name: [lo, hi]}``), ``constraints``, ``objective``,
        and ``name`` / ``metadata`` when non-empty; Fractions as ``"p/q"`` strings.
    """
    out: dict[str, Any] = {
        "schema": SCHEMA,
        "d": program.d,
        "bounds": {
            n: [None if lo is None else json_number(lo), None if hi is None else json_number(hi)]
            for n, (lo, hi) in program.bounds.items()
        },
        "constraints": [r.to_json() for r in program.constraints],
        "objective": None if program.objective is None else program.objective.to_json(),
    }
    if program.name:
        out["name"] = program.name
    if program.metadata:
        out["metadata"] = dict(program.metadata)
    return out


def program_fields(obj: Mapping[str, Any]) -> dict[str, Any]:
    """The constructor arguments of a program, read and checked from its JSON object.

    Parameters
    ----------
    obj : Mapping[str, Any]
        A decoded ``"lsahard.bilinear/1"`` document; numbers may be ``"p/q"`` strings.

    Returns
    -------
    dict
        ``d``, ``constraints``, ``bounds``, ``objective``, ``name`` and ``metadata``.

    Raises
    ------
    TypeError
        When ``obj`` or one of its parts has the wrong JSON type.
    ValueError
        For another schema, missing or unknown keys, or invalid values.
    """
    if not isinstance(obj, Mapping):
        raise TypeError(f"program JSON must be an object, got {type(obj).__name__}")
    if obj.get("schema") != SCHEMA:
        raise ValueError(f"schema must be {SCHEMA!r}, got {obj.get('schema')!r}")
    check_keys(obj, {"schema", "d", "bounds", "constraints"}, {"objective", "name", "metadata"},
                "program")
    bounds_in = obj["bounds"]
    if not isinstance(bounds_in, Mapping):
        raise TypeError("program.bounds must be an object {name: [lo, hi]}")
    bounds: dict[str, tuple[Number | None, Number | None]] = {}
    for n, val in bounds_in.items():
        if not isinstance(val, list) or len(val) != 2:
            raise ValueError(f"bounds[{n!r}] must be [lo, hi], got {val!r}")
        lo, hi = (None if v is None else read_number(v, f"bounds[{n!r}]") for v in val)
        bounds[n] = (lo, hi)
    cons_in = obj["constraints"]
    if not isinstance(cons_in, list):
        raise TypeError("program.constraints must be a list")
    rows = []
    for r, c in enumerate(cons_in):
        where = f"constraints[{r}]"
        check_keys(c, {"j", "D", "sense", "rhs"}, set(), where)
        rows.append(BilinearRow(c["j"], tuple(read_triplets(c["D"], where)), c["sense"],
                                read_number(c["rhs"], f"{where}.rhs")))
    objective = None
    if obj.get("objective") is not None:
        o = obj["objective"]
        check_keys(o, {"j", "D"}, {"constant"}, "objective")
        objective = BilinearObjective(o["j"], tuple(read_triplets(o["D"], "objective")),
                                      read_number(o.get("constant", 0.0), "objective.constant"))
    return {"d": obj["d"], "constraints": tuple(rows), "bounds": bounds, "objective": objective,
            "name": obj.get("name", ""), "metadata": obj.get("metadata", {}) or {}}


def parse_json_text(text: str) -> Any:
    """Decode a program's JSON text, with one clear ValueError for every way it can fail.

    Parameters
    ----------
    text : str
        The document.

    Returns
    -------
    Any
        The decoded JSON value.

    Raises
    ------
    ValueError
        For invalid JSON, a number too long to read or nesting too deep.
    """
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"program is not valid JSON: {exc}") from None
    except ValueError as exc:  # a JSON integer of more than 4300 digits (Python's int(str) limit)
        raise ValueError(f"program: a number in the JSON text is too long to read ({exc})") from None
    except RecursionError:
        raise ValueError("program: the JSON text is nested too deeply to read") from None
    return obj
