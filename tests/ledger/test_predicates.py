"""Registered predicates: the registry refuses a malformed one, and the calendar
arithmetic of a bound relative to the request's day (docs/ledger.md)."""

from __future__ import annotations

import copy
import datetime
from typing import Any

import pytest
import rfc8785
from tools.ledger_world import T0, ledger_world

from realdid.crypto.range_proof import generate_range_params
from realdid.errors import DecodeError, InvalidArgumentError, RealDIDError
from realdid.ledger.entries import EntryType, b64url
from realdid.ledger.identity import LedgerIdentity
from realdid.ledger.predicates import (
    PLAUSIBLE_YEARS,
    RANGE_CAP,
    DayBound,
    PredicateSpec,
    day_before,
    fixed_bounds,
    max_span,
)
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
        "ends are -1 apart: want at least 1",
    ),
    # Exactness (docs/ledger.md §1): each end is proved as a difference in [0, 65536).
    (
        "one-sided integer gte",
        [_with(LEVEL, relation="gte", upper=None, bound={"kind": "constant", "value": 100000})],
        InvalidArgumentError,
        "one-sided constant bound: the range proof would also prove level < 165536",
    ),
    (
        "one-sided integer lte",
        [_with(LEVEL, relation="lte", upper=None, bound={"kind": "constant", "value": 10})],
        InvalidArgumentError,
        "would also prove level > -65526",
    ),
    (
        "one-sided date gte",
        [_with(ADULT, relation="gte", bound={"kind": "constant", "value": "2000-01-01"})],
        InvalidArgumentError,
        "prove birth_date < 2000-01-01 \\+65536 days",
    ),
    (
        "one-sided date lte",
        [_with(ADULT, bound={"kind": "constant", "value": "2000-01-01"})],
        InvalidArgumentError,
        "one-sided constant bound",
    ),
    (
        "integer interval of one value",
        [_with(LEVEL, upper={"kind": "constant", "value": 3})],
        InvalidArgumentError,
        "ends are 0 apart",
    ),
    (
        "integer interval as wide as the cap",
        [_with(LEVEL, upper={"kind": "constant", "value": 3 + 65536})],
        InvalidArgumentError,
        "ends are 65536 apart: .* below 65536",
    ),
    (
        "date interval as wide as the cap",
        [_with(LEVEL, schema_id="realdid:medical:v1", attribute="birth_date",
               bound={"kind": "constant", "value": "1850-01-01"},
               upper={"kind": "constant", "value": "2029-06-07"})],
        InvalidArgumentError,
        "ends are 65536 apart",
    ),
    (
        "date interval of one day",
        [_with(LEVEL, schema_id="realdid:medical:v1", attribute="birth_date",
               bound={"kind": "constant", "value": "2000-01-01"},
               upper={"kind": "constant", "value": "2000-01-01"})],
        InvalidArgumentError,
        "ends are 0 apart",
    ),
    (
        "relative lower end beyond the cap",
        [_with(ADULT, relation="gte", bound={"kind": "before_day", "days": 65533})],
        InvalidArgumentError,
        "spanning up to 65536 days: want fewer than 65536",
    ),
    (
        "relative upper end beyond the cap",
        [_with(ADULT, bound={"kind": "before_day", "years": 180})],
        InvalidArgumentError,
        "spanning up to 65883 days",
    ),
    (
        "relative ends with other months",  # the review's reproducer (F3)
        [_with(ADULT, relation="between", bound={"kind": "before_day", "years": 18, "months": 1},
               upper={"kind": "before_day", "years": 18, "days": 30})],
        InvalidArgumentError,
        "other years or months",
    ),
    (
        "relative ends with other years",
        [_with(ADULT, relation="between", bound={"kind": "before_day", "years": 26},
               upper={"kind": "before_day", "years": 18})],
        InvalidArgumentError,
        "other years or months",
    ),
    (
        "relative interval of one day",
        [_with(ADULT, relation="between", bound={"kind": "before_day", "years": 18, "days": 5},
               upper={"kind": "before_day", "years": 18, "days": 5})],
        InvalidArgumentError,
        "ends are 0 apart",
    ),
    (
        "relative interval reversed",
        [_with(ADULT, relation="between", bound={"kind": "before_day", "years": 18, "days": 3},
               upper={"kind": "before_day", "years": 18, "days": 5})],
        InvalidArgumentError,
        "ends are -2 apart",
    ),
]  # fmt: skip

ACCEPTED: list[tuple[str, dict[str, Any]]] = [
    ("integer interval two values wide", _with(LEVEL, upper={"kind": "constant", "value": 4})),
    ("integer interval just below the cap", _with(LEVEL, bound={"kind": "constant", "value": 0},
                                                  upper={"kind": "constant", "value": 65535})),
    ("date interval of two days", _with(LEVEL, schema_id="realdid:medical:v1",
                                        attribute="birth_date",
                                        bound={"kind": "constant", "value": "2000-01-01"},
                                        upper={"kind": "constant", "value": "2000-01-02"})),
    ("date interval just below the cap", _with(LEVEL, schema_id="realdid:medical:v1",
                                               attribute="birth_date",
                                               bound={"kind": "constant", "value": "1850-01-01"},
                                               upper={"kind": "constant", "value": "2029-06-06"})),
    ("relative lte", ADULT),
    ("relative gte", _with(ADULT, relation="gte")),
    ("relative lte at the day", _with(ADULT, bound={"kind": "before_day"})),
    ("relative 150 years", _with(ADULT, relation="gte", bound={"kind": "before_day",
                                                               "years": 150})),
    ("relative span just below the cap", _with(ADULT, relation="gte",
                                               bound={"kind": "before_day", "days": 65532})),
    ("relative interval of a month's days", _with(ADULT, relation="between",
        bound={"kind": "before_day", "years": 18, "months": 1, "days": 30},
        upper={"kind": "before_day", "years": 18, "months": 1})),
    ("relative interval two days wide", _with(ADULT, relation="between",
        bound={"kind": "before_day", "years": 18, "days": 1},
        upper={"kind": "before_day", "years": 18})),
]  # fmt: skip


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


@pytest.mark.parametrize("spec", [c[1] for c in ACCEPTED], ids=[c[0] for c in ACCEPTED])
def test_the_registry_admits_a_predicate_the_proof_answers_exactly(
    registry: Registry, spec: dict[str, Any]
) -> None:
    spec = {**spec, "id": "shape"}  # "adult" is registered already, as an lte
    registry.apply(_registration(registry, spec))
    forum = ledger_world().forum.did
    assert registry.services[forum].permissions.predicates[0] == PredicateSpec.model_validate(spec)


def _provable(spec: PredicateSpec, day: datetime.date, value: int | datetime.date) -> bool:
    """What the range proof proves: each end's difference in [0, RANGE_CAP)."""
    gte, lte = fixed_bounds(spec, day)

    def n(v: int | str | datetime.date) -> int:
        if isinstance(v, int):
            return v
        return (v if isinstance(v, datetime.date) else datetime.date.fromisoformat(v)).toordinal()

    return all(0 <= d < RANGE_CAP for d in (
        () if gte is None else (n(value) - n(gte),)) + (() if lte is None else (n(lte) - n(value),))
    )  # fmt: skip


def _holds(spec: PredicateSpec, day: datetime.date, value: int | datetime.date) -> bool:
    """What the predicate says."""
    gte, lte = fixed_bounds(spec, day)
    if isinstance(value, datetime.date):
        shown = value.isoformat()  # ISO dates sort as text
        return (gte is None or str(gte) <= shown) and (lte is None or shown <= str(lte))
    return (gte is None or int(gte) <= value) and (lte is None or value <= int(lte))


def _days() -> list[datetime.date]:
    """Days around month ends and leap days over a leap cycle, and every 11th day."""
    start = datetime.date(2024, 1, 1)
    every = [start + datetime.timedelta(days=k) for k in range(0, 4 * 366, 11)]
    edges = [datetime.date(y, m, d) for y in (2024, 2025, 2026, 2027, 2028)
             for m, d in ((2, 28), (3, 1), (3, 31), (4, 30), (12, 31))]  # fmt: skip
    return [*every, *edges, datetime.date(2024, 2, 29), datetime.date(2028, 2, 29)]


@pytest.mark.parametrize("spec", [c[1] for c in ACCEPTED], ids=[c[0] for c in ACCEPTED])
def test_an_admitted_predicate_is_proved_exactly_when_it_holds(spec: dict[str, Any]) -> None:
    """For every admitted shape, on days across a leap cycle, over the plausible values
    (dates within 150 years before the day; integers anywhere near the ends): the proof's
    differences lie in [0, 65536) exactly when the predicate holds."""
    predicate = PredicateSpec.model_validate(spec)
    for day in _days():
        gte, lte = fixed_bounds(predicate, day)
        if predicate.bound_kinds() == {"integer"}:
            ends = [int(v) for v in (gte, lte) if v is not None]
            steps = (-RANGE_CAP - 1, -RANGE_CAP, -2, -1, 0, 1, 2, RANGE_CAP)
            values: list[int | datetime.date] = [e + k for e in ends for k in steps]
        else:
            oldest = day_before(day, years=PLAUSIBLE_YEARS, months=0, days=0)
            ends_d = [datetime.date.fromisoformat(str(v)) for v in (gte, lte) if v is not None]
            values = [v for v in (oldest, day, *(e + datetime.timedelta(days=k) for e in ends_d
                                                 for k in (-1, 0, 1)))
                      if oldest <= v <= day]  # fmt: skip
        for value in values:
            assert _provable(predicate, day, value) == _holds(predicate, day, value), (day, value)


def test_a_refused_shape_is_proved_otherwise_than_it_reads() -> None:
    """Why the refusals (the review's reproducers): a one-sided integer bound proves an
    unstated cap and leaves a true predicate unprovable; a relative interval with months
    apart is empty on some days and a single day on others."""
    solvent = PredicateSpec.model_validate(
        _with(LEVEL, relation="gte", upper=None, bound={"kind": "constant", "value": 100000})
    )
    day = datetime.date(2026, 11, 24)
    assert _holds(solvent, day, 200000)
    assert not _provable(solvent, day, 200000)  # a true predicate, unprovable
    assert _provable(solvent, day, 165535)
    assert not _provable(solvent, day, 165536)  # the unstated cap
    month = PredicateSpec.model_validate(_with(ADULT, relation="between",
        bound={"kind": "before_day", "years": 18, "months": 1},
        upper={"kind": "before_day", "years": 18, "days": 30}))  # fmt: skip
    widths = set()
    for day in _days():
        low, high = fixed_bounds(month, day)
        start = datetime.date.fromisoformat(str(low))
        widths.add((datetime.date.fromisoformat(str(high)) - start).days)
    assert min(widths) < 0  # empty on some days
    assert 0 in widths  # a single day on others


def test_max_span_bounds_every_relative_bound() -> None:
    """day − day_before(day, Y, M, D) <= max_span on every day, month ends and leap days
    included, and reaches it within 3 days for one-month offsets (so the bound is tight)."""
    offsets = [(0, 1, 0), (0, 11, 0), (1, 0, 0), (18, 0, 0), (18, 1, 30), (150, 0, 0),
               (0, 0, 65532), (0, 25, 0), (179, 0, 0)]  # fmt: skip
    day = datetime.date(2023, 1, 1)
    while day.year < 2030:
        for years, months, days in offsets:
            bound = DayBound(kind="before_day", years=years, months=months, days=days)
            back = (day - day_before(day, years=years, months=months, days=days)).days
            assert back <= max_span(bound), (day, bound)
        day += datetime.timedelta(days=1)
    assert max_span(DayBound(kind="before_day", months=1)) == 34  # 31 + 3 (31 March → 28 Feb)
    assert (datetime.date(2026, 3, 31) - day_before(datetime.date(2026, 3, 31), years=0,
                                                    months=1, days=0)).days == 31  # fmt: skip


def test_an_epoch_must_cover_the_predicates_cap(registry: Registry) -> None:
    """Registered predicates are admitted as exact for [0, 65536): an epoch whose range
    parameters prove less is refused (16^3 = 4096), one with 256^2 admitted."""
    w = ledger_world()
    assert registry.epoch is not None
    number = registry.epoch.epoch + 1
    before = (registry.size, registry.state.root)
    for base, digits in ((16, 3), (2, 15)):
        small = {"epoch": number, "starts": "2026-12-01",
                 "range_params": b64url(generate_range_params(base, digits).encode())}  # fmt: skip
        entry = _raw(w.authority, EntryType.EPOCH, small, registry.latest_index("epoch"))
        with pytest.raises(InvalidArgumentError, match=f"prove \\[0, {base**digits}\\), want"):
            registry.apply(entry)
        assert (registry.size, registry.state.root) == before
    enough = {"epoch": number, "starts": "2026-12-01",
              "range_params": b64url(generate_range_params(256, 2).encode())}  # fmt: skip
    registry.apply(_raw(w.authority, EntryType.EPOCH, enough, registry.latest_index("epoch")))
    assert registry.epoch.epoch == number


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
