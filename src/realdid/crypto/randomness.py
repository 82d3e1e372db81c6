"""Random scalars: from the OS CSPRNG, or (tests only) the drafts' mocked stream.

draft-irtf-cfrg-bbs-signatures §4.2.1 (calculate_random_scalars) and
Appendix "Mocked Random Scalars" (seeded_random_scalars). Production code
never passes an :class:`UnsafeMockedRng`: it exists so the fixtures' proofs,
which were generated with a deterministic stream, can be reproduced byte for
byte. The name says what it is: one proof made with a known seed gives away
the signature it was derived from (A = Abar·(r1·r2)^-1), two give away the
hidden messages.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from realdid.crypto._backend import Scalar, scalar_from_wide
from realdid.crypto.suites import EXPAND_LEN, Ciphersuite

__all__ = ["UnsafeMockedRng", "calculate_random_scalars", "random_scalar", "random_scalar_octets"]


@dataclass(frozen=True, slots=True)
class UnsafeMockedRng:
    """TEST ONLY. seeded_random_scalars(seed, dst, count) in place of the CSPRNG.

    A proof or commitment made with it hides nothing: anyone who knows the
    seed recovers the signature and the hidden messages.
    """

    seed: bytes
    dst: bytes


def calculate_random_scalars(
    count: int, ciphersuite: Ciphersuite, unsafe_mocked_rng: UnsafeMockedRng | None = None
) -> list[Scalar]:
    """count uniform scalars: OS2IP(48 random bytes) mod r each (bias < 2^-128)."""
    if unsafe_mocked_rng is None:
        return [scalar_from_wide(secrets.token_bytes(EXPAND_LEN)) for _ in range(count)]
    # One expand_message call: at most 170 scalars (XMD) or 1365 (XOF); beyond
    # that expand_message itself refuses the length.
    out_len = EXPAND_LEN * count
    v = ciphersuite.expand_message(unsafe_mocked_rng.seed, unsafe_mocked_rng.dst, out_len)
    return [scalar_from_wide(v[i : i + EXPAND_LEN]) for i in range(0, out_len, EXPAND_LEN)]


def random_scalar() -> Scalar:
    """A fresh uniform non-zero scalar from the CSPRNG (masks, blinds, nonces)."""
    while True:
        s = scalar_from_wide(secrets.token_bytes(EXPAND_LEN))
        if not s.is_zero():
            return s


def random_scalar_octets() -> bytes:
    """:func:`random_scalar` as 32 bytes: for prover nyms, signer entropy, keys."""
    return random_scalar().to_be_bytes()
