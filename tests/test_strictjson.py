"""Strict JSON: every refusal typed, and what I-JSON allows still parses."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from realdid import strictjson
from realdid.errors import DecodeError


class _Doc(BaseModel):
    name: str
    n: int


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (b'{"a": 1, "a": 2}', "appears twice"),
        (b'{"x": {"a": 1, "b": 2, "a": 1}}', "appears twice"),
        (b'[{"k": 1, "k": 1}]', "appears twice"),
        (b'{"a": 9007199254740992}', "integer outside"),
        (b'{"a": -9007199254740992}', "integer outside"),
        (b'{"a": 1' + b"0" * 100_000 + b"}", "integer outside"),
        (b'{"a": NaN}', "NaN is not JSON"),
        (b"[Infinity]", "Infinity is not JSON"),
        (b"[-Infinity]", "-Infinity is not JSON"),
        (b"[1e400]", "number out of range"),
        (b"[-1.5e309]", "number out of range"),
        (b"[" * 65 + b"]" * 65, "nested deeper"),
        (b'{"a":' * 2000 + b"1" + b"}" * 2000, "nested deeper"),
        (b"[" * 100_000, "nested deeper"),
        (b"\xff\xfe", "not UTF-8"),
        (b'{"a": 1', "not JSON"),
        (b"", "not JSON"),
        (b'{"a": 1} x', "not JSON"),
    ],
)
def test_refused_with_a_typed_error(text: bytes, why: str) -> None:
    with pytest.raises(DecodeError, match=why):
        strictjson.loads(text)


def test_allowed_documents_parse() -> None:
    assert strictjson.loads(b'{"a": 9007199254740991, "b": -9007199254740991}') == {
        "a": 2**53 - 1,
        "b": -(2**53 - 1),
    }
    assert strictjson.loads("[" * 64 + "]" * 64) is not None
    # brackets and quotes inside strings are not structure
    assert strictjson.loads(b'{"s": "[[[[{{\\"]]"}') == {"s": '[[[[{{"]]'}
    assert strictjson.loads(b'{"a": 1.5, "b": [true, false, null]}') == {
        "a": 1.5,
        "b": [True, False, None],
    }


def test_depth_bound_is_a_parameter() -> None:
    strictjson.check(b"[[[]]]", max_depth=3)
    with pytest.raises(DecodeError):
        strictjson.check(b"[[[]]]", max_depth=2)


def test_unterminated_escaped_quotes_scan_in_linear_time() -> None:
    # Would be quadratic with a backtracking string pattern; here it is one pass.
    with pytest.raises(DecodeError):
        strictjson.loads(b'"' + b'\\"' * 200_000)


def test_not_text() -> None:
    with pytest.raises(DecodeError, match="want JSON text"):
        strictjson.loads(123)  # type: ignore[arg-type]


def test_validate_json_adds_the_strict_checks_to_pydantic() -> None:
    assert strictjson.validate_json(_Doc, b'{"name": "a", "n": 1}') == _Doc(name="a", n=1)
    with pytest.raises(DecodeError, match="appears twice"):
        strictjson.validate_json(_Doc, b'{"name": "a", "name": "b", "n": 1}')
    with pytest.raises(DecodeError, match="_Doc: n"):
        strictjson.validate_json(_Doc, b'{"name": "a", "n": "x"}')
