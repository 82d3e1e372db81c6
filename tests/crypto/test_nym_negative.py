"""Must-fail cases for pseudonyms (the draft ships none): each input tampered in turn.

Pseudonym, context id, nym count, L, header, presentation header, disclosed
messages and indexes, signer entropy, prover nyms, prover blind: each
changed alone makes issuance or verification fail. Also the properties the
pseudonym exists for: stable per context, different across contexts, and
not transferable from one context to another.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace

import pytest

from realdid.crypto import bbs, nym
from realdid.crypto._backend import G1, Scalar
from realdid.crypto.randomness import random_scalar_octets
from realdid.errors import InvalidArgumentError, VerificationError

REJECTED = (VerificationError, InvalidArgumentError)
N = 3  # a vector of nym secrets, so that every position is exercised


@dataclass(frozen=True)
class Holder:
    sk: bytes
    pk: bytes
    header: bytes
    messages: tuple[bytes, ...]
    committed: tuple[bytes, ...]
    prover_nyms: tuple[bytes, ...]
    entropy: bytes
    commitment: bytes
    prover_blind: bytes
    signature: bytes
    nym_secrets: tuple[bytes, ...]


@pytest.fixture(scope="module")
def holder() -> Holder:
    sk = bbs.key_gen(secrets.token_bytes(32))
    pk = bbs.sk_to_pk(sk)
    committed = (b"holder secret",)
    prover_nyms = tuple(random_scalar_octets() for _ in range(N))
    commitment, prover_blind = nym.commit_with_nym(committed, prover_nyms)
    entropy = random_scalar_octets()
    header, messages = b"identity:v1", (b"name", b"region", b"adult", b"resident")
    signature = nym.blind_sign_with_nym(sk, pk, commitment, N, entropy, header, messages)
    nym_secrets = nym.verify_finalize_with_nym(
        pk, signature, header, messages, committed, prover_nyms, entropy, prover_blind
    )
    return Holder(
        sk, pk, header, messages, committed, prover_nyms, entropy, commitment, prover_blind,
        signature, tuple(nym_secrets),
    )  # fmt: skip


# ----------------------------------------------------------------- issuance


def test_signer_refuses_a_nym_count_larger_than_the_commitment(holder: Holder) -> None:
    with pytest.raises(InvalidArgumentError):
        nym.blind_sign_with_nym(
            holder.sk, holder.pk, holder.commitment, N + 2, holder.entropy, holder.header,
            holder.messages,
        )  # fmt: skip


@pytest.mark.parametrize("n", [0, -1])
def test_signer_refuses_a_non_positive_nym_count(holder: Holder, n: int) -> None:
    with pytest.raises(InvalidArgumentError):
        nym.blind_sign_with_nym(holder.sk, holder.pk, holder.commitment, n, holder.entropy)


def test_signer_refuses_a_tampered_nym_commitment(holder: Holder) -> None:
    bad = holder.commitment[:60] + bytes([holder.commitment[60] ^ 1]) + holder.commitment[61:]
    with pytest.raises(VerificationError):
        nym.blind_sign_with_nym(holder.sk, holder.pk, bad, N, holder.entropy)


@dataclass(frozen=True)
class FinalizeArgs:
    signature: bytes
    header: bytes
    messages: tuple[bytes, ...]
    committed: tuple[bytes, ...]
    prover_nyms: tuple[bytes, ...]
    entropy: bytes
    prover_blind: bytes | None


FINALIZE_TAMPERS: dict[str, Callable[[FinalizeArgs], FinalizeArgs]] = {
    "entropy": lambda a: replace(a, entropy=random_scalar_octets()),
    "prover_nyms[0]": lambda a: replace(
        a, prover_nyms=(random_scalar_octets(), *a.prover_nyms[1:])
    ),
    "prover_nyms[last]": lambda a: replace(
        a, prover_nyms=(*a.prover_nyms[:-1], random_scalar_octets())
    ),
    "nym-count-minus-one": lambda a: replace(a, prover_nyms=a.prover_nyms[:-1]),
    "nym-count-plus-one": lambda a: replace(
        a, prover_nyms=(*a.prover_nyms, random_scalar_octets())
    ),
    "prover_blind": lambda a: replace(a, prover_blind=random_scalar_octets()),
    "committed": lambda a: replace(a, committed=(b"other",)),
    "header": lambda a: replace(a, header=a.header + b"\x00"),
    "message": lambda a: replace(a, messages=(b"x", *a.messages[1:])),
}


@pytest.mark.parametrize("part", sorted(FINALIZE_TAMPERS))
def test_verify_finalize_rejects_each_tampered_input(holder: Holder, part: str) -> None:
    a = FINALIZE_TAMPERS[part](
        FinalizeArgs(
            holder.signature,
            holder.header,
            holder.messages,
            holder.committed,
            holder.prover_nyms,
            holder.entropy,
            holder.prover_blind,
        )
    )
    with pytest.raises(VerificationError):
        nym.verify_finalize_with_nym(
            holder.pk, a.signature, a.header, a.messages, a.committed, a.prover_nyms, a.entropy,
            a.prover_blind,
        )  # fmt: skip


# ----------------------------------------------------------------- presentations

CONTEXT_A = b"did:realdid:svc:forum-a"
CONTEXT_B = b"did:realdid:svc:forum-b"


@dataclass(frozen=True)
class Presented:
    pk: bytes
    proof: bytes
    header: bytes
    ph: bytes
    pseudonym: bytes
    context_id: bytes
    n: int
    L: int
    disclosed_messages: tuple[bytes, ...]
    disclosed_committed: tuple[bytes, ...]
    disclosed_indexes: tuple[int, ...]
    disclosed_committed_indexes: tuple[int, ...]

    def verify(self) -> None:
        nym.proof_verify_with_nym(
            self.pk, self.proof, self.header, self.ph, self.pseudonym, self.context_id, self.n,
            self.L, self.disclosed_messages, self.disclosed_committed, self.disclosed_indexes,
            self.disclosed_committed_indexes,
        )  # fmt: skip


def _present(holder: Holder, context_id: bytes, ph: bytes, disclosed: tuple[int, ...]) -> Presented:
    proof, pseudonym = nym.proof_gen_with_nym(
        holder.pk, holder.signature, holder.header, ph, holder.nym_secrets, context_id,
        holder.messages, holder.committed, disclosed, (), holder.prover_blind,
    )  # fmt: skip
    return Presented(
        holder.pk, proof, holder.header, ph, pseudonym, context_id, N, len(holder.messages),
        tuple(holder.messages[i] for i in disclosed), (), disclosed, (),
    )  # fmt: skip


@pytest.fixture(scope="module")
def presented(holder: Holder) -> Presented:
    return _present(holder, CONTEXT_A, secrets.token_bytes(32), (2, 3))


def _other_point() -> bytes:
    return (G1() * Scalar(98765)).to_compressed_bytes()


def _splice(octets: bytes, start: int, value: bytes) -> bytes:
    return octets[:start] + value + octets[start + len(value) :]


PRESENTATION_TAMPERS: dict[str, Callable[[Presented], Presented]] = {
    "pseudonym-other-point": lambda p: replace(p, pseudonym=_other_point()),
    "context_id": lambda p: replace(p, context_id=CONTEXT_B),
    "context_id-empty": lambda p: replace(p, context_id=b""),
    "nym-count-minus-one": lambda p: replace(p, n=N - 1),
    "nym-count-plus-one": lambda p: replace(p, n=N + 1),
    "L-plus-one": lambda p: replace(p, L=p.L + 1),
    "L-minus-one": lambda p: replace(p, L=p.L - 1),
    "header": lambda p: replace(p, header=b"identity:v2"),
    "ph": lambda p: replace(p, ph=secrets.token_bytes(32)),
    "ph-empty": lambda p: replace(p, ph=b""),
    "pk": lambda p: replace(p, pk=bbs.sk_to_pk(random_scalar_octets())),
    "disclosed-message": lambda p: replace(
        p, disclosed_messages=(b"minor", p.disclosed_messages[1])
    ),
    "disclosed-index": lambda p: replace(p, disclosed_indexes=(1, 3)),
    "committed-value-claimed": lambda p: replace(
        p, disclosed_committed=(b"holder secret",), disclosed_committed_indexes=(0,)
    ),
    "proof-m_hat-of-a-nym": lambda p: replace(
        p, proof=_splice(p.proof, len(p.proof) - 64, random_scalar_octets())
    ),
    "proof-challenge": lambda p: replace(
        p, proof=_splice(p.proof, len(p.proof) - 32, random_scalar_octets())
    ),
    "proof-abar": lambda p: replace(p, proof=_splice(p.proof, 0, _other_point())),
}


@pytest.mark.parametrize("part", sorted(PRESENTATION_TAMPERS))
def test_nym_proof_rejects_each_tampered_input(presented: Presented, part: str) -> None:
    presented.verify()
    with pytest.raises(REJECTED):
        PRESENTATION_TAMPERS[part](presented).verify()


def test_pseudonym_is_stable_per_context_and_differs_across_contexts(holder: Holder) -> None:
    a1 = _present(holder, CONTEXT_A, b"nonce-1", (2,))
    a2 = _present(holder, CONTEXT_A, b"nonce-2", (3,))
    b1 = _present(holder, CONTEXT_B, b"nonce-3", (2,))
    for p in (a1, a2, b1):
        p.verify()
    assert a1.pseudonym == a2.pseudonym == nym.calculate_pseudonym(CONTEXT_A, holder.nym_secrets)
    assert a1.pseudonym != b1.pseudonym
    assert a1.proof != a2.proof  # fresh randomness: the proofs themselves are unlinkable


def test_a_proof_cannot_be_moved_to_another_context(holder: Holder) -> None:
    a = _present(holder, CONTEXT_A, b"nonce", (2,))
    b = _present(holder, CONTEXT_B, b"nonce", (2,))
    with pytest.raises(VerificationError):  # A's proof shown to B with B's pseudonym
        replace(a, context_id=CONTEXT_B, pseudonym=b.pseudonym).verify()
    with pytest.raises(VerificationError):  # B's proof with A's pseudonym at A
        replace(b, context_id=CONTEXT_A, pseudonym=a.pseudonym).verify()


def test_another_holders_pseudonym_is_rejected(holder: Holder) -> None:
    other_secrets = [random_scalar_octets() for _ in range(N)]
    stolen = nym.calculate_pseudonym(CONTEXT_A, other_secrets)
    with pytest.raises(VerificationError):
        replace(_present(holder, CONTEXT_A, b"n", (2,)), pseudonym=stolen).verify()


def test_nym_secrets_are_never_disclosable(holder: Holder) -> None:
    # committed index range excludes the nym secrets (and the prover blind)
    with pytest.raises(InvalidArgumentError):
        nym.proof_gen_with_nym(
            holder.pk, holder.signature, holder.header, b"", holder.nym_secrets, CONTEXT_A,
            holder.messages, holder.committed, (), (1,), holder.prover_blind,
        )  # fmt: skip
