"""Per-verifier linkability: draft-irtf-cfrg-bbs-per-verifier-linkability-02.

A holder's *nym secrets* (a vector of N scalars) are signed blindly inside a
credential; for each verifier's ``context_id`` the holder shows

    pseudonym = OP · Σ_{i<N} nym_secrets[i]·z^i,
    OP = hash_to_curve_g1(context_id, api_id),
    z  = hash_to_scalar(context_id, api_id || "VECT_NYM_SECRETS")

with a proof that the nym secrets are the ones in the credential. One holder
has one pseudonym per context_id, and pseudonyms for different context_ids
are unlinkable. The last nym secret is the holder's part plus the signer's
``signer_nym_entropy``, so a holder cannot pick (or reuse someone's) secrets.

api_id = ciphersuite_id || "H2G_HM2S_PSEUDONYM_". Built on Blind BBS: the
signed list is (messages, prover blind, committed messages, nym_secrets),
against generators (Q_1, H.., Q_2, J..); the header is always
``header || I2OSP(N, 8)``, which binds N into the signature (a holder cannot
switch to a shorter vector). The text has many leftovers; where it disagrees
with the fixtures, the fixtures win (docs/crypto.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from realdid.crypto._backend import (
    BP1,
    G1,
    G1_IDENTITY,
    Scalar,
    as_octets,
    decode_g1,
    decode_scalar,
    encode_g1,
    msm_g1,
)
from realdid.crypto._codec import decode_scalar_list, i2osp8, octets_to_proof
from realdid.crypto._core import (
    Api,
    core_proof_gen,
    core_proof_verify,
    core_verify,
    messages_to_scalars,
)
from realdid.crypto.blind import (
    core_commit,
    finalize_blind_sign,
    prepare_parameters,
    proof_indexes,
    proof_layout,
    signing_generators,
    validate_commit,
)
from realdid.crypto.generators import MAX_MESSAGES, check_message_count
from realdid.crypto.randomness import UnsafeMockedRng
from realdid.crypto.suites import BLS12_381_SHA_256, Ciphersuite
from realdid.errors import DecodeError, InvalidArgumentError, VerificationError

__all__ = [
    "blind_sign_with_nym",
    "calculate_pseudonym",
    "commit_with_nym",
    "proof_gen_with_nym",
    "proof_verify_with_nym",
    "verify_finalize_with_nym",
]


def _api(ciphersuite: Ciphersuite) -> Api:
    return Api(ciphersuite, ciphersuite.nym_api_id)


def _check_n(length_nym_vector: int) -> int:
    if type(length_nym_vector) is not int or not 1 <= length_nym_vector <= MAX_MESSAGES:
        raise InvalidArgumentError(f"length_nym_vector: want an int in 1..{MAX_MESSAGES}")
    return length_nym_vector


def _combined_header(header: bytes, n: int) -> bytes:
    """header || I2OSP(length_nym_vector, 8): used wherever the header is."""
    return as_octets(header, "header") + i2osp8(n)


#: context ids longer than this are hashed to the curve on every call, not cached,
#: so the cache stays small whatever ids callers use (1024 × 256 bytes at most).
_CACHED_CONTEXT_ID_MAX = 256


@lru_cache(maxsize=1024)
def _cached_op_and_z(suite: Ciphersuite, api_id: bytes, context_id: bytes) -> tuple[G1, Scalar]:
    return _compute_op_and_z(suite, api_id, context_id)


def _compute_op_and_z(suite: Ciphersuite, api_id: bytes, context_id: bytes) -> tuple[G1, Scalar]:
    OP = suite.hash_to_curve_g1(context_id, api_id)
    z = suite.hash_to_scalar(context_id, api_id + b"VECT_NYM_SECRETS")
    return OP, z


def _op_and_z(suite: Ciphersuite, api_id: bytes, context_id: bytes) -> tuple[G1, Scalar]:
    """OP = hash_to_curve_g1(context_id, api_id); z = hash_to_scalar(context_id, api_id ||
    "VECT_NYM_SECRETS"). Cached for short ids: a verifier sees its own on every proof."""
    if len(context_id) <= _CACHED_CONTEXT_ID_MAX:
        return _cached_op_and_z(suite, api_id, context_id)
    return _compute_op_and_z(suite, api_id, context_id)


def _poly(coefficients: Sequence[Scalar], z: Scalar) -> Scalar:
    """Σ coefficients[i]·z^i, by Horner's rule."""
    acc = Scalar(0)
    for coefficient in reversed(coefficients):
        acc = acc * z + coefficient
    return acc


def _decode_pseudonym(pseudonym: bytes) -> G1:
    """A pseudonym is a G1 point other than the identity and BP1 (§3.3)."""
    point = decode_g1(pseudonym, "pseudonym")
    if point == BP1:
        raise DecodeError("pseudonym: the base point BP1 is not allowed")
    return point


def commit_with_nym(
    committed_messages: Sequence[bytes],
    prover_nyms: Sequence[bytes],
    *,
    ciphersuite: Ciphersuite = BLS12_381_SHA_256,
    unsafe_mocked_rng: UnsafeMockedRng | None = None,
) -> tuple[bytes, bytes]:
    """CommitWithNym (§6.1.1): commit to the messages followed by the N prover nyms.

    prover_nyms are N >= 1 random 32-byte scalars the holder keeps. Returns
    (commitment_with_proof, secret_prover_blind), as Blind BBS's Commit.
    """
    n = _check_n(len(prover_nyms))
    check_message_count(len(committed_messages) + n)
    api = _api(ciphersuite)
    scalars = [
        *messages_to_scalars(committed_messages, api),
        *decode_scalar_list(prover_nyms, "prover_nyms", allow_zero=False),
    ]
    return core_commit(scalars, api, unsafe_mocked_rng)


def blind_sign_with_nym(
    sk: bytes,
    pk: bytes,
    commitment_with_proof: bytes,
    length_nym_vector: int,
    signer_nym_entropy: bytes,
    header: bytes = b"",
    messages: Sequence[bytes] = (),
    *,
    ciphersuite: Ciphersuite = BLS12_381_SHA_256,
) -> bytes:
    """BlindSignWithNym (§6.1.2).

    Checks the commitment (it must hold at least N values), then signs with
    B = P1 + Q_1·domain + Σ H_i·msg_i + C + J_last·signer_nym_entropy over
    header || I2OSP(N, 8). The signer sends signer_nym_entropy (fresh per
    holder, 32 bytes) back with the signature.
    """
    SK = decode_scalar(sk, "secret key")
    n = _check_n(length_nym_vector)
    entropy = decode_scalar(signer_nym_entropy, "signer_nym_entropy")
    check_message_count(len(messages))
    api = _api(ciphersuite)
    C, m_total = validate_commit(as_octets(commitment_with_proof, "commitment_with_proof"), api)
    check_message_count(len(messages) + m_total)  # what the holder will have to handle
    if m_total < n:
        raise InvalidArgumentError(
            f"commitment_with_proof: holds {m_total} values, fewer than the {n} nym secrets"
        )
    generators = signing_generators(len(messages), m_total + 1, api)
    return finalize_blind_sign(
        SK,
        as_octets(pk, "pk"),
        C,
        generators,
        _combined_header(header, n),
        messages_to_scalars(messages, api),
        api,
        extra_points=(generators.points[-1],),
        extra_scalars=(entropy,),
    )


def _nym_secrets(prover_nyms: Sequence[bytes], signer_nym_entropy: bytes) -> list[Scalar]:
    """nym_secrets = prover_nyms with the last entry increased by signer_nym_entropy."""
    nyms = decode_scalar_list(prover_nyms, "prover_nyms", allow_zero=False)
    entropy = decode_scalar(signer_nym_entropy, "signer_nym_entropy")
    nyms[-1] = nyms[-1] + entropy
    if nyms[-1].is_zero():  # probability 2^-255; such a credential could never be shown
        raise InvalidArgumentError("nym secret: prover nym and signer entropy cancel out")
    return nyms


def verify_finalize_with_nym(
    pk: bytes,
    signature: bytes,
    header: bytes,
    messages: Sequence[bytes],
    committed_messages: Sequence[bytes],
    prover_nyms: Sequence[bytes],
    signer_nym_entropy: bytes,
    secret_prover_blind: bytes | None,
    *,
    ciphersuite: Ciphersuite = BLS12_381_SHA_256,
) -> list[bytes]:
    """VerifyFinalizeWithNym (§6.1.3): verify the signature and return the nym_secrets.

    Raises VerificationError if the signature does not verify over
    (messages, blind, committed_messages, nym_secrets).
    """
    n = _check_n(len(prover_nyms))
    check_message_count(len(messages) + len(committed_messages) + n)
    api = _api(ciphersuite)
    nym_secrets = _nym_secrets(prover_nyms, signer_nym_entropy)
    scalars = prepare_parameters(
        messages, committed_messages, secret_prover_blind, api, nym_secrets=nym_secrets
    )
    generators = signing_generators(len(messages), len(committed_messages) + n + 1, api)
    core_verify(
        as_octets(pk, "pk"),
        as_octets(signature, "signature"),
        generators,
        _combined_header(header, n),
        scalars,
        api,
    )
    return [s.to_be_bytes() for s in nym_secrets]


def calculate_pseudonym(
    context_id: bytes,
    nym_secrets: Sequence[bytes],
    *,
    ciphersuite: Ciphersuite = BLS12_381_SHA_256,
) -> bytes:
    """The pseudonym for context_id (§4): OP · Σ nym_secrets[i]·z^i, 48 bytes."""
    _check_n(len(nym_secrets))
    api = _api(ciphersuite)
    OP, z = _op_and_z(api.suite, api.api_id, as_octets(context_id, "context_id"))
    pseudonym = OP * _poly(decode_scalar_list(nym_secrets, "nym_secrets", allow_zero=False), z)
    if pseudonym in (G1_IDENTITY, BP1):
        raise InvalidArgumentError("pseudonym: degenerate nym secrets")
    return encode_g1(pseudonym)


def proof_gen_with_nym(
    pk: bytes,
    signature: bytes,
    header: bytes,
    ph: bytes,
    nym_secrets: Sequence[bytes],
    context_id: bytes,
    messages: Sequence[bytes] = (),
    committed_messages: Sequence[bytes] = (),
    disclosed_indexes: Sequence[int] = (),
    disclosed_commitment_indexes: Sequence[int] = (),
    secret_prover_blind: bytes | None = None,
    *,
    ciphersuite: Ciphersuite = BLS12_381_SHA_256,
    unsafe_mocked_rng: UnsafeMockedRng | None = None,
) -> tuple[bytes, bytes]:
    """ProofGenWithNym (§6.2, §7.1): (proof, pseudonym) for context_id.

    A core BBS proof over header || I2OSP(N, 8) in which the nym secrets
    (the last N signed values) stay hidden, with the challenge extended by
    (pseudonym, Ut) and context_id (§8.1), Ut = OP·Σ m~_i·z^i over the nym
    secrets' blinding scalars (the last N random scalars).
    ``unsafe_mocked_rng`` is for reproducing the drafts' fixtures only.
    """
    n = _check_n(len(nym_secrets))
    L, M = len(messages), len(committed_messages)
    check_message_count(L + M + n)
    indexes = proof_indexes(disclosed_indexes, disclosed_commitment_indexes, L, M)
    api = _api(ciphersuite)
    secrets = decode_scalar_list(nym_secrets, "nym_secrets", allow_zero=False)
    scalars = prepare_parameters(
        messages, committed_messages, secret_prover_blind, api, nym_secrets=secrets
    )
    context_id = as_octets(context_id, "context_id")
    OP, z = _op_and_z(api.suite, api.api_id, context_id)
    pseudonym = OP * _poly(secrets, z)
    if pseudonym in (G1_IDENTITY, BP1):
        raise InvalidArgumentError("pseudonym: degenerate nym secrets")
    pseudonym_octets = encode_g1(pseudonym)

    def extension(random_scalars: Sequence[Scalar]) -> tuple[bytes, bytes]:
        Ut = OP * _poly(random_scalars[-n:], z)
        if Ut == G1_IDENTITY:
            raise InvalidArgumentError("proof_gen_with_nym: degenerate random scalars")
        return pseudonym_octets + encode_g1(Ut), i2osp8(len(context_id)) + context_id

    proof = core_proof_gen(
        as_octets(pk, "pk"),
        as_octets(signature, "signature"),
        signing_generators(L, M + n + 1, api),
        _combined_header(header, n),
        as_octets(ph, "ph"),
        scalars,
        indexes,
        api,
        unsafe_mocked_rng,
        extension=extension,
    )
    return proof, pseudonym_octets


def proof_verify_with_nym(
    pk: bytes,
    proof: bytes,
    header: bytes,
    ph: bytes,
    pseudonym: bytes,
    context_id: bytes,
    length_nym_vector: int,
    L: int = 0,
    disclosed_messages: Sequence[bytes] = (),
    disclosed_committed_messages: Sequence[bytes] = (),
    disclosed_indexes: Sequence[int] = (),
    disclosed_committed_indexes: Sequence[int] = (),
    *,
    ciphersuite: Ciphersuite = BLS12_381_SHA_256,
) -> None:
    """ProofVerifyWithNym (§6.3, §7.2). N and L come from the credential schema.

    M follows from the proof length: R + U = L + 1 + M + N.
    Uv = OP·Σ m^_i·z^i − pseudonym·c over the last N responses; the challenge
    is recomputed with (pseudonym, Uv) and context_id, then the pairing check.
    Returns None; raises VerificationError if invalid.
    """
    decoded = octets_to_proof(proof)
    n = _check_n(length_nym_vector)
    P = _decode_pseudonym(pseudonym)
    M, indexes = proof_layout(
        decoded, L, disclosed_messages, disclosed_committed_messages, disclosed_indexes,
        disclosed_committed_indexes, nym_count=n,
    )  # fmt: skip
    api = _api(ciphersuite)
    context_id = as_octets(context_id, "context_id")
    OP, z = _op_and_z(api.suite, api.api_id, context_id)
    Uv = msm_g1((OP, P), (_poly(decoded.m_hat[-n:], z), -decoded.challenge))
    if Uv == G1_IDENTITY:
        raise VerificationError("proof does not verify")
    core_proof_verify(
        as_octets(pk, "pk"),
        decoded,
        signing_generators(L, M + n + 1, api),
        _combined_header(header, n),
        as_octets(ph, "ph"),
        messages_to_scalars([*disclosed_messages, *disclosed_committed_messages], api),
        indexes,
        api,
        extra_points_octets=encode_g1(P) + encode_g1(Uv),
        trailer=i2osp8(len(context_id)) + context_id,
    )
