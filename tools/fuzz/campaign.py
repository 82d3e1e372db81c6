"""The campaign loop: draw an input, run it on a surface, classify the outcome."""

from __future__ import annotations

import hashlib
import random
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from realdid.errors import RealDIDError
from tools.fuzz.mutate import Mutator
from tools.fuzz.surfaces import Surface

__all__ = ["Finding", "Report", "draw", "run_campaign", "run_one"]


@dataclass(frozen=True)
class Finding:
    surface: str
    kind: str  # "escape" (an untyped exception) or "accepted" (invalid input passed)
    detail: str
    data: bytes

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()[:16]


@dataclass
class Report:
    per_surface: dict[str, dict[str, int]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def inputs(self) -> int:
        return sum(c["inputs"] for c in self.per_surface.values())


def draw(surface: Surface, mutator: Mutator) -> bytes:
    """One input for ``surface``: mostly a mutated seed, sometimes random bytes."""
    rng = mutator.rng
    seed = rng.choice(surface.seeds)
    roll = rng.random()
    if roll < 0.05:
        return mutator.random_bytes(2 * len(seed) + 64)
    if surface.kind == "json" and roll < 0.65:
        return mutator.mutate_json(seed, surface.seeds)
    if surface.kind == "lines" and roll < 0.65:
        return mutator.mutate_lines(seed, surface.seeds)
    return mutator.mutate_bytes(seed, surface.seeds)


def run_one(surface: Surface, data: bytes) -> tuple[str, Finding | None]:
    """Outcome of one input: rejected (typed), accepted, or a finding."""
    try:
        result = surface.run(data)
    except RealDIDError:
        return "rejected", None
    except Exception as exc:  # noqa: BLE001  (anything else is what we hunt)
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{Path(frame.filename).name}:{frame.lineno}"
        return "escape", Finding(surface.name, "escape", f"{type(exc).__name__} at {where}", data)
    if surface.legit is not None and not surface.legit(data, result):
        return "accepted", Finding(surface.name, "accepted", "an input unlike every seed verified",
                                   data)  # fmt: skip
    return "accepted", None


def run_campaign(
    surfaces: Sequence[Surface], total: int, seed: int, *, progress: bool = False
) -> Report:
    """``total`` inputs over ``surfaces`` in proportion to their weights, from ``seed``."""
    rng = random.Random(seed)  # noqa: S311  (repeatable inputs, not secrets)
    mutator = Mutator(rng)
    weights = [s.weight for s in surfaces]
    budget = [max(1, round(total * w / sum(weights))) for w in weights]
    report = Report({s.name: {"inputs": 0, "rejected": 0, "accepted": 0, "escape": 0,
                              "wrongly accepted": 0, "ms": 0} for s in surfaces})  # fmt: skip
    start = time.perf_counter()
    seen: set[tuple[str, str, str]] = set()
    for surface, count in zip(surfaces, budget, strict=True):
        counts = report.per_surface[surface.name]
        began = time.perf_counter()
        for _ in range(count):
            data = draw(surface, mutator)
            outcome, finding = run_one(surface, data)
            counts["inputs"] += 1
            counts[outcome] += 1
            if finding is not None:
                if finding.kind == "accepted":
                    counts["wrongly accepted"] += 1
                key = (finding.surface, finding.kind, finding.detail)
                if key not in seen:  # one reproducer per distinct failure
                    seen.add(key)
                    report.findings.append(finding)
        counts["ms"] = round(1000 * (time.perf_counter() - began))
        if progress:
            print(f"  {surface.name:28} {counts['inputs']:>8} inputs "
                  f"{counts['inputs'] / max(counts['ms'], 1) * 1000:>9.0f}/s "
                  f"accepted {counts['accepted'] - counts['wrongly accepted']:>6} "
                  f"escapes {counts['escape']:>5}  wrongly accepted {counts['wrongly accepted']}",
                  flush=True)  # fmt: skip
    report.seconds = time.perf_counter() - start
    return report
