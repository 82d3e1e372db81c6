"""A synthetic population for demos, tests and benchmarks: plausible people, no real ones.

Resident identity numbers follow GB 11643-1999: six digits of the region
(administrative division code), eight of the birth date (YYYYMMDD), a
three-digit sequence (odd for men, even for women), and a check character:
the weighted sum of the first 17 digits with weights 2^(17-i) mod 11, then
(12 - sum mod 11) mod 11, written 'X' for 10. Generated from a seed, so a
demo's population is the same every run.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from realdid.errors import InvalidArgumentError

__all__ = ["REGIONS", "Person", "check_digit", "generate", "is_valid_resident_id", "resident_id"]

_WEIGHTS: Final = tuple(pow(2, 17 - i, 11) for i in range(17))  # 7, 9, 10, 5, 8, 4, 2, 1, 6, ...
REGIONS: Final = {
    "110105": "Beijing Chaoyang",
    "310104": "Shanghai Xuhui",
    "440305": "Shenzhen Nanshan",
    "510107": "Chengdu Wuhou",
    "330106": "Hangzhou Xihu",
    "420106": "Wuhan Wuchang",
    "610113": "Xi'an Yanta",
    "320102": "Nanjing Xuanwu",
}
_SURNAMES: Final = tuple("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高")
_GIVEN: Final = (
    *"伟芳娜敏静丽强磊洋艳勇军杰娟涛明超华慧",
    *("秀英", "建国", "晓明", "思远", "雨桐", "子涵"),
)


def check_digit(first17: str) -> str:
    """GB 11643-1999's check character for the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise InvalidArgumentError("resident id: want 17 ASCII digits before the check")
    value = (12 - sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11) % 11
    return "X" if value == 10 else str(value)


def resident_id(region: str, birth: datetime.date, sequence: int) -> str:
    if region not in REGIONS or not 0 <= sequence <= 999:
        raise InvalidArgumentError("resident id: unknown region or sequence out of range")
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17)


def is_valid_resident_id(value: str) -> bool:
    """Shape, birth date and check character (not whether the person exists)."""
    if len(value) != 18 or not value[:17].isascii() or not value[:17].isdigit():
        return False
    try:
        datetime.datetime.strptime(value[6:14], "%Y%m%d")
    except ValueError:
        return False
    return check_digit(value[:17]) == value[17]


@dataclass(frozen=True, slots=True)
class Person:
    resident_id: str
    name: str
    birth_date: datetime.date
    sex: str  # "M" / "F", from the sequence's parity
    region: str
    nationality: str = "CN"


def generate(
    count: int, *, seed: int = 2026, today: datetime.date | None = None
) -> Iterator[Person]:
    """``count`` distinct people aged 0 to 90 on ``today``."""
    rng = random.Random(seed)  # noqa: S311  (reproducible synthetic data, not a secret)
    today = today or datetime.date(2026, 11, 24)
    seen: set[str] = set()
    while len(seen) < count:
        birth = today - datetime.timedelta(days=rng.randrange(0, 90 * 365))
        region = rng.choice(tuple(REGIONS))
        sequence = rng.randrange(0, 1000)
        rid = resident_id(region, birth, sequence)
        if rid in seen:
            continue
        seen.add(rid)
        sex = "M" if sequence % 2 else "F"
        name = rng.choice(_SURNAMES) + rng.choice(_GIVEN)
        yield Person(rid, name, birth, sex, REGIONS[region])
