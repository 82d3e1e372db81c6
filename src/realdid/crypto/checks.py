"""Checking many group equations at once: random linear combinations.

Proofs in commitment form leave the verifier with equations such as
``T1 − Bbar·c − Abar·e^ − D·r1^ = O`` (linear, in G1) and
``e(Abar, W)·e(−Bbar, BP2) = 1`` (pairing products). Each equation is
multiplied by its own secret random 128-bit weight and everything is summed:

* all linear equations become ONE multi-scalar multiplication that must be
  the identity (:class:`LinearCheck`);
* all pairing equations become ONE multi-pairing, after grouping the G1
  terms by the G2 point they pair with (:class:`PairingCheck`).

If any single equation fails, the sum vanishes for at most one value of its
weight given the others: error probability <= 2^-127 with odd weights from
[1, 2^128) (the small-exponents test; Bellare, Garay, Rabin 1998). This is
sound only for points in the prime-order subgroup: every decoded point is
checked before it gets here. Presentations are verified one at a time or in
batches with the same two objects; a batch just adds more equations.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from typing import TypeVar

from realdid.crypto._backend import G1, G1_IDENTITY, G2, Scalar, msm_g1, pairing_product_is_one

__all__ = ["LinearCheck", "PairingCheck", "find_failures", "random_weight"]

T = TypeVar("T")

_WEIGHT_BITS = 128


def random_weight() -> Scalar:
    """An odd (hence non-zero) uniform 128-bit weight from the CSPRNG."""
    return Scalar(secrets.randbits(_WEIGHT_BITS) | 1)


class LinearCheck:
    """Σ_equations ρ_eq · (Σ_terms scalar·point) = O, as one MSM."""

    def __init__(self) -> None:
        self._points: list[G1] = []
        self._scalars: list[Scalar] = []
        self.equations = 0

    def add(self, terms: Sequence[tuple[G1, Scalar]]) -> None:
        """Add one equation Σ scalar·point = O, with a fresh random weight."""
        rho = random_weight()
        for point, scalar in terms:
            self._points.append(point)
            self._scalars.append(scalar * rho)
        self.equations += 1

    def extend(self, other: LinearCheck) -> None:
        """Merge another check's (already weighted) equations into this one."""
        self._points += other._points
        self._scalars += other._scalars
        self.equations += other.equations

    def holds(self) -> bool:
        if not self._points:
            return True
        return msm_g1(self._points, self._scalars) == G1_IDENTITY


class PairingCheck:
    """Π_equations (Π e(Σ scalar·P, Q))^ρ_eq = 1, as one multi-pairing.

    G2 points are grouped by a caller-chosen key (for example the issuer's
    public key bytes), so n equations over k distinct G2 points cost k
    Miller loops and one final exponentiation.
    """

    def __init__(self) -> None:
        self._groups: dict[bytes, tuple[G2, list[G1], list[Scalar]]] = {}
        self.equations = 0

    def add(self, terms: Sequence[tuple[G1, Scalar, bytes, G2]]) -> None:
        """Add one equation Π e(scalar·P, Q) = 1; each term is (P, scalar, key of Q, Q)."""
        rho = random_weight()
        for point, scalar, key, q in terms:
            group = self._groups.get(key)
            if group is None:
                group = (q, [], [])
                self._groups[key] = group
            group[1].append(point)
            group[2].append(scalar * rho)
        self.equations += 1

    def extend(self, other: PairingCheck) -> None:
        for key, (q, points, scalars) in other._groups.items():
            group = self._groups.get(key)
            if group is None:
                self._groups[key] = (q, list(points), list(scalars))
            else:
                group[1].extend(points)
                group[2].extend(scalars)
        self.equations += other.equations

    def holds(self) -> bool:
        if not self._groups:
            return True
        g1s = [msm_g1(points, scalars) for _, points, scalars in self._groups.values()]
        g2s = [q for q, _, _ in self._groups.values()]
        return pairing_product_is_one(g1s, g2s)


def find_failures(
    batch: Sequence[T],
    holds: Callable[[Sequence[T]], bool],
    holds_alone: Callable[[T], bool] | None = None,
) -> list[T]:
    """The items of ``batch`` (whose combined check failed) that fail on their own.

    Bisect while exactly one half fails: one bad item among n costs at most
    2·log2(n) combined checks. As soon as both halves fail there are two or
    more bad items, and an adversary able to make items that fail only the
    final check could make bisection dearer than checking one by one; so that
    part is checked item by item. Worst case: n single checks plus O(log n)
    combined ones. ``holds_alone`` may be a cheaper check of one item.
    """
    alone = holds_alone if holds_alone is not None else (lambda item: holds([item]))
    if len(batch) <= 2:
        return [item for item in batch if not alone(item)]
    half = len(batch) // 2
    left, right = batch[:half], batch[half:]
    left_bad = not holds(left)
    right_bad = not holds(right) if left_bad else True
    if left_bad and right_bad:
        return [item for item in batch if not alone(item)]
    return find_failures(left if left_bad else right, holds, holds_alone)
