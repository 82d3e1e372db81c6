"""The core operations of draft-irtf-cfrg-bbs-signatures (§3.6, §3.7, §4.1-§4.2).

They work on scalars and generator lists and are shared by the three
interfaces (core, blind, pseudonym), which differ only in how they map their
inputs to scalars and generators, and in what the pseudonym interface adds to
the challenge. Names and steps follow the draft; where the code folds two of
the draft's steps into one multi-scalar multiplication, the comment says so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from realdid.crypto._backend import (
    BP2,
    G1,
    G1_IDENTITY,
    G2,
    Scalar,
    as_octets_list,
    encode_g1,
    msm_g1,
    pairing_product_is_one,
)
from realdid.crypto._codec import (
    Proof,
    i2osp8,
    octets_to_pubkey,
    octets_to_signature,
    proof_to_octets,
    signature_to_octets,
)
from realdid.crypto.generators import Generators, p1
from realdid.crypto.randomness import UnsafeMockedRng, calculate_random_scalars
from realdid.crypto.suites import Ciphersuite
from realdid.errors import InvalidArgumentError, VerificationError

__all__ = [
    "Api",
    "ChallengeExtension",
    "InitResult",
    "calculate_domain",
    "core_proof_gen",
    "core_proof_verify",
    "core_sign",
    "core_verify",
    "finalize_sign",
    "messages_to_scalars",
    "proof_challenge_calculate",
    "proof_finalize",
    "proof_init",
    "proof_verify_challenge",
    "proof_verify_init",
]

_ONE = Scalar(1)


@dataclass(frozen=True, slots=True)
class Api:
    """An interface's context: its ciphersuite and api_id, and the DSTs derived from them."""

    suite: Ciphersuite
    api_id: bytes

    @property
    def h2s_dst(self) -> bytes:
        return self.api_id + b"H2S_"

    def hash_to_scalar(self, msg_octets: bytes) -> Scalar:
        """hash_to_scalar with api_id || "H2S_" (e, domain and every challenge share it)."""
        return self.suite.hash_to_scalar(msg_octets, self.api_id + b"H2S_")


def messages_to_scalars(messages: Sequence[bytes], api: Api) -> list[Scalar]:
    """messages_to_scalars (§4.1.2): hash each message with MAP_MSG_TO_SCALAR_AS_HASH_."""
    dst = api.api_id + b"MAP_MSG_TO_SCALAR_AS_HASH_"
    return [api.suite.hash_to_scalar(m, dst) for m in as_octets_list(messages, "messages")]


def calculate_domain(
    pk: bytes, q1_octets: bytes, h_octets: Sequence[bytes], header: bytes, api: Api
) -> Scalar:
    """calculate_domain (§4.2.3).

    dom_input = PK || serialize((L, Q_1, H_1..H_L)) || api_id || I2OSP(len(header), 8) || header
    (the 8-byte length is present even for an empty header).
    """
    dom_input = b"".join(
        (
            pk,
            i2osp8(len(h_octets)),
            q1_octets,
            *h_octets,
            api.api_id,
            i2osp8(len(header)),
            header,
        )
    )
    return api.hash_to_scalar(dom_input)


def finalize_sign(sk: Scalar, B: G1, e: Scalar) -> bytes:
    """A = B·(SK + e)^-1; signature = A || e (the last steps of CoreSign)."""
    denominator = sk + e
    if B == G1_IDENTITY or denominator.is_zero():
        raise InvalidArgumentError("sign: degenerate input (B is the identity or SK + e = 0)")
    return signature_to_octets(B * denominator.inverse(), e)


def core_sign(
    sk: Scalar,
    pk: bytes,
    generators: Generators,
    header: bytes,
    scalars: Sequence[Scalar],
    api: Api,
) -> bytes:
    """CoreSign (§3.6.1).

    1. domain = calculate_domain(PK, Q_1, (H_1..H_L), header)
    2. e = hash_to_scalar(serialize((SK, msg_1..msg_L, domain)))
    3. B = P1 + Q_1·domain + Σ H_i·msg_i          (one MSM)
    4. A = B·(SK + e)^-1
    PK is validated first (cached), as the draft's security considerations advise.
    """
    octets_to_pubkey(pk)
    P1, _ = p1(api.suite)
    domain = calculate_domain(pk, generators.octets[0], generators.octets[1:], header, api)
    e = api.hash_to_scalar(b"".join(s.to_be_bytes() for s in (sk, *scalars, domain)))
    B = msm_g1((P1, *generators.points), (_ONE, domain, *scalars))
    return finalize_sign(sk, B, e)


def core_verify(
    pk: bytes,
    signature: bytes,
    generators: Generators,
    header: bytes,
    scalars: Sequence[Scalar],
    api: Api,
) -> None:
    """CoreVerify (§3.6.2): accept iff e(A, W)·e(A·e − B, BP2) = 1.

    A·e − B = A·e − P1 − Q_1·domain − Σ H_i·msg_i is one MSM, so verification
    needs no G2 multiplication and one two-term pairing product.
    """
    A, e = octets_to_signature(signature)
    W = octets_to_pubkey(pk)
    if len(generators) != len(scalars) + 1:
        raise InvalidArgumentError("verify: generator count does not match messages")
    P1, _ = p1(api.suite)
    domain = calculate_domain(pk, generators.octets[0], generators.octets[1:], header, api)
    X = msm_g1((A, P1, *generators.points), (e, -_ONE, -domain, *(-m for m in scalars)))
    if not pairing_product_is_one((A, X), (W, BP2)):
        raise VerificationError("signature does not verify")


@dataclass(frozen=True, slots=True)
class InitResult:
    """ProofInit / ProofVerifyInit output: (Abar, Bbar, D, T1, T2, domain), plus encodings."""

    Abar: G1
    Bbar: G1
    D: G1
    T1: G1
    T2: G1
    domain: Scalar
    points_octets: bytes  # Abar || Bbar || D || T1 || T2, compressed

    @property
    def proof_points_octets(self) -> bytes:
        """Abar || Bbar || D: the head of the serialized proof."""
        return self.points_octets[:144]


def proof_init(
    pk: bytes,
    A: G1,
    e: Scalar,
    generators: Generators,
    random_scalars: Sequence[Scalar],
    header: bytes,
    scalars: Sequence[Scalar],
    undisclosed_indexes: Sequence[int],
    api: Api,
) -> InitResult:
    """ProofInit (§3.7.1).

    random_scalars = (r1, r2, e~, r1~, r3~, m~_j1..m~_jU)
    D    = B·r2 = P1·r2 + Q_1·(domain·r2) + Σ H_i·(msg_i·r2)   (B folded into one MSM)
    Abar = A·(r1·r2)
    Bbar = D·r1 − Abar·e
    T1   = Abar·e~ + D·r1~
    T2   = D·r3~ + Σ_undisclosed H_j·m~_j
    """
    P1, _ = p1(api.suite)
    r1, r2, e_tilde, r1_tilde, r3_tilde = random_scalars[:5]
    m_tilde = random_scalars[5:]
    domain = calculate_domain(pk, generators.octets[0], generators.octets[1:], header, api)
    H = generators.points[1:]
    D = msm_g1((P1, *generators.points), (r2, domain * r2, *(m * r2 for m in scalars)))
    Abar = A * (r1 * r2)
    Bbar = msm_g1((D, Abar), (r1, -e))
    T1 = msm_g1((Abar, D), (e_tilde, r1_tilde))
    T2 = msm_g1((D, *(H[j] for j in undisclosed_indexes)), (r3_tilde, *m_tilde))
    octets = b"".join(encode_g1(X) for X in (Abar, Bbar, D, T1, T2))
    return InitResult(Abar=Abar, Bbar=Bbar, D=D, T1=T1, T2=T2, domain=domain, points_octets=octets)


def proof_challenge_calculate(
    init_res: InitResult,
    disclosed_scalars: Sequence[Scalar],
    disclosed_indexes: Sequence[int],
    ph: bytes,
    api: Api,
    *,
    extra_points_octets: bytes = b"",
    trailer: bytes = b"",
) -> Scalar:
    """ProofChallengeCalculate (§3.7.4).

    c = hash_to_scalar(serialize((R, i_1, msg_i1, .., i_R, msg_iR, Abar, Bbar, D, T1, T2,
        [extra points], domain)) || I2OSP(len(ph), 8) || ph || [trailer])
    The pseudonym draft (§8.1) inserts (pseudonym, Ut) as extra points and appends
    I2OSP(len(context_id), 8) || context_id as the trailer.
    """
    parts = [i2osp8(len(disclosed_indexes))]
    for i, m in zip(disclosed_indexes, disclosed_scalars, strict=True):
        parts.append(i2osp8(i))
        parts.append(m.to_be_bytes())
    parts += [
        init_res.points_octets,
        extra_points_octets,
        init_res.domain.to_be_bytes(),
        i2osp8(len(ph)),
        ph,
        trailer,
    ]
    return api.hash_to_scalar(b"".join(parts))


def proof_finalize(
    init_res: InitResult,
    challenge: Scalar,
    e: Scalar,
    random_scalars: Sequence[Scalar],
    undisclosed_scalars: Sequence[Scalar],
) -> bytes:
    """ProofFinalize (§3.7.2): the responses, then proof_to_octets.

    e^ = e~ + e·c;  r1^ = r1~ − r1·c;  r3^ = r3~ − r2^-1·c;  m^_j = m~_j + msg_j·c
    """
    r1, r2, e_tilde, r1_tilde, r3_tilde = random_scalars[:5]
    m_tilde = random_scalars[5:]
    return proof_to_octets(
        init_res.proof_points_octets,
        e_tilde + e * challenge,
        r1_tilde - r1 * challenge,
        r3_tilde - r2.inverse() * challenge,
        [mt + m * challenge for mt, m in zip(m_tilde, undisclosed_scalars, strict=True)],
        challenge,
    )


#: Extends a proof's challenge: given the random scalars, returns
#: (extra points inserted before domain, trailer appended after ph).
ChallengeExtension = Callable[[Sequence[Scalar]], tuple[bytes, bytes]]


def core_proof_gen(
    pk: bytes,
    signature: bytes,
    generators: Generators,
    header: bytes,
    ph: bytes,
    scalars: Sequence[Scalar],
    disclosed_indexes: Sequence[int],
    api: Api,
    unsafe_mocked_rng: UnsafeMockedRng | None,
    *,
    extension: ChallengeExtension | None = None,
) -> bytes:
    """CoreProofGen (§3.6.3). ``disclosed_indexes`` already checked by the caller.

    1. random_scalars = calculate_random_scalars(5 + U)
    2. init_res = ProofInit(...)
    3. challenge = ProofChallengeCalculate(init_res, ..., ph) [+ extension's terms]
    4. proof = ProofFinalize(init_res, challenge, e, random_scalars, undisclosed)
    The pseudonym draft's CoreProofGenWithNym is this with an ``extension``
    that computes (pseudonym, Ut) and the context_id trailer.
    """
    A, e = octets_to_signature(signature)
    octets_to_pubkey(pk)  # the draft recommends validating PK here; cached
    disclosed = set(disclosed_indexes)
    undisclosed = [i for i in range(len(scalars)) if i not in disclosed]
    random_scalars = calculate_random_scalars(5 + len(undisclosed), api.suite, unsafe_mocked_rng)
    init_res = proof_init(pk, A, e, generators, random_scalars, header, scalars, undisclosed, api)
    extra_points_octets, trailer = (b"", b"") if extension is None else extension(random_scalars)
    challenge = proof_challenge_calculate(
        init_res,
        [scalars[i] for i in disclosed_indexes],
        disclosed_indexes,
        ph,
        api,
        extra_points_octets=extra_points_octets,
        trailer=trailer,
    )
    return proof_finalize(init_res, challenge, e, random_scalars, [scalars[i] for i in undisclosed])


def proof_verify_init(
    pk: bytes,
    proof: Proof,
    generators: Generators,
    header: bytes,
    disclosed_scalars: Sequence[Scalar],
    disclosed_indexes: Sequence[int],
    api: Api,
) -> InitResult:
    """ProofVerifyInit (§3.7.3).

    T1 = Bbar·c + Abar·e^ + D·r1^
    T2 = (P1 + Q_1·domain + Σ_disclosed H_i·msg_i)·c + D·r3^ + Σ_undisclosed H_j·m^_j
    (T2 as one MSM: the disclosed part's products are pre-multiplied by c.)
    """
    L = len(disclosed_indexes) + len(proof.m_hat)
    if len(generators) != L + 1:
        raise InvalidArgumentError("proof verify: generator count does not match the proof")
    P1, _ = p1(api.suite)
    c = proof.challenge
    domain = calculate_domain(pk, generators.octets[0], generators.octets[1:], header, api)
    H = generators.points[1:]
    disclosed = set(disclosed_indexes)
    undisclosed_H = [H[j] for j in range(L) if j not in disclosed]
    T1 = msm_g1((proof.Bbar, proof.Abar, proof.D), (c, proof.e_hat, proof.r1_hat))
    T2 = msm_g1(
        (P1, generators.points[0], *(H[i] for i in disclosed_indexes), proof.D, *undisclosed_H),
        (
            c,
            domain * c,
            *(m * c for m in disclosed_scalars),
            proof.r3_hat,
            *proof.m_hat,
        ),
    )
    octets = proof.points_octets + encode_g1(T1) + encode_g1(T2)
    return InitResult(
        Abar=proof.Abar, Bbar=proof.Bbar, D=proof.D, T1=T1, T2=T2, domain=domain,
        points_octets=octets,
    )  # fmt: skip


def proof_verify_challenge(
    pk: bytes,
    proof: Proof,
    generators: Generators,
    header: bytes,
    ph: bytes,
    disclosed_scalars: Sequence[Scalar],
    disclosed_indexes: Sequence[int],
    api: Api,
    *,
    extra_points_octets: bytes = b"",
    trailer: bytes = b"",
) -> G2:
    """CoreProofVerify (§3.6.4) up to, not including, the pairing check.

    Recomputes the challenge and compares it; returns W, so the caller can
    check e(Abar, W)·e(Bbar, −BP2) = 1 alone or, batched, across many proofs.
    """
    W = octets_to_pubkey(pk)
    init_res = proof_verify_init(
        pk, proof, generators, header, disclosed_scalars, disclosed_indexes, api
    )
    challenge = proof_challenge_calculate(
        init_res,
        disclosed_scalars,
        disclosed_indexes,
        ph,
        api,
        extra_points_octets=extra_points_octets,
        trailer=trailer,
    )
    if challenge != proof.challenge:
        raise VerificationError("proof does not verify")
    return W


def core_proof_verify(
    pk: bytes,
    proof: Proof,
    generators: Generators,
    header: bytes,
    ph: bytes,
    disclosed_scalars: Sequence[Scalar],
    disclosed_indexes: Sequence[int],
    api: Api,
    *,
    extra_points_octets: bytes = b"",
    trailer: bytes = b"",
) -> None:
    """CoreProofVerify (§3.6.4): recompute the challenge, then e(Abar, W)·e(Bbar, −BP2) = 1."""
    W = proof_verify_challenge(
        pk,
        proof,
        generators,
        header,
        ph,
        disclosed_scalars,
        disclosed_indexes,
        api,
        extra_points_octets=extra_points_octets,
        trailer=trailer,
    )
    if not pairing_product_is_one((proof.Abar, -proof.Bbar), (W, BP2)):
        raise VerificationError("proof does not verify")
