"""Registered predicates: the only range questions a service may ask, fixed on the ledger.

A service registration lists each predicate it may ask, with its bound; a
request names the predicate by id and both wallet and verifier recompute the
bound from the registration and the request's day. A service therefore cannot
narrow a hidden value by asking with another bound each time (the German
eID's authorization certificates play the same part; docs/ledger.md §1)::

    {"id": "adult", "schema_id": "realdid:identity:v1", "attribute": "birth_date",
     "relation": "lte", "bound": {"kind": "before_day", "years": 18},
     "text": {"en": "You are 18 or older", "zh-CN": "您已年满18周岁"}}

Relations (``relation``; the range proof proves both ends, so an interval is
one predicate):

    gte       attribute >= bound
    lte       attribute <= bound
    between   bound <= attribute <= upper

Bounds (``bound`` and ``upper``):

    {"kind": "constant", "value": 1990}          an integer, for an integer attribute
    {"kind": "constant", "value": "2000-01-01"}  an ISO date, for a date attribute
    {"kind": "before_day", "years": Y, "months": M, "days": D}
                                                 a date, for a date attribute: the
                                                 request's day minus Y years, M months, D days

Calendar arithmetic of ``before_day`` (:func:`day_before`), in this order:

1. go back 12·Y + M calendar months, keeping the day of the month;
2. if that month has no such day (29 February in a common year, the 31st of a
   30-day month), take the month's last day;
3. go back D days.

So "born at least 18 years before the day" (``lte``, Y = 18) holds from the
18th birthday on; for someone born on 29 February, from 1 March in common
years (on 28 February the bound is the 28th, and the 29th is after it) and on
29 February in leap years. Step 2 is the month-end rule of German civil law
(BGB §188(3)); a rule counting from the day after the birthday adds D = 1.

Exactness (:func:`check_exact`). The range proof proves each end as a
difference in [0, u^ℓ) (CCS08, u = 256, ℓ = 2: :data:`RANGE_CAP` = 65 536), so
``credit_limit >= 100000`` would also prove ``credit_limit < 165536``, which the
predicate does not say, and a citizen with a larger limit could not prove a
true predicate (the refusal itself would tell the service). The registry
therefore admits only shapes the proof answers exactly as they read:

* a constant bound only in a ``between`` with both ends constant, and
  ``1 <= upper - bound < RANGE_CAP`` (in days for dates): then both
  differences lie in [0, RANGE_CAP) exactly when the predicate holds, for any
  value (so an integer attribute has only this shape);
* a relative bound (dates) spanning fewer than RANGE_CAP days on every day
  (:func:`max_span`), under the assumption that a date attribute lies within
  :data:`PLAUSIBLE_YEARS` = 150 years before the request's day (a birth date,
  an issue date): the lower end's difference is at most its span, the upper
  end's at most 150 years (54 903 days), both below the cap;
* the ends of a relative ``between`` with the same ``years`` and ``months``,
  ``days`` larger on the lower end: its width is then ``days`` apart on every
  day (with months apart it moves with the calendar — empty on some days, a
  single day on others), and at least one day, so it never pins one date.

The semantic part of a predicate (everything but ``text``) is fixed for ever
for its service and id: the registry refuses a re-registration that changes
it, so an old presentation is reviewed against the bound it was made for.
"""

from __future__ import annotations

import calendar
import datetime
from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from realdid.errors import InvalidArgumentError

__all__ = [
    "LANGUAGES",
    "MAX_PREDICATES",
    "PLAUSIBLE_YEARS",
    "RANGE_CAP",
    "ConstantBound",
    "DayBound",
    "PredicateSpec",
    "check_exact",
    "day_before",
    "fixed_bounds",
    "max_span",
]

#: The languages every consent text is written in (the citizens read Chinese).
LANGUAGES: Final = ("en", "zh-CN")
MAX_PREDICATES: Final = 16
_NAME = r"^[A-Za-z0-9._:/#-]{1,128}$"
_SAFE: Final = 2**53 - 1  # RFC 8785 / I-JSON integers
#: Each end of a range is proved as a difference in [0, RANGE_CAP): u^ℓ of the CCS08
#: digit signatures every epoch carries (u = 256, ℓ = 2; the registry refuses fewer).
RANGE_CAP: Final = 256**2
#: The assumption behind relative bounds: a date attribute lies within this many years
#: before the request's day (docs/ledger.md §1).
PLAUSIBLE_YEARS: Final = 150


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class ConstantBound(_Strict):
    """A fixed bound: an integer (integer attribute) or an ISO date (date attribute)."""

    kind: Literal["constant"]
    value: (
        Annotated[int, Field(ge=-_SAFE, le=_SAFE)]
        | Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    )

    @model_validator(mode="after")
    def _date(self) -> ConstantBound:
        if isinstance(self.value, str):
            try:
                datetime.date.fromisoformat(self.value)
            except ValueError:
                raise ValueError(f"bound: {self.value} is not a date") from None
        return self


class DayBound(_Strict):
    """A date ``years``, ``months`` and ``days`` before the request's day (date attributes)."""

    kind: Literal["before_day"]
    years: Annotated[int, Field(ge=0, le=200)] = 0
    months: Annotated[int, Field(ge=0, le=2400)] = 0
    days: Annotated[int, Field(ge=0, le=73_000)] = 0


Bound = Annotated[ConstantBound | DayBound, Field(discriminator="kind")]
Text = Annotated[str, Field(min_length=1, max_length=200)]
Language = Literal["en", "zh-CN"]


class PredicateSpec(_Strict):
    """One predicate a service may ask: attribute, relation and bound, fixed here."""

    id: Annotated[str, Field(pattern=_NAME)]
    schema_id: Annotated[str, Field(pattern=_NAME)]
    attribute: Annotated[str, Field(pattern=_NAME)]
    relation: Literal["gte", "lte", "between"]
    bound: Bound
    upper: Bound | None = None
    #: What the consent screen says the citizen proves, in each of :data:`LANGUAGES`.
    text: dict[Language, Text]

    @model_validator(mode="after")
    def _shape(self) -> PredicateSpec:
        if set(self.text) != set(LANGUAGES):
            raise ValueError(f"predicate: want a text in each of {', '.join(LANGUAGES)}")
        if (self.relation == "between") != (self.upper is not None):
            raise ValueError("predicate: an upper bound with relation between, and only then")
        if self.upper is not None and isinstance(self.bound, ConstantBound) != isinstance(
            self.upper, ConstantBound
        ):
            raise ValueError("predicate: both ends of an interval constant, or both relative")
        return self

    def semantics(self) -> tuple[object, ...]:
        """Everything but the text: what may never change for this service and id."""
        return (self.schema_id, self.attribute, self.relation, self.bound, self.upper)

    def consent_text(self, language: str) -> str:
        """The registration's words for this predicate, in ``language``."""
        if language not in LANGUAGES:
            raise InvalidArgumentError(f"language: got {language!r}, want one of {LANGUAGES}")
        return self.text[language]  # type: ignore[index]

    def bound_kinds(self) -> set[str]:
        """ "integer" and/or "date": the attribute kinds the bounds fit."""
        kinds = set()
        for bound in (self.bound, self.upper):
            if isinstance(bound, DayBound):
                kinds.add("date")
            elif isinstance(bound, ConstantBound):
                kinds.add("integer" if isinstance(bound.value, int) else "date")
        return kinds


def day_before(day: datetime.date, *, years: int, months: int, days: int) -> datetime.date:
    """``day`` minus ``years``, ``months`` and ``days`` (the module docstring's three steps).

    Raises InvalidArgumentError if the result is before 0001-01-01.
    """
    if min(years, months, days) < 0:
        raise InvalidArgumentError("day_before: offsets are not negative")
    total = day.year * 12 + (day.month - 1) - (years * 12 + months)
    year, month = divmod(total, 12)
    if year < datetime.MINYEAR:
        raise InvalidArgumentError(f"day_before: {day} minus the offset is before year 1")
    month += 1
    last = calendar.monthrange(year, month)[1]
    result = datetime.date(year, month, min(day.day, last))
    try:
        return result - datetime.timedelta(days=days)
    except OverflowError:
        raise InvalidArgumentError(f"day_before: {day} minus the offset is before year 1") from None


def _value(bound: ConstantBound | DayBound, day: datetime.date) -> int | str:
    if isinstance(bound, ConstantBound):
        return bound.value
    return day_before(day, years=bound.years, months=bound.months, days=bound.days).isoformat()


def fixed_bounds(
    spec: PredicateSpec, day: datetime.date
) -> tuple[int | str | None, int | str | None]:
    """(gte, lte) of ``spec`` on the request's ``day``, as a request carries them
    (integers, or dates as ISO strings); None where the relation has no such end."""
    if spec.relation == "gte":
        return _value(spec.bound, day), None
    if spec.relation == "lte":
        return None, _value(spec.bound, day)
    assert spec.upper is not None  # checked on decoding
    return _value(spec.bound, day), _value(spec.upper, day)


def max_span(bound: DayBound) -> int:
    """More days than ``day - day_before(day, ...)`` on any day: 366·Y + 31·M + 3 + D.

    Going back 12·Y + M months keeping the day of the month crosses Y·12 + M
    months, any twelve consecutive ones 365 or 366 days, any one at most 31;
    the month-end clamp (step 2) goes back at most 3 days more (31st → 28th).
    """
    return 366 * bound.years + 31 * bound.months + 3 + bound.days


def _width(spec: PredicateSpec) -> int:
    """upper − bound of a ``between``: integers, or days between dates (constant ends);
    the ``days`` apart of relative ends with equal years and months."""
    low, high = spec.bound, spec.upper
    if isinstance(low, ConstantBound) and isinstance(high, ConstantBound):
        if isinstance(low.value, int) and isinstance(high.value, int):
            return high.value - low.value
        start = datetime.date.fromisoformat(str(low.value))
        return (datetime.date.fromisoformat(str(high.value)) - start).days
    assert isinstance(low, DayBound)  # both ends relative: checked on decoding
    assert isinstance(high, DayBound)
    return low.days - high.days


def check_exact(spec: PredicateSpec) -> None:
    """Refuse (InvalidArgumentError, saying why) a predicate the range proof would not
    answer exactly as it reads: the module docstring's three rules. Requires the bounds
    to be of the attribute's kind (the registry checks that first)."""
    cap = RANGE_CAP
    if isinstance(spec.bound, ConstantBound) and spec.relation != "between":
        value, sign = spec.bound.value, 1 if spec.relation == "gte" else -1
        far = value + sign * cap if isinstance(value, int) else f"{value} {sign * cap:+} days"
        raise InvalidArgumentError(
            f"a one-sided constant bound: the range proof would also prove {spec.attribute}"
            f" {'<' if sign > 0 else '>'} {far}, which the predicate does not state (and"
            f" fail for a value beyond it); want a between with constant ends less than"
            f" {cap} apart"
        )
    for end in (spec.bound, spec.upper):
        if isinstance(end, DayBound) and max_span(end) >= cap:
            raise InvalidArgumentError(
                f"a relative bound spanning up to {max_span(end)} days: want fewer than {cap}"
                f" (dates within {PLAUSIBLE_YEARS} years before the day stay provable)"
            )
    if spec.relation != "between":
        return
    low, high = spec.bound, spec.upper
    if (
        isinstance(low, DayBound)
        and isinstance(high, DayBound)
        and (low.years, low.months) != (high.years, high.months)
    ):
        raise InvalidArgumentError(
            "relative ends with other years or months: the interval's width would move"
            " with the calendar (empty on some days, one day on others); want the same"
            " years and months, the ends differing in days only"
        )
    width = _width(spec)
    if not 1 <= width < cap:
        raise InvalidArgumentError(
            f"the interval's ends are {width} apart: want at least 1 (an empty interval asks"
            f" nothing, a single value pins it) and below {cap} (the range proof's cap)"
        )
