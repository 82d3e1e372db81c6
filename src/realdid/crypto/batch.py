"""Batch verification of BBS proofs: n proofs, one multi-pairing.

Each proof's challenge is recomputed as in ProofVerify (that part cannot be
shared: the Fiat-Shamir hash needs each proof's own T1 and T2). What can be
shared is the pairing check e(Abar_i, W_i)·e(Bbar_i, −BP2) = 1. With random
128-bit weights ρ_i, the n checks hold together, except with probability
at most 2^-127, iff

    Π_W e(Σ_{i: W_i = W} ρ_i·Abar_i, W) · e(−Σ_i ρ_i·Bbar_i, BP2) = 1,

one multi-pairing over (number of distinct issuer keys + 1) pairs and two
multi-scalar multiplications. Soundness is the small-exponents test: every
point was checked to lie in its prime-order subgroup and GT has prime order
r, so if any single check fails, the combination holds for at most one
value of that proof's weight given the others: probability <= 2^-127 with
odd weights drawn from [1, 2^128).

When the combined check fails, bisection finds the bad proofs: a failing
set is split in halves and each half checked (if the left half passes, the
right one is known to fail). When both halves fail, that part is checked
proof by proof, which bounds the cost an adversary can force. The answer is
always the same as n single ProofVerify calls.

No IETF draft defines batch verification; it is RealDID's, built only from
the draft's ProofVerify and the standard small-exponent batching technique
(Bellare, Garay, Rabin, "Fast batch verification", EUROCRYPT 1998).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from realdid.crypto._backend import (
    BP2,
    G1,
    G2,
    Scalar,
    as_octets,
    msm_g1,
    pairing_product_is_one,
)
from realdid.crypto._core import Api, proof_verify_challenge
from realdid.crypto.bbs import prepare_proof_verify
from realdid.crypto.checks import find_failures
from realdid.crypto.suites import BLS12_381_SHA_256, Ciphersuite
from realdid.errors import RealDIDError, VerificationError

__all__ = ["BatchVerificationError", "ProofToVerify", "proof_verify_batch"]

_WEIGHT_BITS = 128


@dataclass(frozen=True, slots=True)
class ProofToVerify:
    """The arguments of one ProofVerify call, in the draft's order."""

    pk: bytes
    proof: bytes
    header: bytes = b""
    ph: bytes = b""
    disclosed_messages: Sequence[bytes] = ()
    disclosed_indexes: Sequence[int] = ()


class BatchVerificationError(VerificationError):
    """Some proofs of a batch did not verify; ``failed`` lists their positions."""

    def __init__(self, failed: Sequence[int], total: int) -> None:
        self.failed = tuple(failed)
        super().__init__(f"{len(self.failed)} of {total} proofs do not verify: {list(self.failed)}")


@dataclass(frozen=True, slots=True)
class _Pending:
    index: int
    pk: bytes
    W: G2
    Abar: G1
    Bbar: G1
    weight: Scalar


def _challenge_check(item: ProofToVerify, api: Api) -> tuple[G1, G1, G2]:
    """ProofVerify (§3.5.4, §3.6.4) without its pairing check: (Abar, Bbar, W)."""
    decoded, generators, scalars, indexes = prepare_proof_verify(
        item.proof, item.disclosed_messages, item.disclosed_indexes, api
    )
    W = proof_verify_challenge(
        as_octets(item.pk, "pk"),
        decoded,
        generators,
        as_octets(item.header, "header"),
        as_octets(item.ph, "ph"),
        scalars,
        indexes,
        api,
    )
    return decoded.Abar, decoded.Bbar, W


def _combined_check(batch: Sequence[_Pending]) -> bool:
    """Π_W e(Σ ρ_i·Abar_i, W) · e(−Σ ρ_i·Bbar_i, BP2) = 1 for the proofs in ``batch``."""
    by_key: dict[bytes, list[_Pending]] = {}
    for p in batch:
        by_key.setdefault(p.pk, []).append(p)
    g1s = [msm_g1([p.Abar for p in group], [p.weight for p in group]) for group in by_key.values()]
    g2s = [group[0].W for group in by_key.values()]
    g1s.append(-msm_g1([p.Bbar for p in batch], [p.weight for p in batch]))
    g2s.append(BP2)
    return pairing_product_is_one(g1s, g2s)


def _single_check(p: _Pending) -> bool:
    return pairing_product_is_one((p.Abar, -p.Bbar), (p.W, BP2))


def proof_verify_batch(
    items: Iterable[ProofToVerify], *, ciphersuite: Ciphersuite = BLS12_381_SHA_256
) -> None:
    """Verify many core BBS proofs at once (keys may differ). Returns None if all verify.

    Raises BatchVerificationError whose ``failed`` names exactly the proofs a
    single ProofVerify would reject (malformed ones included).
    """
    api = Api(ciphersuite, ciphersuite.core_api_id)
    items = list(items)
    failed: list[int] = []
    pending: list[_Pending] = []
    for index, item in enumerate(items):
        try:
            Abar, Bbar, W = _challenge_check(item, api)
        except RealDIDError:
            failed.append(index)
            continue
        weight = Scalar(secrets.randbits(_WEIGHT_BITS) | 1)
        pending.append(_Pending(index, as_octets(item.pk, "pk"), W, Abar, Bbar, weight))
    if pending and not _combined_check(pending):
        failed += [p.index for p in find_failures(pending, _combined_check, _single_check)]
    if failed:
        raise BatchVerificationError(sorted(failed), len(items))
