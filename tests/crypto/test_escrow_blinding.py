"""Blinded opening (docs/crypto.md §11): only the authority learns M; the public
transcript of an opening is independent of M; every step is checked and a cheat named.

What these tests can show: the algebra (V' − x·U' = b·M; the authority gets M
back); that two openings of one citizen share no group element; that one and
the same public blinded copy and shares arise from another citizen's
ciphertext under other (b, s) — so those elements carry nothing about who
was opened; that a simulator with only public inputs (no M, no x) builds a
transcript of the same shape that the real verifiers accept once the random
oracle is programmed, as zero knowledge in the random-oracle model says.
What they cannot show: that DDH holds in G1 (the source ciphertexts' own
hiding), or that SHA-256 behaves as a random oracle.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from functools import cache

import pytest

from realdid.crypto import escrow_blinding, threshold
from realdid.crypto._backend import (
    BP1,
    G1,
    G1_IDENTITY,
    R,
    Scalar,
    encode_g1,
    encode_scalar,
    msm_g1,
)
from realdid.crypto.dkg import Ceremony, run_ceremony
from realdid.crypto.escrow import (
    EscrowCiphertext,
    EscrowKey,
    EscrowLabel,
    encrypt,
    handle_point,
)
from realdid.crypto.escrow_blinding import (
    BLINDED_LENGTH,
    BlindedCiphertext,
    BlindingError,
    _challenge,
    _prove,
    blind,
    blinding_scalars,
    combine_blinded,
    trustee_decrypt_blinded,
    unblind,
    verify_blinding,
)
from realdid.crypto.groups import escrow_base, escrow_message_base
from realdid.crypto.randomness import random_scalar
from realdid.crypto.threshold import (
    NotEnoughSharesError,
    PartialDecryption,
    PartialDecryptionError,
    lagrange_at_zero,
)
from realdid.errors import DecodeError, InvalidArgumentError, VerificationError
from tests.crypto.test_malformed import SCALAR_DEFECTS, g1_defects

N, K = 5, 3
REQUEST = bytes(range(32))  # stands for the opening request's entry hash
FORUM_A = EscrowLabel(b"did:realdid:forum-a", b"nonce-a", "registration", 1)
FORUM_B = EscrowLabel(b"did:realdid:forum-b", b"nonce-b", "registration", 1)


@cache
def ceremony() -> Ceremony:
    return run_ceremony(N, K, session_id=b"blinding-tests")


def key() -> EscrowKey:
    return EscrowKey(ceremony().result.public_key)


def secret_x() -> Scalar:
    """The joint secret, which nobody holds: the test interpolates it to check algebra."""
    shares = ceremony().key_shares
    lam = lagrange_at_zero([1, 2, 3])
    return sum((lam[i] * shares[j].secret for i, j in enumerate((1, 2, 3))), Scalar(0))


@dataclasses.dataclass(frozen=True)
class Evidence:
    handle: Scalar
    ct: EscrowCiphertext
    r: Scalar


def evidence(label: EscrowLabel = FORUM_A, handle: Scalar | None = None) -> Evidence:
    handle = random_scalar() if handle is None else handle
    ct, r = encrypt(key(), handle, label)
    return Evidence(handle, ct, r)


def shares(
    ev: Evidence, blinded: BlindedCiphertext, who: tuple[int, ...] = (1, 3, 5)
) -> list[PartialDecryption]:
    return [
        trustee_decrypt_blinded(
            ceremony().key_shares[j], ev.ct, blinded, key(), ev.ct.label, request=REQUEST
        )
        for j in who
    ]


def opened(blinded: BlindedCiphertext, partials: list[PartialDecryption]) -> G1:
    return combine_blinded(blinded, partials, key=ceremony().result.joint_key(), request=REQUEST)


# --------------------------------------------------------------------------- correctness


@pytest.mark.parametrize("who", [(1, 2, 3), (2, 4, 5), (1, 3, 4, 5)])
def test_only_the_holder_of_b_recovers_the_handle_point(who: tuple[int, ...]) -> None:
    ev = evidence()
    b, s = random_scalar(), random_scalar()
    blinded = blind(ev.ct, key(), request=REQUEST, b=b, s=s)
    verify_blinding(blinded, ev.ct, key(), request=REQUEST)
    public = opened(blinded, shares(ev, blinded, who))
    M = handle_point(ev.handle)
    assert public == M * b  # what anyone can combine: b·M
    assert public != M
    assert unblind(public, b) == M  # the authority's last step


def test_the_blinded_copy_is_an_elgamal_encryption_of_b_m() -> None:
    ev, b, s = evidence(), random_scalar(), random_scalar()
    blinded = blind(ev.ct, key(), request=REQUEST, b=b, s=s)
    x = secret_x()
    assert blinded.V - blinded.U * x == handle_point(ev.handle) * b
    assert escrow_base() * (b * ev.r + s) == blinded.U  # randomness b·r + s


def test_blinding_scalars_are_recomputable_and_need_a_long_seed() -> None:
    assert blinding_scalars(b"k" * 32) == blinding_scalars(b"k" * 32)
    assert blinding_scalars(b"k" * 32) != blinding_scalars(b"j" * 32)
    b, s = blinding_scalars(b"k" * 32)
    assert b != s
    with pytest.raises(InvalidArgumentError, match="at least 32"):
        blinding_scalars(b"k" * 31)


def test_unblind_refuses_zero() -> None:
    with pytest.raises(InvalidArgumentError):
        unblind(BP1, Scalar(0))


# --------------------------------------------------------------------------- nothing links


def _transcript(ev: Evidence) -> tuple[BlindedCiphertext, list[PartialDecryption]]:
    blinded = blind(ev.ct, key(), request=REQUEST, b=random_scalar(), s=random_scalar())
    return blinded, shares(ev, blinded)


def _points(blinded: BlindedCiphertext, partials: list[PartialDecryption]) -> set[bytes]:
    return {encode_g1(p) for p in (blinded.U, blinded.V, *(d.share for d in partials))}


def test_two_openings_of_one_citizen_share_no_group_element() -> None:
    """One citizen, one epoch, two services: the same M under two labels."""
    handle = random_scalar()
    first, second = evidence(FORUM_A, handle), evidence(FORUM_B, handle)
    t1, t2 = _transcript(first), _transcript(second)
    p1, p2 = _points(*t1), _points(*t2)
    assert len(p1) == len(p2) == 2 + K
    assert not p1 & p2
    combined = {encode_g1(opened(*t)) for t in (t1, t2)}
    assert len(combined) == 2  # b1·M != b2·M
    assert encode_g1(handle_point(handle)) not in p1 | p2 | combined


def test_the_same_public_copy_and_shares_come_from_another_citizens_evidence() -> None:
    """(b, s) -> (U', b·M) is a bijection for any source: the blinded copy of Alice's
    evidence is, element for element, also a blinding of Bob's, so it says nothing
    about which of them (or anyone) the opening named."""
    alice, bob = evidence(FORUM_A), evidence(FORUM_B)
    b, s = random_scalar(), random_scalar()
    of_alice = blind(alice.ct, key(), request=REQUEST, b=b, s=s)
    b_star = b * alice.handle * bob.handle.inverse()  # then b*·M_B = b·M_A
    s_star = b * alice.r + s - b_star * bob.r  # then b*·r_B + s* = b·r_A + s
    of_bob = blind(bob.ct, key(), request=REQUEST, b=b_star, s=s_star)
    assert (of_bob.U, of_bob.V) == (of_alice.U, of_alice.V)
    assert _points(of_alice, shares(alice, of_alice)) == _points(of_bob, shares(bob, of_bob))


class ProgrammedOracle:
    """A random oracle programmed at chosen points (the ROM simulator's power); every
    other query goes to the real hash."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.table: dict[tuple[bytes, ...], Scalar] = {}
        real_blinding, real_dleq = escrow_blinding._challenge, threshold._dleq_challenge

        def blinding(
            request: bytes,
            k: EscrowKey,
            ct: EscrowCiphertext,
            blinded: tuple[G1, G1],
            T: tuple[G1, G1],
        ) -> Scalar:
            points = (ct.U, ct.V, *blinded, *T)
            query = (b"blinding", request, k.encode(), *(encode_g1(p) for p in points))
            found = self.table.get(query)
            return real_blinding(request, k, ct, blinded, T) if found is None else found

        def dleq(
            domain: bytes,
            bases: list[G1],
            publics: list[G1],
            commitments: list[G1],
            statement: bytes,
        ) -> Scalar:
            points = (*bases, *publics, *commitments)
            query = (b"dleq", domain, statement, *(encode_g1(p) for p in points))
            found = self.table.get(query)
            if found is None:
                return real_dleq(domain, bases, publics, commitments, statement)
            return found

        monkeypatch.setattr(escrow_blinding, "_challenge", blinding)
        monkeypatch.setattr(threshold, "_dleq_challenge", dleq)


def simulate(
    ct: EscrowCiphertext, oracle: ProgrammedOracle | None
) -> tuple[BlindedCiphertext, list[PartialDecryption], G1]:
    """A transcript from public inputs only: y, Y_j, (U, V), the request. No M, no x,
    no x_j. U' = u·G, V' = P + u·y for random u and P != O; D_j = u·Y_j; the proofs
    by choosing challenge and responses first and programming the oracle."""
    y, public_shares = key().y, ceremony().result.public_shares
    G, u, P = escrow_base(), random_scalar(), escrow_base() * random_scalar()
    U_b, V_b = G * u, P + y * u
    c, z_b, z_s = random_scalar(), random_scalar(), random_scalar()
    T1 = msm_g1([ct.U, G, U_b], [z_b, z_s, -c])
    T2 = msm_g1([ct.V, y, V_b], [z_b, z_s, -c])
    blinded = BlindedCiphertext(U_b, V_b, c, z_b, z_s)
    context = blinded.share_context(REQUEST)
    if oracle is not None:
        query = (b"blinding", REQUEST, key().encode(),
                 *(encode_g1(p) for p in (ct.U, ct.V, U_b, V_b, T1, T2)))  # fmt: skip
        oracle.table[query] = c
    partials = []
    for j in (1, 3, 5):
        D, cj, zj = public_shares[j] * u, random_scalar(), random_scalar()
        commitments = [msm_g1([G, public_shares[j]], [zj, -cj]), msm_g1([U_b, D], [zj, -cj])]
        statement = j.to_bytes(2, "big") + context
        if oracle is not None:
            domain = b"realdid/threshold/partial-decryption/v1"
            points = (G, U_b, public_shares[j], D, *commitments)
            oracle.table[(b"dleq", domain, statement, *(encode_g1(p) for p in points))] = cj
        partials.append(PartialDecryption(j, D, cj, zj))
    return blinded, partials, P


def test_a_simulator_without_m_builds_a_transcript_the_verifiers_accept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ev = evidence()
    real_blinded, real_partials = _transcript(ev)
    oracle = ProgrammedOracle(monkeypatch)
    blinded, partials, P = simulate(ev.ct, oracle)
    # Same shape, accepted by the same checks, combining to a point chosen without M.
    assert len(blinded.encode()) == len(real_blinded.encode()) == BLINDED_LENGTH
    assert [p.index for p in partials] == [p.index for p in real_partials]
    verify_blinding(blinded, ev.ct, key(), request=REQUEST)
    assert opened(blinded, partials) == P
    # The real transcript still verifies under the programmed oracle (it is only
    # programmed at the simulator's points).
    verify_blinding(real_blinded, ev.ct, key(), request=REQUEST)
    assert opened(real_blinded, real_partials) != P


def test_without_programming_the_oracle_the_simulation_fails() -> None:
    """The check above is not vacuous: a simulated proof needs the programmed oracle."""
    ev = evidence()
    blinded, partials, _ = simulate(ev.ct, None)
    with pytest.raises(BlindingError):
        verify_blinding(blinded, ev.ct, key(), request=REQUEST)
    with pytest.raises(PartialDecryptionError):
        opened(blinded, partials)


# --------------------------------------------------------------------------- the proof's inputs


def _one_blinding() -> tuple[Evidence, BlindedCiphertext]:
    ev = evidence()
    return ev, blind(ev.ct, key(), request=REQUEST, b=random_scalar(), s=random_scalar())


OTHER = BP1 * Scalar(7)
Change = Callable[
    [Evidence, BlindedCiphertext], tuple[BlindedCiphertext, EscrowCiphertext, EscrowKey, bytes]
]


def _variants() -> Iterator[tuple[str, Change]]:
    """Each public input of the blinding proof, changed; verification must fail."""
    yield "request", lambda ev, bl: (bl, ev.ct, key(), REQUEST[:-1] + b"\x00")
    yield "U", lambda ev, bl: (bl, dataclasses.replace(ev.ct, U=ev.ct.U + OTHER), key(), REQUEST)
    yield "V", lambda ev, bl: (bl, dataclasses.replace(ev.ct, V=ev.ct.V + OTHER), key(), REQUEST)
    yield "U'", lambda ev, bl: (dataclasses.replace(bl, U=bl.U + OTHER), ev.ct, key(), REQUEST)
    yield "V'", lambda ev, bl: (dataclasses.replace(bl, V=bl.V + OTHER), ev.ct, key(), REQUEST)
    yield "y", lambda ev, bl: (bl, ev.ct, EscrowKey(key().y + OTHER), REQUEST)
    yield "c", lambda ev, bl: (dataclasses.replace(bl, challenge=bl.challenge + Scalar(1)),
                               ev.ct, key(), REQUEST)  # fmt: skip
    yield "z_b", lambda ev, bl: (dataclasses.replace(bl, z_b=bl.z_b + Scalar(1)),
                                 ev.ct, key(), REQUEST)  # fmt: skip
    yield "z_s", lambda ev, bl: (dataclasses.replace(bl, z_s=bl.z_s + Scalar(1)),
                                 ev.ct, key(), REQUEST)  # fmt: skip


@pytest.mark.parametrize(("name", "change"), list(_variants()), ids=[n for n, _ in _variants()])
def test_changing_any_public_input_fails_verification(name: str, change: Change) -> None:
    ev, blinded = _one_blinding()
    verify_blinding(blinded, ev.ct, key(), request=REQUEST)
    bl, ct, k, request = change(ev, blinded)
    with pytest.raises(BlindingError):
        verify_blinding(bl, ct, k, request=request)


def test_the_base_g_and_the_domain_tag_are_inputs_too(monkeypatch: pytest.MonkeyPatch) -> None:
    ev, blinded = _one_blinding()
    with monkeypatch.context() as m:
        m.setattr(escrow_blinding, "_DOMAIN", b"realdid/escrow/blinding/v2")
        with pytest.raises(BlindingError):
            verify_blinding(blinded, ev.ct, key(), request=REQUEST)
    with monkeypatch.context() as m:
        m.setattr(escrow_blinding, "escrow_base", escrow_message_base)
        with pytest.raises(BlindingError):
            verify_blinding(blinded, ev.ct, key(), request=REQUEST)
    verify_blinding(blinded, ev.ct, key(), request=REQUEST)


def test_every_input_enters_the_challenge_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    """Directly at the hash (a change caught only through the equations would not
    show an input left out of Fiat–Shamir)."""
    ev, bl = _one_blinding()
    pts, T = (bl.U, bl.V), (bl.U, bl.V)
    base = _challenge(REQUEST, key(), ev.ct, pts, T)
    changed = [
        _challenge(REQUEST[::-1], key(), ev.ct, pts, T),
        _challenge(REQUEST, EscrowKey(key().y + OTHER), ev.ct, pts, T),
        _challenge(REQUEST, key(), dataclasses.replace(ev.ct, U=OTHER), pts, T),
        _challenge(REQUEST, key(), dataclasses.replace(ev.ct, V=OTHER), pts, T),
        _challenge(REQUEST, key(), ev.ct, (OTHER, bl.V), T),
        _challenge(REQUEST, key(), ev.ct, (bl.U, OTHER), T),
        _challenge(REQUEST, key(), ev.ct, pts, (OTHER, bl.V)),
        _challenge(REQUEST, key(), ev.ct, pts, (bl.U, OTHER)),
    ]
    monkeypatch.setattr(escrow_blinding, "escrow_base", escrow_message_base)
    changed.append(_challenge(REQUEST, key(), ev.ct, pts, T))  # G
    monkeypatch.undo()
    monkeypatch.setattr(escrow_blinding, "_DOMAIN", b"other")
    changed.append(_challenge(REQUEST, key(), ev.ct, pts, T))  # the domain tag
    assert base not in changed
    assert len(set(map(bytes, (c.to_be_bytes() for c in changed)))) == len(changed)


# --------------------------------------------------------------------------- wrong blindings


def _forged(ct: EscrowCiphertext, b: Scalar, s: Scalar, s2: Scalar) -> BlindedCiphertext:
    """A cheating authority: U' with (b, s), V' with (b, s2), and a proof made from the
    equations it can satisfy (responses for (b, s))."""
    G, y = escrow_base(), key().y
    U_b, V_b = ct.U * b + G * s, ct.V * b + y * s2
    beta, sigma = random_scalar(), random_scalar()
    T = (ct.U * beta + G * sigma, ct.V * beta + y * sigma)
    c = _challenge(REQUEST, key(), ct, (U_b, V_b), T)
    return BlindedCiphertext(U_b, V_b, c, beta + c * b, sigma + c * s)


def test_a_blinding_with_either_equation_wrong_is_caught() -> None:
    ev = evidence()
    b, s = random_scalar(), random_scalar()
    with pytest.raises(BlindingError):  # V' = b·V + s2·y, s2 != s: a different plaintext
        verify_blinding(_forged(ev.ct, b, s, s + Scalar(1)), ev.ct, key(), request=REQUEST)
    honest = blind(ev.ct, key(), request=REQUEST, b=b, s=s)
    for tampered in (
        dataclasses.replace(honest, U=honest.U + BP1),  # first equation
        dataclasses.replace(honest, V=honest.V + BP1),  # second equation
    ):
        with pytest.raises(BlindingError):
            verify_blinding(tampered, ev.ct, key(), request=REQUEST)


def test_a_blinding_of_another_ciphertext_is_refused_by_the_trustees() -> None:
    """The authority cannot get a ciphertext the trustees did not approve decrypted:
    the copy must be a blinding of the approved one."""
    approved, other = evidence(FORUM_A), evidence(FORUM_A)
    copy_of_other = blind(other.ct, key(), request=REQUEST, b=random_scalar(), s=random_scalar())
    with pytest.raises(BlindingError):
        shares(approved, copy_of_other)
    # nor the unapproved ciphertext itself, dressed up as a blinded copy
    raw = BlindedCiphertext(other.ct.U, other.ct.V, random_scalar(), random_scalar(),
                            random_scalar())  # fmt: skip
    with pytest.raises(BlindingError):
        shares(approved, raw)


def test_b_zero_is_refused_and_would_have_revealed_nothing() -> None:
    ev, s = evidence(), random_scalar()
    with pytest.raises(InvalidArgumentError, match="b = 0"):
        blind(ev.ct, key(), request=REQUEST, b=Scalar(0), s=s)
    zero = _prove(ev.ct, key(), REQUEST, Scalar(0), s)  # a cheating authority
    partials = shares(ev, zero)  # the proof of knowledge alone does not exclude b = 0 ...
    x_U = msm_g1([d.share for d in partials], lagrange_at_zero([1, 3, 5]))
    assert x_U == zero.V  # ... but the shares give s·y = V', already public
    with pytest.raises(BlindingError, match="b = 0"):  # and the combination names it
        opened(zero, partials)


def test_identity_points_are_refused() -> None:
    ev, blinded = _one_blinding()
    nothing = _prove(ev.ct, key(), REQUEST, Scalar(0), Scalar(0))  # (b, s) = (0, 0): a true proof
    assert (nothing.U, nothing.V) == (G1_IDENTITY, G1_IDENTITY)
    with pytest.raises(BlindingError, match="identity"):
        verify_blinding(nothing, ev.ct, key(), request=REQUEST)
    for bad in (
        dataclasses.replace(blinded, U=G1_IDENTITY),
        dataclasses.replace(blinded, V=G1_IDENTITY),
    ):
        with pytest.raises(BlindingError):
            verify_blinding(bad, ev.ct, key(), request=REQUEST)
        with pytest.raises(DecodeError):
            BlindedCiphertext.decode(bad.encode())


def test_decoding_is_strict() -> None:
    _, blinded = _one_blinding()
    octets = blinded.encode()
    assert len(octets) == BLINDED_LENGTH
    assert BlindedCiphertext.decode(octets) == blinded
    for bad in (octets[:-1], octets + b"\x00", b""):
        with pytest.raises(DecodeError):
            BlindedCiphertext.decode(bad)
    for at in (96, 128, 160):  # each scalar at r
        with pytest.raises(DecodeError):
            BlindedCiphertext.decode(octets[:at] + R.to_bytes(32, "big") + octets[at + 32 :])
    with pytest.raises(DecodeError):
        BlindedCiphertext.decode(octets[:1] + bytes([octets[1] ^ 1]) + octets[2:])


# --------------------------------------------------------------------------- shares


def test_a_wrong_share_is_caught_and_its_trustee_named() -> None:
    ev, blinded = _one_blinding()
    partials = shares(ev, blinded, (1, 2, 4))
    partials[1] = dataclasses.replace(partials[1], share=partials[1].share + BP1)
    with pytest.raises(PartialDecryptionError) as caught:
        opened(blinded, partials)
    assert caught.value.bad_indexes == (2,)


def test_k_minus_one_trustees_get_nothing() -> None:
    ev, blinded = _one_blinding()
    partials = shares(ev, blinded, (2, 5))
    with pytest.raises(NotEnoughSharesError):
        opened(blinded, partials)
    # Lagrange over two shares gives neither M nor b·M.
    two = blinded.V - msm_g1([d.share for d in partials], lagrange_at_zero([2, 5]))
    assert two != handle_point(ev.handle)
    assert two != blinded.V - blinded.U * secret_x()


def test_shares_for_one_request_or_copy_open_no_other() -> None:
    ev, blinded = _one_blinding()
    partials = shares(ev, blinded)
    joint = ceremony().result.joint_key()
    with pytest.raises(PartialDecryptionError):  # the same copy filed under another request
        combine_blinded(blinded, partials, key=joint, request=REQUEST[::-1])
    again = blind(ev.ct, key(), request=REQUEST, b=random_scalar(), s=random_scalar())
    with pytest.raises(PartialDecryptionError):  # another blinded copy
        opened(again, partials)
    with pytest.raises(VerificationError):  # the trustee checks the source's label first
        trustee_decrypt_blinded(ceremony().key_shares[1], ev.ct, blinded, key(), FORUM_B,
                                request=REQUEST)  # fmt: skip
    with pytest.raises(InvalidArgumentError):  # a share of another key
        trustee_decrypt_blinded(run_ceremony(3, 2).key_shares[1], ev.ct, blinded, key(),
                                FORUM_A, request=REQUEST)  # fmt: skip


@pytest.mark.parametrize("defect", sorted(g1_defects()))
@pytest.mark.parametrize("slot", [0, 48], ids=["U'", "V'"])
def test_each_malformed_point_is_a_decode_error(defect: str, slot: int) -> None:
    octets = _one_blinding()[1].encode()
    with pytest.raises(DecodeError):
        BlindedCiphertext.decode(octets[:slot] + g1_defects()[defect] + octets[slot + 48 :])


@pytest.mark.parametrize("defect", sorted(set(SCALAR_DEFECTS) - {"zero"}))  # 0 is a scalar
@pytest.mark.parametrize("slot", [96, 128, 160], ids=["c", "z_b", "z_s"])
def test_each_malformed_scalar_is_a_decode_error(defect: str, slot: int) -> None:
    octets = _one_blinding()[1].encode()
    with pytest.raises(DecodeError):
        BlindedCiphertext.decode(octets[:slot] + SCALAR_DEFECTS[defect] + octets[slot + 32 :])


# --------------------------------------------------------------------------- stored values

#: A blinding made once by this code of the stored TDH2 ciphertext of test_escrow_keys
#: (key y = 20261201·G), for REQUEST, with (b, s) = blinding_scalars(bytes(range(100, 132))).
#: The proof's challenge hashes fixed labels and blinding_scalars fixed suffixes: an opening
#: on the ledger, and an authority's recomputed (b, s), must still check after any change.
_SEED = bytes(range(100, 132))
_B = "3fc43453083dfd201862a1e240cf44612f979672fe2f74e6bf931fe1df66a5e3"
_S = "3d85c4dbf2d29d964105a9b4cd1557d6272f110e4ce3dc58e48edb1d64440052"
_BLINDED = (
    "b2c0498033cc34d49055e12b5d6ca552de23565f8238373cc596f0a03cc30e8e181396b1518e6615d035e0"
    "7c383a4b1da408e14bc288ce6aff6be2c313e43f1ebd1694fae03cd77b22de16f6ae4b9f8c3d7b73c01ce5"
    "12c2cd72fec3352992bc25d6b785575f33a758d8796fe6ffc0bac71ad9cb2446f694760f725386465d1a6d"
    "35a77f798eacd8d77c746b16e8cd970317642d870b27c6ce5ea1d379e009461611f3c85c34c23f3447f3b3"
    "3eadf64844ced4596f6fc00b8e13c6eead296912"
)


def _stored() -> tuple[EscrowKey, EscrowCiphertext, BlindedCiphertext]:
    from tests.crypto.test_escrow_keys import _CIPHERTEXT, _KEY

    key = EscrowKey.decode(bytes.fromhex(_KEY))
    ct = EscrowCiphertext.decode(bytes.fromhex(_CIPHERTEXT))
    return key, ct, BlindedCiphertext.decode(bytes.fromhex(_BLINDED))


def test_a_stored_blinding_still_verifies() -> None:
    key, ct, blinded = _stored()
    verify_blinding(blinded, ct, key, request=REQUEST)
    with pytest.raises(BlindingError):
        verify_blinding(blinded, ct, key, request=REQUEST[::-1])


def test_blinding_scalars_of_a_stored_seed_are_the_ones_used() -> None:
    b, s = blinding_scalars(_SEED)
    assert (encode_scalar(b).hex(), encode_scalar(s).hex()) == (_B, _S)
    _, ct, blinded = _stored()
    assert ct.U * b + escrow_base() * s == blinded.U


@pytest.mark.parametrize("which", ["b", "s"])
def test_blind_refuses_either_scalar_as_an_int(which: str) -> None:
    ev, b, s = evidence(), random_scalar(), random_scalar()
    args = {"b": b, "s": s, which: 5}
    with pytest.raises(InvalidArgumentError, match="scalars"):
        blind(ev.ct, key(), request=REQUEST, **args)  # type: ignore[arg-type]


@pytest.mark.parametrize("at", [96, 128, 160])
def test_a_zero_proof_scalar_decodes_and_fails_verification(at: int) -> None:
    """Responses and challenge are any scalar, zero included: a zero one is a proof that
    fails to verify (BlindingError), not a malformed encoding (DecodeError)."""
    key, ct, blinded = _stored()
    octets = blinded.encode()
    zero = BlindedCiphertext.decode(octets[:at] + bytes(32) + octets[at + 32 :])
    assert Scalar(0) in (zero.challenge, zero.z_b, zero.z_s)
    with pytest.raises(BlindingError):
        verify_blinding(zero, ct, key, request=REQUEST)


def test_the_share_context_of_a_stored_blinding_is_unchanged() -> None:
    """Each trustee's DLEQ proof binds this digest: a share on the ledger must still check."""
    _, _, blinded = _stored()
    assert blinded.share_context(REQUEST).hex() == (
        "17134f5a3dfa6850fa15ecef9c59706e723a3117e89d4301a3d2fe296eac67d8"
    )
    assert blinded.share_context(REQUEST[:-1]) != blinded.share_context(REQUEST)
