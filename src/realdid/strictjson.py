"""Strict JSON for everything RealDID reads from outside: I-JSON (RFC 7493) and a depth bound.

Python's ``json`` and pydantic's JSON mode both let the *last* of two equal
keys win, while other parsers keep the first: a signed or verified document
with ``"resident_id"`` twice means one thing here and another there. RFC 7493
§2.3 forbids duplicate names and RFC 8785 (which RealDID signs over) is defined
only on I-JSON, so every JSON text that crosses a trust boundary goes through
:func:`loads` (or :func:`check` before a pydantic ``model_validate_json``),
which refuses, with :class:`~realdid.errors.DecodeError`:

1. text that is not UTF-8 or not JSON;
2. an object with a repeated member name (RFC 7493 §2.3);
3. an integer outside ±(2^53 − 1) (RFC 7493 §2.2; RFC 8785 §3.2.2.3 cannot
   canonicalise it) — checked on the literal's length first, so a
   100,000-digit literal costs nothing and never reaches Python's
   integer-string limit;
4. ``NaN``, ``Infinity`` and ``-Infinity`` (not JSON, RFC 8259 §6), and a
   number such as ``1e400`` that no double holds (RFC 7493 §2.2);
5. nesting deeper than ``max_depth`` (default 64): deep documents otherwise
   end in ``RecursionError`` in the parser, in pydantic or in RFC 8785.

The depth is measured on the text before it is parsed, by a linear scan that
skips string contents, so no recursion ever starts on a hostile document.
"""

from __future__ import annotations

import json
import math
import re
from typing import Final, TypeVar

from pydantic import BaseModel, ValidationError

from realdid.errors import DecodeError

__all__ = ["MAX_DEPTH", "MAX_SAFE_INTEGER", "check", "loads", "validate_json"]

#: RFC 7493 §2.2: integers that every IEEE 754 double holds exactly.
MAX_SAFE_INTEGER: Final = 2**53 - 1
#: Deeper than any document RealDID writes (a DCQL query, a DID document, a VC).
MAX_DEPTH: Final = 64

_MAX_INT_DIGITS: Final = len(str(MAX_SAFE_INTEGER))
# Strings (with their escapes) or a structural bracket: everything else is skipped.
# An unterminated string runs to the end (the closing quote is optional), so
# the scan never backtracks: linear in the text whatever it holds.
_TOKENS: Final = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.DOTALL)

M = TypeVar("M", bound=BaseModel)


def _as_bytes(data: bytes | str, what: str) -> bytes:
    if isinstance(data, str):
        try:
            return data.encode("utf-8")
        except UnicodeEncodeError:
            raise DecodeError(f"{what}: not UTF-8 text") from None
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data)
    raise DecodeError(f"{what}: got {type(data).__name__}, want JSON text")


def _check_depth(octets: bytes, max_depth: int, what: str) -> None:
    depth = 0
    for match in _TOKENS.finditer(octets):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > max_depth:
                raise DecodeError(f"{what}: nested deeper than {max_depth} levels")
        elif token in (b"]", b"}"):
            depth -= 1


class _Hooks:
    """The parser's callbacks for one document, naming it in every error."""

    def __init__(self, what: str) -> None:
        self.what = what

    def object_pairs(self, pairs: list[tuple[str, object]]) -> dict[str, object]:
        out: dict[str, object] = {}
        for name, value in pairs:
            if name in out:
                raise DecodeError(f"{self.what}: member name {name[:40]!r} appears twice")
            out[name] = value
        return out

    def integer(self, literal: str) -> int:
        if len(literal.lstrip("-")) > _MAX_INT_DIGITS or abs(int(literal)) > MAX_SAFE_INTEGER:
            raise DecodeError(f"{self.what}: integer outside ±(2^53 − 1)")
        return int(literal)

    def number(self, literal: str) -> float:
        value = float(literal)
        if not math.isfinite(value):  # 1e400 reads as inf: not a number I-JSON can carry
            raise DecodeError(f"{self.what}: number out of range")
        return value

    def constant(self, name: str) -> object:
        raise DecodeError(f"{self.what}: {name} is not JSON")


def loads(data: bytes | str, *, what: str = "JSON", max_depth: int = MAX_DEPTH) -> object:
    """Parse I-JSON text with at most ``max_depth`` levels; see the module docstring.

    Returns plain Python values (dict, list, str, int, float, bool, None).
    Raises DecodeError, naming ``what``, for anything else.
    """
    octets = _as_bytes(data, what)
    _check_depth(octets, max_depth, what)
    try:
        text = octets.decode("utf-8")
    except UnicodeDecodeError:
        raise DecodeError(f"{what}: not UTF-8 text") from None
    try:
        hooks = _Hooks(what)
        return json.loads(
            text,
            object_pairs_hook=hooks.object_pairs,
            parse_int=hooks.integer,
            parse_float=hooks.number,
            parse_constant=hooks.constant,
        )
    except json.JSONDecodeError as exc:
        raise DecodeError(f"{what}: not JSON ({exc.msg} at {exc.pos})") from None
    except RecursionError:  # unreachable after the depth scan; kept as a guard
        raise DecodeError(f"{what}: nested too deeply") from None


def check(data: bytes | str, *, what: str = "JSON", max_depth: int = MAX_DEPTH) -> None:
    """Raise DecodeError unless ``data`` is strict JSON (for use before pydantic parses it)."""
    loads(data, what=what, max_depth=max_depth)


def validate_json(model: type[M], data: bytes | str, *, what: str | None = None) -> M:
    """``model.model_validate_json(data)`` after :func:`check`; errors become DecodeError.

    pydantic validates in JSON mode (as the document travelled), so field
    types behave as they do everywhere else; the strict pass only adds what
    pydantic lets through (duplicates, unsafe integers, depth).
    """
    name = what or model.__name__
    check(data, what=name)
    try:
        return model.model_validate_json(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        raise DecodeError(f"{name}: {where + ': ' if where else ''}{error['msg']}") from None
