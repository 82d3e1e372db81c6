"""Named, nothing-up-my-sleeve generators of G1 for RealDID's own relations.

Escrow (ElGamal/TDH2), the trustees' Pedersen commitments and other
relations need generators whose discrete logarithms relative to each other
nobody knows. Each is hash_to_curve (RFC 9380, BLS12381G1_XMD:SHA-256_SSWU_RO_)
of its name under RealDID's own DST, so anyone can recompute and check them.
"""

from __future__ import annotations

from functools import cache
from typing import Final

from realdid.crypto._backend import BP1, G1
from realdid.crypto.hashing import hash_to_curve_g1_xmd

__all__ = [
    "GENERATOR_DST",
    "dkg_pedersen_h",
    "escrow_base",
    "escrow_message_base",
    "escrow_tdh2_base",
    "named_generator",
]

GENERATOR_DST: Final = b"REALDID-V1-G1-GENERATOR_XMD:SHA-256_SSWU_RO_"


@cache
def named_generator(name: str) -> G1:
    """hash_to_curve_g1(UTF-8 name, GENERATOR_DST)."""
    return hash_to_curve_g1_xmd(name.encode(), GENERATOR_DST)


def escrow_base() -> G1:
    """G: the base of the trustees' keys and of ElGamal's U = r·G (the curve's BP1)."""
    return BP1


def escrow_tdh2_base() -> G1:
    """Ĝ: TDH2's second base (Û = r·Ĝ); its log to G is unknown."""
    return named_generator("realdid/escrow/tdh2-base")


def escrow_message_base() -> G1:
    """Q_esc: escrowed plaintexts are handle·Q_esc."""
    return named_generator("realdid/escrow/message-base")


def dkg_pedersen_h() -> G1:
    """H: the second base of the DKG's Pedersen commitments a·G + b·H."""
    return named_generator("realdid/dkg/pedersen-h")
