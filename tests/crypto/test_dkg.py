"""GJKR distributed key generation: honest runs, each way to cheat, the public verifier.

Every ceremony uses known polynomials, so the expected joint secret
x = Σ_{i in QUAL} a_i0 is known to the test (never to the code under test):
any k key shares must interpolate to it, y must be x·G, and Y_j = x_j·G.
Cheating trustees are played through :class:`CeremonyHooks`.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import cache
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from realdid.crypto._backend import G1, R, Scalar
from realdid.crypto.dkg import (
    Ceremony,
    CeremonyHooks,
    Complaint,
    Dealing,
    DkgParameters,
    EncryptedShare,
    FeldmanCommitment,
    RevealedShare,
    Transcript,
    Trustee,
    _encrypt_share,
    run_ceremony,
    verify_transcript,
)
from realdid.crypto.groups import escrow_base
from realdid.crypto.threshold import KeyShare, evaluate, lagrange_at_zero
from realdid.errors import DecodeError, InvalidArgumentError, VerificationError
from tests.crypto.test_malformed import SCALAR_DEFECTS, g1_defects

G = escrow_base()
SESSION = b"test/dkg"
Polynomials = dict[int, tuple[list[Scalar], list[Scalar]]]


def _polynomials(n: int, k: int, seed: int = 1) -> Polynomials:
    """Known, non-zero coefficients (a zero one would commit to the identity)."""
    rng = random.Random(seed)

    def draw() -> list[Scalar]:
        return [Scalar(rng.randrange(1, R)) for _ in range(k)]

    return {i: (draw(), draw()) for i in range(1, n + 1)}


def _run(
    n: int, k: int, hooks: Callable[[DkgParameters], CeremonyHooks]
) -> tuple[Ceremony, Polynomials]:
    """A ceremony with known polynomials; ``hooks`` sees the parameters before it starts."""
    keys = [X25519PrivateKey.generate() for _ in range(n)]
    params = DkgParameters(SESSION, k, tuple(x.public_key().public_bytes_raw() for x in keys))
    polys = _polynomials(n, k)
    ceremony = run_ceremony(
        n, k, session_id=SESSION, aux_keys=keys, hooks=hooks(params), polynomials=polys
    )
    assert ceremony.params == params
    return ceremony, polys


def _expected_secret(polys: Polynomials, qual: tuple[int, ...]) -> Scalar:
    x = Scalar(0)
    for i in qual:
        x = x + polys[i][0][0]
    return x


def _secret_from(shares: Mapping[int, KeyShare], subset: tuple[int, ...]) -> Scalar:
    """Σ λ_j·x_j over ``subset``: what k trustees together could (but never do) compute."""
    x = Scalar(0)
    for lam, j in zip(lagrange_at_zero(subset), subset, strict=True):
        x = x + lam * shares[j].secret
    return x


def _check_consistent(ceremony: Ceremony, polys: Polynomials, qual: tuple[int, ...]) -> None:
    """QUAL as expected; any k shares interpolate to Σ_{i in QUAL} a_i0; y and Y_j match."""
    result, k = ceremony.result, ceremony.params.threshold
    assert result.qual == qual
    x = _expected_secret(polys, qual)
    assert result.public_key == G * x
    for j, share in ceremony.key_shares.items():
        assert share.public_share == G * share.secret == result.public_shares[j]
        assert share.public_key == result.public_key
    for subset in itertools.combinations(sorted(ceremony.key_shares), k):
        assert _secret_from(ceremony.key_shares, subset) == x
    assert verify_transcript(ceremony.params, ceremony.transcript) == result


@cache
def _honest() -> tuple[Ceremony, Polynomials]:
    return _run(5, 3, lambda _: CeremonyHooks())


# --------------------------------------------------------------------------- honest runs


def test_honest_ceremony_gives_consistent_shares() -> None:
    ceremony, polys = _honest()
    _check_consistent(ceremony, polys, (1, 2, 3, 4, 5))
    t = ceremony.transcript
    assert (t.complaints, t.answers, t.feldman_complaints, t.reconstructions) == ((),) * 4
    assert ceremony.result.reconstructed == ()


def test_random_polynomials_and_bigger_set() -> None:
    ceremony = run_ceremony(7, 4)
    for subset in ((1, 2, 3, 4), (4, 5, 6, 7), (1, 3, 5, 7)):
        assert G * _secret_from(ceremony.key_shares, subset) == ceremony.result.public_key


def test_k_equals_one_and_k_equals_n() -> None:
    for n, k in ((3, 1), (3, 3)):
        polys = _polynomials(n, k)
        _check_consistent(run_ceremony(n, k, polynomials=polys), polys, tuple(range(1, n + 1)))


def test_transcript_round_trips_and_hash_is_stable() -> None:
    ceremony, _ = _honest()
    encoded = ceremony.transcript.to_bytes()
    assert Transcript.from_bytes(encoded) == ceremony.transcript
    result = verify_transcript(ceremony.params, Transcript.from_bytes(encoded))
    assert result.transcript_hash == ceremony.result.transcript_hash
    assert len(result.transcript_hash) == 32


def test_driving_trustees_by_hand_and_finalize_detects_another_phase_1() -> None:
    keys = [X25519PrivateKey.generate() for _ in range(3)]
    public = tuple(key.public_key().public_bytes_raw() for key in keys)
    params = DkgParameters(b"test/dkg/manual", 2, public)
    trustees = [Trustee(params, j, keys[j - 1]) for j in (1, 2, 3)]
    assert repr(trustees[0]) == "Trustee(index=1)"
    t = Transcript(tuple(x.deal() for x in trustees))
    assert [x.receive_dealings(t.dealings) for x in trustees] == [[], [], []]
    assert [x.answer(()) for x in trustees] == [[], [], []]
    with pytest.raises(VerificationError, match="differ from those received"):
        trustees[0].phase2(replace(t, dealings=t.dealings[1:]))
    feldman = tuple(f for x in trustees if (f := x.phase2(t)) is not None)
    t = replace(t, feldman=feldman)
    assert [x.feldman_complaints(t) for x in trustees] == [[], [], []]
    assert [x.reconstruction_shares(t) for x in trustees] == [[], [], []]
    shares = [x.finalize(t) for x in trustees]
    assert shares[0].public_key == verify_transcript(params, t).public_key
    with pytest.raises(VerificationError, match="phase 1"):
        trustees[0].finalize(replace(t, dealings=t.dealings[:2], feldman=t.feldman[:2]))


def test_steps_out_of_order_are_refused() -> None:
    key = X25519PrivateKey.generate()
    other = X25519PrivateKey.generate().public_key().public_bytes_raw()
    params = DkgParameters(b"s", 1, (key.public_key().public_bytes_raw(), other))
    trustee = Trustee(params, 1, key)
    with pytest.raises(InvalidArgumentError, match="receive_dealings"):
        trustee.phase2(Transcript())
    with pytest.raises(InvalidArgumentError, match="phase2"):
        trustee.finalize(Transcript())


# --------------------------------------------------------------------------- phase 1 cheats


class BadShare(CeremonyHooks):
    """Dealer ``dealer`` sends each of ``victims`` a wrong or an undecryptable share."""

    def __init__(
        self, params: DkgParameters, dealer: int, victims: tuple[int, ...], *, undecryptable: bool
    ) -> None:
        self.params, self.dealer, self.victims = params, dealer, victims
        self.undecryptable = undecryptable

    def _bad(self, sealed: EncryptedShare) -> EncryptedShare:
        if sealed.recipient not in self.victims:
            return sealed
        if self.undecryptable:
            return replace(
                sealed, ciphertext=bytes([sealed.ciphertext[0] ^ 1]) + sealed.ciphertext[1:]
            )
        wrong = Scalar(12345)
        return _encrypt_share(self.params, self.dealer, sealed.recipient, wrong, wrong)

    def dealing(self, sender: int, message: Dealing) -> Dealing | None:
        if sender != self.dealer:
            return message
        return replace(message, shares=tuple(self._bad(sealed) for sealed in message.shares))


@pytest.mark.parametrize("undecryptable", [False, True], ids=["wrong", "undecryptable"])
def test_bad_share_answered_correctly_stays_in_qual(undecryptable: bool) -> None:
    ceremony, polys = _run(5, 3, lambda p: BadShare(p, 2, (4,), undecryptable=undecryptable))
    assert ceremony.transcript.complaints == (Complaint(4, 2),)
    (answer,) = ceremony.transcript.answers
    assert (answer.dealer, answer.recipient) == (2, 4)
    _check_consistent(ceremony, polys, (1, 2, 3, 4, 5))


def test_more_than_k_minus_1_complaints_disqualify_even_if_answered() -> None:
    ceremony, polys = _run(5, 3, lambda p: BadShare(p, 3, (1, 2, 5), undecryptable=False))
    assert len(ceremony.transcript.answers) == 3
    _check_consistent(ceremony, polys, (1, 2, 4, 5))


class WrongAnswer(BadShare):
    """Dealer 1 sends trustee 3 garbage, then answers the complaint wrongly or not at all."""

    def __init__(self, params: DkgParameters, *, silent: bool) -> None:
        super().__init__(params, 1, (3,), undecryptable=True)
        self.silent = silent

    def answers(self, sender: int, messages: list[RevealedShare]) -> list[RevealedShare]:
        if sender != self.dealer:
            return messages
        return [] if self.silent else [replace(m, share=m.share + Scalar(1)) for m in messages]


@pytest.mark.parametrize("silent", [False, True], ids=["wrong-answer", "no-answer"])
def test_dealer_answering_wrongly_or_not_at_all_is_disqualified(silent: bool) -> None:
    ceremony, polys = _run(5, 3, lambda p: WrongAnswer(p, silent=silent))
    _check_consistent(ceremony, polys, (2, 3, 4, 5))
    assert ceremony.result.public_key != G * _expected_secret(polys, (1, 2, 3, 4, 5))


class FalseComplaint(CeremonyHooks):
    def complaints(self, sender: int, messages: list[Complaint]) -> list[Complaint]:
        return [Complaint(3, 1)] if sender == 3 else messages


def test_false_complaint_is_dismissed() -> None:
    ceremony, polys = _run(5, 3, lambda _: FalseComplaint())
    assert ceremony.transcript.complaints == (Complaint(3, 1),)
    _check_consistent(ceremony, polys, (1, 2, 3, 4, 5))


class Withhold(CeremonyHooks):
    def dealing(self, sender: int, message: Dealing) -> Dealing | None:
        return None if sender in (2, 3) else message


def test_too_small_qual_fails() -> None:
    with pytest.raises(VerificationError, match="QUAL has 1 dealers, want at least 2"):
        _run(3, 2, lambda _: Withhold())


# --------------------------------------------------------------------------- phase 2 cheats


class BadFeldman(CeremonyHooks):
    """Dealer 4, in QUAL, publishes a wrong A_i1, a bad proof, or nothing in step 4a."""

    def __init__(self, how: str) -> None:
        self.how = how

    def feldman(self, sender: int, message: FeldmanCommitment | None) -> FeldmanCommitment | None:
        if sender != 4 or message is None:
            return message
        if self.how == "silent":
            return None
        if self.how == "bad-proof":
            return replace(message, response=message.response + Scalar(1))
        A = list(message.commitments)
        A[1] = A[1] + G
        return replace(message, commitments=tuple(A))


@pytest.mark.parametrize("how", ["wrong-commitment", "bad-proof", "silent"])
def test_qual_member_cheating_in_phase_2_is_reconstructed(how: str) -> None:
    ceremony, polys = _run(5, 3, lambda _: BadFeldman(how))
    assert ceremony.result.reconstructed == (4,)
    want_complaints = 4 if how == "wrong-commitment" else 0
    assert len(ceremony.transcript.feldman_complaints) == want_complaints
    assert {s.recipient for s in ceremony.transcript.reconstructions} == {1, 2, 3, 5}
    _check_consistent(ceremony, polys, (1, 2, 3, 4, 5))


class FalseFeldmanComplaint(CeremonyHooks):
    """Trustee 5 complains in step 4b against honest dealer 2 with ``share``."""

    def __init__(self, share: RevealedShare) -> None:
        self.share = share

    def feldman_complaints(self, sender: int, messages: list[RevealedShare]) -> list[RevealedShare]:
        return [self.share] if sender == 5 else messages


@pytest.mark.parametrize("true_share", [False, True], ids=["fails-eq-4-and-5", "passes-eq-5"])
def test_false_phase_2_complaint_is_dismissed(true_share: bool) -> None:
    f, f_blind = _polynomials(5, 3)[2]
    share = RevealedShare(2, 5, evaluate(f, 5), evaluate(f_blind, 5))
    if not true_share:
        share = replace(share, share=share.share + Scalar(1))  # would frame dealer 2
    ceremony, polys = _run(5, 3, lambda _: FalseFeldmanComplaint(share))
    assert ceremony.transcript.feldman_complaints == (share,)
    assert ceremony.result.reconstructed == ()
    _check_consistent(ceremony, polys, (1, 2, 3, 4, 5))


class StarveReconstruction(BadFeldman):
    def reconstructions(self, sender: int, messages: list[RevealedShare]) -> list[RevealedShare]:
        return messages if sender == 1 else []


def test_reconstruction_needs_k_valid_shares() -> None:
    with pytest.raises(VerificationError, match="dealer 4: 1 valid reconstruction shares"):
        _run(5, 3, lambda _: StarveReconstruction("silent"))


class TwoCheats(BadShare):
    def feldman(self, sender: int, message: FeldmanCommitment | None) -> FeldmanCommitment | None:
        return None if sender == 5 else message


def test_n7_k4_one_disqualified_one_reconstructed() -> None:
    ceremony, polys = _run(7, 4, lambda p: TwoCheats(p, 2, (1, 3, 4, 6), undecryptable=True))
    assert ceremony.result.reconstructed == (5,)
    _check_consistent(ceremony, polys, (1, 3, 4, 5, 6, 7))


# --------------------------------------------------------------------------- tampering


def _variants(m: object) -> dict[str, object]:
    """One message with one field changed, each way that matters for its type."""
    one = Scalar(1)
    if isinstance(m, Dealing):
        last = m.shares[-1]
        flipped = replace(last, ciphertext=last.ciphertext[:-1] + bytes([last.ciphertext[-1] ^ 1]))
        return {
            "C0": replace(m, commitments=(m.commitments[0] + G, *m.commitments[1:])),
            "ciphertext": replace(m, shares=(*m.shares[:-1], flipped)),
        }
    if isinstance(m, Complaint):
        return {"complainer": replace(m, complainer=m.complainer % 5 + 1)}
    if isinstance(m, RevealedShare):
        return {
            "share": replace(m, share=m.share + one),
            "blinding": replace(m, blinding=m.blinding + one),
        }
    assert isinstance(m, FeldmanCommitment)
    return {
        "A0": replace(m, commitments=(m.commitments[0] + G, *m.commitments[1:])),
        "A2": replace(m, commitments=(*m.commitments[:2], m.commitments[2] + G)),
        "challenge": replace(m, challenge=m.challenge + one),
    }


def _mutations(t: Transcript) -> dict[str, Transcript]:
    """Each message of phases 1 and 4a–4b changed in one field, dropped, or sent twice."""
    out: dict[str, Transcript] = {}
    for name in ("dealings", "complaints", "answers", "feldman", "feldman_complaints"):
        section: tuple[Any, ...] = getattr(t, name)
        for pos, m in enumerate(section):
            before, after = section[:pos], section[pos + 1 :]
            for what, changed in _variants(m).items():
                out[f"{name}[{pos}].{what}"] = replace(t, **{name: (*before, changed, *after)})
            out[f"{name}[{pos}].dropped"] = replace(t, **{name: (*before, *after)})
            out[f"{name}[{pos}].twice"] = replace(t, **{name: (*before, m, m, *after)})
    return out


def _accepted(params: DkgParameters, mutations: dict[str, Transcript]) -> list[str]:
    accepted = []
    for name, tampered in mutations.items():
        try:
            verify_transcript(params, tampered)
        except VerificationError:
            continue
        accepted.append(name)
    return accepted


def test_tampered_honest_transcript_fails_verification() -> None:
    ceremony, _ = _honest()
    mutations = _mutations(ceremony.transcript)
    assert len(mutations) == 5 * 4 + 5 * 5
    assert _accepted(ceremony.params, mutations) == []


def test_tampered_cheating_transcript_fails_verification() -> None:
    ceremony, _ = _run(5, 3, lambda p: WrongAnswer(p, silent=False))
    mutations = _mutations(ceremony.transcript)
    assert any(name.startswith("answers") for name in mutations)
    assert _accepted(ceremony.params, mutations) == []


def test_phase_2_messages_must_come_from_qual() -> None:
    ceremony, _ = _run(5, 3, lambda p: WrongAnswer(p, silent=True))
    t = ceremony.transcript
    intruder = replace(t.feldman[0], dealer=1)
    with pytest.raises(VerificationError, match="not in QUAL"):
        verify_transcript(ceremony.params, replace(t, feldman=(intruder, *t.feldman)))


def test_every_message_is_in_the_hash() -> None:
    """A message the protocol must tolerate (a bad reconstruction share) still changes the hash."""
    ceremony, _ = _run(5, 3, lambda _: BadFeldman("wrong-commitment"))
    t = ceremony.transcript
    first, *rest = t.reconstructions
    tampered = replace(t, reconstructions=(replace(first, share=first.share + Scalar(1)), *rest))
    result = verify_transcript(ceremony.params, tampered)
    assert result.public_key == ceremony.result.public_key
    assert result.transcript_hash != ceremony.result.transcript_hash
    other = replace(ceremony.params, session_id=b"another session")
    with pytest.raises(VerificationError):
        verify_transcript(other, t)


# --------------------------------------------------------------------------- inputs and decoding


def _keys(n: int) -> tuple[bytes, ...]:
    return tuple(X25519PrivateKey.generate().public_key().public_bytes_raw() for _ in range(n))


@pytest.mark.parametrize(
    ("session_id", "k", "keys"),
    [
        (b"", 1, _keys(2)),
        (b"s", 0, _keys(2)),
        (b"s", 3, _keys(2)),
        (b"s", 1, ()),
        (b"s", 1, _keys(1) * 2),
        (b"s", 1, (bytes(32),)),
        (b"s", 1, (b"short",)),
    ],
    ids=[
        "empty-session",
        "k-zero",
        "k-above-n",
        "no-trustee",
        "repeated-key",
        "low-order",
        "short",
    ],
)
def test_parameters_refuse_bad_setups(session_id: bytes, k: int, keys: tuple[bytes, ...]) -> None:
    with pytest.raises(InvalidArgumentError):
        DkgParameters(session_id, k, keys)


def test_trustee_refuses_bad_index_key_or_polynomials() -> None:
    key = X25519PrivateKey.generate()
    params = DkgParameters(b"s", 2, (key.public_key().public_bytes_raw(), *_keys(2)))
    for index in (0, 4, -1):
        with pytest.raises(InvalidArgumentError):
            Trustee(params, index, key)
    with pytest.raises(InvalidArgumentError, match="registered key"):
        Trustee(params, 2, key)
    with pytest.raises(InvalidArgumentError, match="polynomials"):
        Trustee(params, 1, key, polynomials=([Scalar(1)], [Scalar(2)]))
    with pytest.raises(InvalidArgumentError):
        run_ceremony(0, 1)


def test_messages_round_trip_and_reject_truncation_and_trailing_bytes() -> None:
    ceremony, _ = _honest()
    t = ceremony.transcript
    samples = [t.dealings[0], t.dealings[0].shares[0], t.feldman[0], Complaint(2, 1), t]
    samples.append(RevealedShare(1, 2, Scalar(3), Scalar(0)))
    for message in samples:
        encoded = message.to_bytes()
        assert type(message).from_bytes(encoded) == message
        for cut in (0, 1, len(encoded) // 2, len(encoded) - 1):
            with pytest.raises(DecodeError):
                type(message).from_bytes(encoded[:cut])
        with pytest.raises(DecodeError, match="trailing"):
            type(message).from_bytes(encoded + b"\x00")


def test_decoding_refuses_index_zero_bad_points_and_scalars() -> None:
    with pytest.raises(DecodeError, match="index 0"):
        Complaint.from_bytes(b"\x00\x00\x00\x01")
    good = FeldmanCommitment(1, (G, G), Scalar(1), Scalar(2)).to_bytes()
    for point in g1_defects().values():
        with pytest.raises(DecodeError):
            FeldmanCommitment.from_bytes(good[:4] + point + good[52:])
    share = RevealedShare(1, 2, Scalar(3), Scalar(4)).to_bytes()
    with pytest.raises(DecodeError, match="group order"):
        RevealedShare.from_bytes(share[:4] + SCALAR_DEFECTS["equals-r"] + share[36:])
    with pytest.raises(InvalidArgumentError):
        Transcript.from_bytes("not bytes")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        EncryptedShare(1, b"short", bytes(80)).to_bytes()


def test_secrets_stay_out_of_reprs() -> None:
    ceremony, _ = _honest()
    share = ceremony.key_shares[1]
    text = repr(ceremony) + repr(share) + repr(RevealedShare(1, 2, share.secret, share.secret))
    assert str(int(share.secret)) not in text
    assert share.secret.to_be_bytes().hex() not in text.lower()
    assert isinstance(share.public_share, G1)
