"""Batch verification answers exactly as n single ProofVerify calls would.

A proof derived from a forged signature has a self-consistent challenge,
so only the pairing check can reject it: such proofs exercise the
bisection, while tampered proofs fail earlier, at their challenge.
"""

from __future__ import annotations

import random
import secrets
from functools import cache

import pytest

from realdid.crypto import bbs
from realdid.crypto._backend import G1, Scalar
from realdid.crypto.batch import BatchVerificationError, ProofToVerify, proof_verify_batch
from realdid.crypto.randomness import random_scalar_octets
from realdid.errors import RealDIDError

HEADER = b"schema:identity:v1"
MESSAGES = [b"name", b"id", b"birth", b"region", b"resident", b"valid"]
DISCLOSED = [3, 4]


@cache
def _issuers(count: int) -> tuple[tuple[bytes, bytes], ...]:
    out = []
    for _ in range(count):
        sk = bbs.key_gen(secrets.token_bytes(32))
        out.append((sk, bbs.sk_to_pk(sk)))
    return tuple(out)


def _good(issuer: int, issuers: int = 3) -> ProofToVerify:
    sk, pk = _issuers(issuers)[issuer]
    messages = [*MESSAGES[:-1], secrets.token_bytes(8)]
    signature = bbs.sign(sk, pk, HEADER, messages)
    ph = secrets.token_bytes(32)
    proof = bbs.proof_gen(pk, signature, HEADER, ph, messages, DISCLOSED)
    return ProofToVerify(pk, proof, HEADER, ph, [messages[i] for i in DISCLOSED], DISCLOSED)


def _forged(issuer: int = 0) -> ProofToVerify:
    """A proof of a signature the issuer never made: the challenge checks, the pairing not."""
    _, pk = _issuers(3)[issuer]
    fake = (G1() * Scalar(secrets.randbelow(2**200) + 1)).to_compressed_bytes()
    fake_signature = fake + random_scalar_octets()
    ph = secrets.token_bytes(32)
    proof = bbs.proof_gen(pk, fake_signature, HEADER, ph, MESSAGES, DISCLOSED)
    return ProofToVerify(pk, proof, HEADER, ph, [MESSAGES[i] for i in DISCLOSED], DISCLOSED)


def _single_verdicts(items: list[ProofToVerify]) -> list[int]:
    failed = []
    for i, it in enumerate(items):
        try:
            bbs.proof_verify(
                it.pk, it.proof, it.header, it.ph, it.disclosed_messages, it.disclosed_indexes
            )
        except RealDIDError:
            failed.append(i)
    return failed


def test_valid_batch_with_mixed_issuer_keys_verifies() -> None:
    items = [_good(i % 3) for i in range(12)]
    proof_verify_batch(items)


def test_empty_batch_verifies() -> None:
    proof_verify_batch([])


@pytest.mark.parametrize("position", [0, 5, 15])
def test_exactly_one_forged_proof_is_named(position: int) -> None:
    items = [_good(i % 3) for i in range(16)]
    items[position] = _forged(position % 3)
    with pytest.raises(BatchVerificationError) as info:
        proof_verify_batch(items)
    assert info.value.failed == (position,)
    assert _single_verdicts(items) == [position]


def test_several_bad_proofs_of_every_kind_are_all_named() -> None:
    rng = random.Random(7)  # positions only; not a secret
    items = [_good(i % 3) for i in range(20)]
    bad = sorted(rng.sample(range(20), 5))
    kinds = ["forged", "forged", "wrong-ph", "malformed", "bad-index"]
    for position, kind in zip(bad, kinds, strict=True):
        it = items[position]
        if kind == "forged":
            items[position] = _forged()
        elif kind == "wrong-ph":
            items[position] = ProofToVerify(
                it.pk, it.proof, it.header, b"other", it.disclosed_messages, it.disclosed_indexes
            )
        elif kind == "malformed":
            items[position] = ProofToVerify(it.pk, it.proof[:-1], it.header, it.ph)
        else:
            items[position] = ProofToVerify(
                it.pk, it.proof, it.header, it.ph, it.disclosed_messages, [4, 3]
            )
    with pytest.raises(BatchVerificationError) as info:
        proof_verify_batch(items)
    assert list(info.value.failed) == bad == _single_verdicts(items)


def test_all_forged_batch_names_every_proof() -> None:
    items = [_forged(i % 3) for i in range(6)]
    with pytest.raises(BatchVerificationError) as info:
        proof_verify_batch(items)
    assert info.value.failed == tuple(range(6))


def test_batch_error_is_a_verification_error() -> None:
    from realdid.errors import VerificationError

    assert issubclass(BatchVerificationError, VerificationError)


def test_an_iterator_of_items_is_accepted() -> None:
    items = [_good(0), _forged(1), _good(2)]
    with pytest.raises(BatchVerificationError) as info:
        proof_verify_batch(iter(items))
    assert info.value.failed == (1,)


def _count_combined_checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    from realdid.crypto import batch

    calls: list[int] = []
    real = batch._combined_check

    def counting(group: list[object]) -> bool:
        calls.append(len(group))
        return real(group)  # type: ignore[arg-type]

    monkeypatch.setattr(batch, "_combined_check", counting)
    return calls


def test_one_bad_proof_costs_at_most_two_checks_per_level(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count_combined_checks(monkeypatch)
    items = [_good(i % 3) for i in range(32)]
    items[19] = _forged()
    with pytest.raises(BatchVerificationError):
        proof_verify_batch(items)
    assert len(calls) <= 1 + 2 * 5  # the whole batch, then <= 2 per level of a 32-leaf tree


def test_many_bad_proofs_fall_back_to_single_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """An adversary who floods a batch with forged proofs cannot make bisection
    cost more than checking every proof alone (plus three combined checks)."""
    calls = _count_combined_checks(monkeypatch)
    items = [_forged(i % 3) for i in range(16)]
    with pytest.raises(BatchVerificationError) as info:
        proof_verify_batch(items)
    assert info.value.failed == tuple(range(16))
    assert len(calls) == 3  # whole batch, left half, right half; then one by one
