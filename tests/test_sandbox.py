"""The story's cast is aged as the story needs on whatever day it runs."""

from __future__ import annotations

import datetime

import pytest

from realdid.ledger.predicates import day_before
from realdid.sandbox import ALICE, BOB, CAROL, DAVE, cast

DAYS = [
    datetime.date(2026, 11, 24),
    datetime.date(2028, 2, 29),
    datetime.date(2028, 6, 1),
    datetime.date(2031, 1, 1),
    datetime.date(2040, 12, 31),
]


def _adult(born: datetime.date, day: datetime.date) -> bool:
    return born <= day_before(day, years=18, months=0, days=0)


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_ages_hold_for_the_whole_story(today: datetime.date) -> None:
    people = cast(today)
    for day in (today, today + datetime.timedelta(days=40)):  # the story spans 40 days
        assert _adult(people.alice.birth_date, day)
        assert not _adult(people.bob.birth_date, day)
        assert _adult(people.carol.birth_date, day)
        assert _adult(people.dave.birth_date, day)
    assert len({p.resident_id for p in people}) == 4


def test_the_story_tests_keep_their_fixed_cast() -> None:
    assert [p.birth_date.isoformat() for p in (ALICE, BOB, CAROL, DAVE)] == [
        "1990-03-07",
        "2010-06-01",
        "1985-01-09",
        "1970-08-15",
    ]
