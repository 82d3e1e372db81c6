"""GB 11643-1999 resident identity numbers and the synthetic population."""

from __future__ import annotations

import datetime

import pytest

from realdid.authority.population import (
    check_digit,
    generate,
    is_valid_resident_id,
    resident_id,
)
from realdid.errors import InvalidArgumentError


def test_the_standards_example_check_character() -> None:
    # GB 11643-1999's worked example: 11010519491231002 -> X
    assert check_digit("11010519491231002") == "X"
    assert is_valid_resident_id("11010519491231002X")
    assert not is_valid_resident_id("110105194912310021")


@pytest.mark.parametrize(
    "bad",
    ["", "1101051949123100", "11010519491331002X", "1101051949123100ZX", "\u0661" * 17 + "X"],
)
def test_malformed_numbers_are_not_valid(bad: str) -> None:
    assert not is_valid_resident_id(bad)


def test_generated_people_are_plausible_distinct_and_reproducible() -> None:
    today = datetime.date(2026, 11, 24)
    people = list(generate(500, today=today))
    assert people == list(generate(500, today=today))
    assert len({p.resident_id for p in people}) == 500
    for p in people:
        assert is_valid_resident_id(p.resident_id)
        assert p.resident_id[6:14] == p.birth_date.strftime("%Y%m%d")
        assert p.sex == ("M" if int(p.resident_id[16]) % 2 else "F")
        assert 0 <= (today - p.birth_date).days <= 90 * 365
    with pytest.raises(InvalidArgumentError):
        resident_id("999999", today, 1)
