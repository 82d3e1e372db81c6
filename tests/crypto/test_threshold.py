"""Threshold decryption with verifiable shares, and the sharing tools the DKG uses.

The key is Shamir-shared directly here (no DKG), so these tests stand on
their own: x = f(0), x_j = f(j), Y_j = x_j·G, y = x·G.
"""

from __future__ import annotations

import itertools
import random
import secrets
from dataclasses import replace
from functools import cache

import pytest

from realdid.crypto._backend import G1, G1_IDENTITY, R, Scalar, encode_g1, msm_g1
from realdid.crypto.groups import dkg_pedersen_h, escrow_base
from realdid.crypto.threshold import (
    MAX_INDEX,
    PARTIAL_DECRYPTION_LENGTH,
    JointKey,
    KeyShare,
    NotEnoughSharesError,
    PartialDecryption,
    PartialDecryptionError,
    _dleq_challenge,
    combine,
    dleq_prove,
    dleq_verify,
    evaluate,
    feldman_share_ok,
    interpolate,
    lagrange_at_zero,
    partial_decrypt,
    pedersen_share_ok,
    verify_partial,
)
from realdid.errors import DecodeError, InvalidArgumentError, VerificationError
from tests.crypto.test_malformed import SCALAR_DEFECTS, g1_defects

G = escrow_base()
N, K = 5, 3
CONTEXT = b"ciphertext-digest"


def _scalar(rng: random.Random) -> Scalar:
    return Scalar(rng.randrange(1, R))


@cache
def _setup() -> tuple[dict[int, KeyShare], G1, G1, G1]:
    """Shares of a random x, and a ciphertext (U, V) of a random point M under y = x·G."""
    rng = random.Random(7)
    f = [_scalar(rng) for _ in range(K)]
    y = G * f[0]
    shares = {j: KeyShare(j, evaluate(f, j), G * evaluate(f, j), y) for j in range(1, N + 1)}
    r, M = _scalar(rng), G * _scalar(rng)
    return shares, M, G * r, M + y * r


def _public_shares() -> dict[int, G1]:
    return {j: s.public_share for j, s in _setup()[0].items()}


def _key(threshold: int = K) -> JointKey:
    return JointKey(_setup()[0][1].public_key, threshold, _public_shares())


def _partials(indexes: tuple[int, ...], context: bytes = CONTEXT) -> list[PartialDecryption]:
    shares, _, U, _ = _setup()
    return [partial_decrypt(shares[j], U, context=context) for j in indexes]


def _combine(partials: list[PartialDecryption]) -> G1:
    _, _, U, V = _setup()
    return combine(partials, U, V=V, key=_key(), context=CONTEXT)


# --------------------------------------------------------------------------- decryption


@pytest.mark.parametrize("indexes", list(itertools.combinations(range(1, N + 1), K)))
def test_any_k_valid_partials_combine_to_the_plaintext(indexes: tuple[int, ...]) -> None:
    assert _combine(_partials(indexes)) == _setup()[1]


def test_more_than_k_partials_and_bytes_inputs_also_work() -> None:
    _, M, U, V = _setup()
    partials = [PartialDecryption.from_bytes(p.to_bytes()) for p in _partials((5, 1, 4, 2))]
    got = combine(
        partials,
        encode_g1(U),
        V=encode_g1(V),
        key=_key(),
        context=CONTEXT,
    )
    assert got == M


def test_k_minus_1_partials_are_refused() -> None:
    with pytest.raises(NotEnoughSharesError, match="want at least the key's threshold 3") as e:
        _combine(_partials((1, 2)))
    assert (e.value.got, e.value.threshold) == (2, K)
    assert isinstance(e.value, InvalidArgumentError)


@pytest.mark.parametrize("low", range(1, K))
def test_a_key_claiming_a_lower_threshold_is_refused(low: int) -> None:
    """The defect: with k below the sharing's, Lagrange over k shares gives a wrong
    point and no error. The key's shares must lie on a degree-(k − 1) polynomial."""
    _, M, _, V = _setup()
    partials = _partials(tuple(range(1, low + 1)))
    weights = [-lam for lam in lagrange_at_zero(range(1, low + 1))]
    wrong = msm_g1([V, *(p.share for p in partials)], [Scalar(1), *weights])
    assert wrong != M  # what combining under the false threshold would return
    with pytest.raises(InvalidArgumentError, match=f"degree {low - 1}"):
        _key(low)


def test_a_key_claiming_a_higher_threshold_needs_more_shares_and_stays_right() -> None:
    _, M, U, V = _setup()
    key = _key(K + 1)
    with pytest.raises(NotEnoughSharesError):
        combine(_partials((1, 2, 3)), U, V=V, key=key, context=CONTEXT)
    assert combine(_partials((1, 2, 3, 5)), U, V=V, key=key, context=CONTEXT) == M


def test_a_joint_key_is_checked_when_built() -> None:
    shares, y = _public_shares(), _setup()[0][1].public_key
    for bad in (0, N + 1, True, "3"):
        with pytest.raises(InvalidArgumentError, match="threshold"):
            JointKey(y, bad, shares)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="polynomial"):
        JointKey(y + G, K, shares)  # y off the shares' polynomial
    with pytest.raises(InvalidArgumentError, match="polynomial"):
        JointKey(y, K, {**shares, 5: shares[5] + G})  # one share off it
    with pytest.raises(InvalidArgumentError, match="identity"):
        JointKey(G1_IDENTITY, 1, {1: G1_IDENTITY})
    with pytest.raises(InvalidArgumentError):
        JointKey(y, K, {**shares, 0: G})  # index 0 is the secret's point
    assert JointKey(y, N, shares).threshold == N  # n of n: nothing more to check
    _, _, U, V = _setup()
    with pytest.raises(InvalidArgumentError, match="JointKey"):
        combine(_partials((1, 2, 3)), U, V=V, key=y, context=CONTEXT)  # type: ignore[arg-type]


def test_a_joint_key_checks_types_and_keeps_its_own_copy() -> None:
    shares, y = _public_shares(), _setup()[0][1].public_key
    loose: dict[object, object] = {j: p for j, p in shares.items()}
    bad: tuple[tuple[object, str], ...] = (
        ({**loose, "6": G}, "share index"),  # a str index next to ints: not a TypeError
        ({**loose, 6.0: G}, "share index"),
        ({**loose, 1: encode_g1(shares[1])}, "Y_1"),  # bytes, not a point
        ([(j, p) for j, p in shares.items()], "mapping"),
    )
    for bad_shares, match in bad:
        with pytest.raises(InvalidArgumentError, match=match):
            JointKey(y, K, bad_shares)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="y must be"):
        JointKey(encode_g1(y), K, shares)  # type: ignore[arg-type]
    mine = dict(shares)
    key = JointKey(y, K, mine)
    mine[1], mine[9] = G, G  # changed after the check: the key is not
    assert dict(key.public_shares) == shares
    with pytest.raises(TypeError):  # and nobody changes the key's own
        key.public_shares[1] = G  # type: ignore[index]


def test_duplicate_and_unknown_indexes_are_refused() -> None:
    (p1, p2) = _partials((1, 2))
    with pytest.raises(InvalidArgumentError, match="repeated"):
        _combine([p1, p2, p1])
    with pytest.raises(InvalidArgumentError, match="no public share"):
        _combine([p1, p2, replace(p2, index=9)])
    with pytest.raises(InvalidArgumentError):
        _combine([p1, p2, replace(p2, index=0)])


def _bad_indexes(partials: list[PartialDecryption]) -> tuple[int, ...]:
    with pytest.raises(PartialDecryptionError) as caught:
        _combine(partials)
    assert isinstance(caught.value, VerificationError)
    return caught.value.bad_indexes


def test_wrong_share_is_named() -> None:
    p1, p2, p3 = _partials((1, 2, 3))
    assert _bad_indexes([p1, replace(p2, share=p2.share + G), p3]) == (2,)


def test_proof_for_another_context_is_named() -> None:
    p1, p3 = _partials((1, 3))
    (other,) = _partials((4,), context=b"another ciphertext")
    assert _bad_indexes([p1, other, p3]) == (4,)


def test_swapped_index_is_named() -> None:
    p1, p2, p3 = _partials((1, 2, 3))
    assert _bad_indexes([p1, replace(p2, index=5), p3]) == (5,)
    assert _bad_indexes([replace(p1, index=3), p2, replace(p3, index=1)]) == (1, 3)


def test_wrong_share_with_a_proof_for_it_is_named() -> None:
    """A trustee proving a statement about a different secret still fails against Y_j."""
    shares, _, U, _ = _setup()
    liar = replace(shares[2], secret=shares[2].secret + Scalar(1))
    p1, p3 = _partials((1, 3))
    assert _bad_indexes([p1, partial_decrypt(liar, U, context=CONTEXT), p3]) == (2,)


def test_verify_partial_returns_none_or_names_the_trustee() -> None:
    _, _, U, _ = _setup()
    (p,) = _partials((4,))
    public = _public_shares()
    verify_partial(p, U, public_share=public[4], context=CONTEXT)
    with pytest.raises(PartialDecryptionError, match=r"\[4\]"):
        verify_partial(p, U, public_share=public[3], context=CONTEXT)
    with pytest.raises(PartialDecryptionError, match=r"\[3\]"):  # the index is hashed too
        verify_partial(replace(p, index=3), U, public_share=public[4], context=CONTEXT)
    with pytest.raises(PartialDecryptionError):
        verify_partial(
            replace(p, response=p.response + Scalar(1)), U, public_share=public[4], context=CONTEXT
        )


# --------------------------------------------------------------------------- decoding


def test_partial_decryption_decoding_is_strict() -> None:
    (p,) = _partials((2,))
    good = p.to_bytes()
    assert len(good) == PARTIAL_DECRYPTION_LENGTH
    assert PartialDecryption.from_bytes(good) == p
    bad = [good[:-1], good + b"\x00", b"\x00\x00" + good[2:]]
    bad += [good[:2] + point + good[50:] for point in g1_defects().values()]
    bad += [good[:50] + SCALAR_DEFECTS["equals-r"] + good[82:], good[:82] + b"\xff" * 32]
    for octets in bad:
        with pytest.raises(DecodeError):
            PartialDecryption.from_bytes(octets)


@pytest.mark.parametrize("at", [50, 82])
def test_a_zero_proof_scalar_decodes_and_names_the_trustee(at: int) -> None:
    """Challenge and response are any scalar, zero included: a zero one is a share whose
    proof fails (PartialDecryptionError naming the trustee), not a malformed encoding."""
    _, _, U, _ = _setup()
    (p,) = _partials((2,))
    good = p.to_bytes()
    zero = PartialDecryption.from_bytes(good[:at] + bytes(32) + good[at + 32 :])
    assert Scalar(0) in (zero.challenge, zero.response)
    with pytest.raises(PartialDecryptionError, match=r"\[2\]"):
        verify_partial(zero, U, public_share=_public_shares()[2], context=CONTEXT)


def test_a_partial_decryption_at_the_largest_index_round_trips() -> None:
    """Indexes are 1..MAX_INDEX inclusive: the last one is a trustee, one more is refused."""
    (p,) = _partials((2,))
    last = replace(p, index=MAX_INDEX)
    assert last.to_bytes()[:2] == b"\xff\xff"
    assert PartialDecryption.from_bytes(last.to_bytes()) == last
    with pytest.raises(InvalidArgumentError):
        replace(p, index=MAX_INDEX + 1).to_bytes()


@pytest.mark.parametrize("defect", sorted(g1_defects()))
def test_malformed_ciphertext_points_raise_decode_error(defect: str) -> None:
    shares, _, U, V = _setup()
    octets = g1_defects()[defect]
    with pytest.raises(DecodeError):
        partial_decrypt(shares[1], octets, context=CONTEXT)
    partials = _partials((1, 2, 3))
    for u, v in ((octets, encode_g1(V)), (encode_g1(U), octets)):
        with pytest.raises(DecodeError):
            combine(partials, u, V=v, key=_key(), context=CONTEXT)


def test_key_share_repr_hides_the_secret() -> None:
    share = _setup()[0][1]
    assert str(int(share.secret)) not in repr(share)
    assert "secret" not in repr(share)


# --------------------------------------------------------------------------- sharing tools


def test_lagrange_reconstructs_f_at_zero_and_refuses_zero_and_repeats() -> None:
    rng = random.Random(3)
    f = [_scalar(rng) for _ in range(4)]
    for subset in ((1, 2, 3, 4), (2, 5, 9, 200)):
        total = Scalar(0)
        for lam, j in zip(lagrange_at_zero(subset), subset, strict=True):
            total = total + lam * evaluate(f, j)
        assert total == f[0]
    for indexes in ([0, 1], [1, 1], [1, 2, 2], [-1, 2], [65536]):
        with pytest.raises(InvalidArgumentError):
            lagrange_at_zero(indexes)


def test_interpolate_recovers_every_coefficient() -> None:
    rng = random.Random(4)
    f = [_scalar(rng) for _ in range(4)]
    assert interpolate([(j, evaluate(f, j)) for j in (7, 2, 11, 5)]) == f
    with pytest.raises(InvalidArgumentError):
        interpolate([(1, f[0]), (1, f[1])])


def test_share_checks_accept_exactly_the_right_share() -> None:
    rng = random.Random(5)
    f, g = [_scalar(rng) for _ in range(3)], [_scalar(rng) for _ in range(3)]
    H = dkg_pedersen_h()
    C = [G * a + H * b for a, b in zip(f, g, strict=True)]
    A = [G * a for a in f]
    s, t = evaluate(f, 4), evaluate(g, 4)
    assert pedersen_share_ok(C, 4, s, t)
    assert feldman_share_ok(A, 4, s)
    assert not pedersen_share_ok(C, 4, s, t + Scalar(1))
    assert not pedersen_share_ok(C, 3, s, t)
    assert not feldman_share_ok(A, 4, s + Scalar(1))


def test_dleq_binds_bases_publics_and_statement() -> None:
    x = Scalar(secrets.randbelow(R - 1) + 1)
    B2 = dkg_pedersen_h()
    proof = dleq_prove(x, [G, B2], [G * x, B2 * x], domain=b"d", statement=b"s")
    assert dleq_verify([G, B2], [G * x, B2 * x], proof, domain=b"d", statement=b"s")
    assert not dleq_verify([G, B2], [G * x, B2 * x], proof, domain=b"d", statement=b"t")
    assert not dleq_verify([G, B2], [G * x, B2 * x], proof, domain=b"e", statement=b"s")
    assert not dleq_verify([G, B2], [B2 * x, G * x], proof, domain=b"d", statement=b"s")
    assert not dleq_verify(
        [G, B2], [G * x, B2 * (x + Scalar(1))], proof, domain=b"d", statement=b"s"
    )


def test_dleq_challenge_hashes_the_whole_statement() -> None:
    """Frozen Heart: domain, bases, publics, commitments and statement all move the challenge."""
    P = [G * Scalar(n) for n in range(2, 8)]
    base = (b"domain", [P[0], P[1]], [P[2], P[3]], [P[4], P[5]], b"statement")
    reference = _dleq_challenge(*base)
    variants = [
        (b"domaiN", *base[1:]),
        (base[0], [P[1], P[0]], *base[2:]),
        (*base[:2], [P[3], P[2]], *base[3:]),
        (*base[:3], [P[5], P[4]], base[4]),
        (*base[:4], b"statemenT"),
        (base[0], [P[0]], [P[1], P[2], P[3]], *base[3:]),  # no shifting between fields
    ]
    for variant in variants:
        assert _dleq_challenge(*variant) != reference
