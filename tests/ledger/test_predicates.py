"""Registered predicates: the registry refuses a malformed one, and the calendar
arithmetic of a bound relative to the request's day (docs/ledger.md)."""

from __future__ import annotations

import copy
import datetime
from typing import Any

import pytest
import rfc8785
from tools.ledger_world import T0, ledger_world

from realdid.errors import DecodeError, InvalidArgumentError, RealDIDError
from realdid.ledger.entries import EntryType, b64url
from realdid.ledger.identity import LedgerIdentity
from realdid.ledger.predicates import PredicateSpec, day_before, fixed_bounds
from realdid.ledger.registry import Registry

INTEGER_SCHEMA = "realdid:levels:v1"
ADULT: dict[str, Any] = {
    "id": "adult",
    "schema_id": "realdid:medical:v1",
    "attribute": "birth_date",
    "relation": "lte",
    "bound": {"kind": "before_day", "years": 18},
    "text": {"en": "You are 18 or older", "zh-CN": "您已年满18周岁"},
}
LEVEL: dict[str, Any] = {
    "id": "level",
    "schema_id": INTEGER_SCHEMA,
    "attribute": "level",
    "relation": "between",
    "bound": {"kind": "constant", "value": 3},
    "upper": {"kind": "constant", "value": 7},
    "text": {"en": "Your level is 3 to 7", "zh-CN": "您的等级在3到7之间"},
}


def _raw(who: LedgerIdentity, kind: EntryType, body: dict[str, Any], prev: int | None) -> bytes:
    """A signed entry exactly as given, without the signer's own checks (what a hostile
    or buggy writer could send)."""
    unsigned = {"v": 1, "type": kind.value, "author": who.did, "key": who.key_id, "time": T0,
                "prev": prev, "body": body}  # fmt: skip
    signature = who.private_key.sign(rfc8785.dumps(unsigned))
    return rfc8785.dumps({**unsigned, "sig": b64url(signature)})


@pytest.fixture
def registry() -> Registry:
    w = ledger_world()
    r = Registry()
    r.replay(list(w.setup))
    schema = {"schema_id": INTEGER_SCHEMA, "issuers": [w.hospital.did],
              "attributes": [{"name": "level", "kind": "integer"},
                             {"name": "note", "kind": "text"}]}  # fmt: skip
    r.apply(w.authority.sign(EntryType.SCHEMA, schema, T0))
    return r


def _registration(r: Registry, *predicates: dict[str, Any]) -> bytes:
    w = ledger_world()
    body = {"service": w.forum.did, "context_id": w.forum.did,
            "permissions": {"predicates": list(predicates)}}  # fmt: skip
    return _raw(w.authority, EntryType.SERVICE, body, r.latest_index(f"service:{w.forum.did}"))


def _with(base: dict[str, Any], **change: Any) -> dict[str, Any]:
    spec = copy.deepcopy(base)
    spec.update(change)
    return {k: v for k, v in spec.items() if v is not None}


REFUSED: list[tuple[str, list[dict[str, Any]], type[RealDIDError], str]] = [
    ("relation gt", [_with(ADULT, relation="gt")], DecodeError, "relation"),
    ("between without upper", [_with(ADULT, relation="between")], DecodeError, "upper"),
    ("lte with an upper", [_with(LEVEL, relation="lte")], DecodeError, "upper"),
    (
        "mixed interval",
        [
            _with(
                LEVEL,
                schema_id="realdid:medical:v1",
                attribute="birth_date",
                bound={"kind": "before_day", "years": 30},
                upper={"kind": "constant", "value": "2000-01-01"},
            )
        ],
        DecodeError,
        "both ends",
    ),
    (
        "unknown bound kind",
        [_with(ADULT, bound={"kind": "after_day", "years": 18})],
        DecodeError,
        "bound",
    ),
    (
        "negative offset",
        [_with(ADULT, bound={"kind": "before_day", "years": -18})],
        DecodeError,
        "bound",
    ),
    (
        "not a date",
        [_with(ADULT, bound={"kind": "constant", "value": "2008-02-30"})],
        DecodeError,
        "not a date",
    ),
    (
        "boolean bound",
        [_with(LEVEL, bound={"kind": "constant", "value": True})],
        DecodeError,
        "bound",
    ),
    ("no Chinese text", [_with(ADULT, text={"en": "You are 18 or older"})], DecodeError, "zh-CN"),
    ("empty text", [_with(ADULT, text={"en": "", "zh-CN": "x"})], DecodeError, "text"),
    ("duplicate id", [ADULT, _with(LEVEL, id="adult")], InvalidArgumentError, "id repeats"),
    (
        "unknown schema",
        [_with(ADULT, schema_id="realdid:nope:v1")],
        InvalidArgumentError,
        "unknown schema",
    ),
    (
        "attribute not in the schema",
        [_with(ADULT, attribute="level")],
        InvalidArgumentError,
        "has no level",
    ),
    (
        "text attribute",
        [_with(LEVEL, attribute="note")],
        InvalidArgumentError,
        "got a text attribute",
    ),
    (
        "integer bound on a date",
        [_with(ADULT, bound={"kind": "constant", "value": 2008})],
        InvalidArgumentError,
        "got integer bounds, want date bounds",
    ),
    (
        "date bound on an integer",
        [_with(LEVEL, bound={"kind": "before_day", "years": 1}, upper={"kind": "before_day"})],
        InvalidArgumentError,
        "got date bounds, want integer bounds",
    ),
    (
        "date constant on an integer",
        [
            _with(
                LEVEL, relation="gte", upper=None, bound={"kind": "constant", "value": "2000-01-01"}
            )
        ],
        InvalidArgumentError,
        "got date bounds, want integer bounds",
    ),
    (
        "empty interval",
        [_with(LEVEL, bound={"kind": "constant", "value": 8})],
        InvalidArgumentError,
        "empty",
    ),
]


@pytest.mark.parametrize(("predicates", "error", "reason"), [c[1:] for c in REFUSED],
                         ids=[c[0] for c in REFUSED])  # fmt: skip
def test_the_registry_refuses_a_malformed_predicate(
    registry: Registry, predicates: list[dict[str, Any]], error: type[RealDIDError], reason: str
) -> None:
    before = (registry.size, registry.state.root)
    with pytest.raises(error, match=reason):
        registry.apply(_registration(registry, *predicates))
    assert (registry.size, registry.state.root) == before
    # The same registration with the well-formed predicates is admitted.
    registry.apply(_registration(registry, ADULT, LEVEL))


def test_a_validity_predicate_is_the_systems_own(registry: Registry) -> None:
    w = ledger_world()
    schema = {"schema_id": "realdid:dated:v1", "issuers": [w.hospital.did],
              "attributes": [{"name": "valid_until", "kind": "date"}]}  # fmt: skip
    registry.apply(w.authority.sign(EntryType.SCHEMA, schema, T0))
    own = _with(ADULT, schema_id="realdid:dated:v1", attribute="valid_until")
    with pytest.raises(InvalidArgumentError, match="validity"):
        registry.apply(_registration(registry, own))


def test_an_id_keeps_its_meaning_and_only_its_text_may_change(registry: Registry) -> None:
    registry.apply(_registration(registry, ADULT))
    registry.apply(_registration(registry))  # dropped: the id is still taken
    moved = _with(ADULT, bound={"kind": "before_day", "years": 17, "months": 11})
    with pytest.raises(InvalidArgumentError, match="another meaning"):
        registry.apply(_registration(registry, moved))
    reworded = _with(ADULT, text={"en": "Adult", "zh-CN": "成年人"})
    registry.apply(_registration(registry, reworded))
    forum = ledger_world().forum.did
    assert registry.services[forum].permissions.predicates[0].text["zh-CN"] == "成年人"


@pytest.mark.parametrize(
    ("day", "offset", "want"),
    [
        # Birthdays: 18 years before the day is the same date; the day before the 18th
        # birthday is not yet 18.
        ("2026-11-24", (18, 0, 0), "2008-11-24"),
        ("2026-11-23", (18, 0, 0), "2008-11-23"),
        ("2026-01-01", (18, 0, 0), "2008-01-01"),
        ("2026-12-31", (18, 0, 0), "2008-12-31"),
        # 29 February: from a leap day to a common year, the month's last day (the 28th);
        # from a common year's 28 February or 1 March to a leap year, the same date.
        ("2024-02-29", (18, 0, 0), "2006-02-28"),
        ("2024-02-29", (16, 0, 0), "2008-02-29"),
        ("2026-02-28", (18, 0, 0), "2008-02-28"),
        ("2026-03-01", (18, 0, 0), "2008-03-01"),
        # Months: calendar months, clamped to the month's last day; then days.
        ("2026-03-31", (0, 1, 0), "2026-02-28"),
        ("2024-03-31", (0, 1, 0), "2024-02-29"),
        ("2026-05-31", (0, 1, 0), "2026-04-30"),
        ("2026-01-15", (0, 1, 0), "2025-12-15"),
        ("2026-03-31", (1, 13, 0), "2024-02-29"),
        ("2026-03-01", (0, 0, 1), "2026-02-28"),
        ("2024-03-01", (0, 0, 1), "2024-02-29"),
        ("2026-03-31", (0, 1, 1), "2026-02-27"),  # months first, then days
        ("2026-11-24", (0, 0, 0), "2026-11-24"),
    ],
)
def test_a_bound_relative_to_the_day(day: str, offset: tuple[int, int, int], want: str) -> None:
    years, months, days = offset
    got = day_before(datetime.date.fromisoformat(day), years=years, months=months, days=days)
    assert got.isoformat() == want


def test_a_born_on_29_february_is_18_on_1_march_of_a_common_year() -> None:
    spec = PredicateSpec.model_validate(ADULT)
    born = "2008-02-29"
    for day, adult in (("2026-02-28", False), ("2026-03-01", True), ("2028-02-29", True)):
        _, lte = fixed_bounds(spec, datetime.date.fromisoformat(day))
        assert isinstance(lte, str)
        assert (born <= lte) is adult, day
    with pytest.raises(InvalidArgumentError):
        day_before(datetime.date(5, 1, 1), years=10, months=0, days=0)
    with pytest.raises(InvalidArgumentError):
        day_before(datetime.date(1, 1, 5), years=0, months=0, days=10)
