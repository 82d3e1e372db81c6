"""Blind BBS: draft-irtf-cfrg-bbs-blind-signatures, as its fixtures implement it.

The interface of §4 with api_id = ciphersuite_id || "BLIND_H2G_HM2S_": the
prover commits to messages the signer never sees (Commit), the signer checks
the commitment's proof of knowledge (deserialize_and_validate_commit) and
signs (BlindSign); the prover verifies (VerifyBlindSign) and derives proofs
(BlindProofGen / BlindProofVerify) that can disclose any signer or committed
message. Blind generators come from create_generators(M + 1, "BLIND_" || api_id):
Q_2 (pairs with the prover's blind) then J_1..J_M.

Where the -02 text and the official fixtures disagree, the fixtures win
(see docs/crypto.md, "Errata followed"):
* domain is computed over (H_1..H_L, Q_2, J_1..J_M);
* B = P1 + Q_1·domain + Σ H_i·msg_i + C;
* e = hash_to_scalar(serialize((SK, B))) — without the domain the text adds;
* M = (len(commitment_with_proof) − 48 − 64) / 32.
The -03 "committed disclosure" proof format has no official fixtures yet
and is not implemented here.

A committed message j is addressed as index j + L + 1 in the signed list
(signer messages, the prover blind, committed messages); the blind itself is
never disclosed.
"""

from __future__ import annotations

from collections.abc import Sequence

from realdid.crypto._backend import (
    G1,
    G1_IDENTITY,
    Scalar,
    as_octets,
    decode_scalar,
    encode_g1,
    msm_g1,
)
from realdid.crypto._codec import (
    Proof,
    check_indexes,
    commitment_with_proof_to_octets,
    i2osp8,
    octets_to_commitment_with_proof,
    octets_to_proof,
    octets_to_pubkey,
)
from realdid.crypto._core import (
    Api,
    calculate_domain,
    core_proof_gen,
    core_proof_verify,
    core_verify,
    finalize_sign,
    messages_to_scalars,
)
from realdid.crypto.generators import Generators, check_message_count, create_generators, p1
from realdid.crypto.randomness import UnsafeMockedRng, calculate_random_scalars
from realdid.crypto.suites import BLS12_381_SHA_256, Ciphersuite
from realdid.errors import DecodeError, InvalidArgumentError, VerificationError

__all__ = [
    "blind_proof_gen",
    "blind_proof_verify",
    "blind_sign",
    "commit",
    "deserialize_and_validate_commit",
    "verify_blind_sign",
]

_ONE = Scalar(1)
_ZERO = Scalar(0)


def _api(ciphersuite: Ciphersuite) -> Api:
    return Api(ciphersuite, ciphersuite.blind_api_id)


def blind_generators(count: int, api: Api) -> Generators:
    """create_generators(count, "BLIND_" || api_id): Q_2, J_1..J_(count-1)."""
    return create_generators(count, b"BLIND_" + api.api_id, ciphersuite=api.suite)


def signing_generators(L: int, blind_count: int, api: Api) -> Generators:
    """(Q_1, H_1..H_L) followed by (Q_2, J_1..J_M): prepare_parameters' generator list."""
    core = create_generators(L + 1, api.api_id, ciphersuite=api.suite)
    blind = blind_generators(blind_count, api)
    return Generators(core.points + blind.points, core.octets + blind.octets)


def calculate_blind_challenge(C: G1, Cbar: G1, generators: Generators, api: Api) -> Scalar:
    """calculate_blind_challenge (§5.3): H(serialize((M, Q_2, J_1..J_M, C, Cbar)))."""
    M = len(generators) - 1
    return api.hash_to_scalar(
        b"".join((i2osp8(M), *generators.octets, encode_g1(C), encode_g1(Cbar)))
    )


def core_commit(
    committed_scalars: Sequence[Scalar], api: Api, unsafe_mocked_rng: UnsafeMockedRng | None
) -> tuple[bytes, bytes]:
    """CoreCommit (§4.3.1): C = Q_2·blind + Σ J_i·msg_i with a Schnorr proof of its opening.

    random scalars (secret_prover_blind, s~, m~_1..m~_M);
    Cbar = Q_2·s~ + Σ J_i·m~_i; c = calculate_blind_challenge(C, Cbar);
    s^ = s~ + blind·c; m^_i = m~_i + msg_i·c.
    Returns (commitment_with_proof, secret_prover_blind).
    """
    M = len(committed_scalars)
    gens = blind_generators(M + 1, api)
    randoms = calculate_random_scalars(M + 2, api.suite, unsafe_mocked_rng)
    blind, s_tilde, m_tilde = randoms[0], randoms[1], randoms[2:]
    C = msm_g1(gens.points, (blind, *committed_scalars))
    Cbar = msm_g1(gens.points, (s_tilde, *m_tilde))
    c = calculate_blind_challenge(C, Cbar, gens, api)
    s_hat = s_tilde + blind * c
    m_hat = [mt + m * c for mt, m in zip(m_tilde, committed_scalars, strict=True)]
    return commitment_with_proof_to_octets(C, s_hat, m_hat, c), blind.to_be_bytes()


def commit(
    committed_messages: Sequence[bytes] = (),
    *,
    ciphersuite: Ciphersuite = BLS12_381_SHA_256,
    unsafe_mocked_rng: UnsafeMockedRng | None = None,
) -> tuple[bytes, bytes]:
    """Commit (§4.1.1): (commitment_with_proof, secret_prover_blind).

    commitment_with_proof is 48 + 32·(M + 2) bytes and goes to the signer;
    secret_prover_blind (32 bytes) stays with the prover: it is needed to
    verify the signature and to derive proofs, and must never be revealed.
    """
    check_message_count(len(committed_messages), "committed_messages")
    api = _api(ciphersuite)
    return core_commit(messages_to_scalars(committed_messages, api), api, unsafe_mocked_rng)


def validate_commit(commitment_with_proof: bytes, api: Api) -> tuple[G1, int]:
    """deserialize_and_validate_commit (§4.1.2) under ``api``: (C, M).

    An empty input means "no commitment": the identity and M = 0. Otherwise
    decode strictly, then CoreCommitVerify (§4.3.2):
    Cbar = Q_2·s^ + Σ J_i·m^_i − C·c, and c must equal the recomputed challenge.
    """
    if len(commitment_with_proof) == 0:
        return G1_IDENTITY, 0
    decoded = octets_to_commitment_with_proof(commitment_with_proof)
    M = len(decoded.m_hat)
    gens = blind_generators(M + 1, api)
    Cbar = msm_g1((*gens.points, decoded.C), (decoded.s_hat, *decoded.m_hat, -decoded.challenge))
    if calculate_blind_challenge(decoded.C, Cbar, gens, api) != decoded.challenge:
        raise VerificationError("commitment proof does not verify")
    return decoded.C, M


def deserialize_and_validate_commit(
    commitment_with_proof: bytes,
    *,
    allow_empty: bool = False,
    ciphersuite: Ciphersuite = BLS12_381_SHA_256,
) -> None:
    """The signer's commitment check (§4.1.2) on its own, before it decides to sign.

    Returns None; raises DecodeError for a malformed commitment and
    VerificationError when the proof of knowledge of its opening fails.
    The draft reads empty input as "no commitment" (valid); a signer using
    this as a gate usually expects one, so empty input is a DecodeError
    unless ``allow_empty``. BlindSign runs the same check itself (and, as
    the draft says, signs without a commitment when given none).
    """
    octets = as_octets(commitment_with_proof, "commitment_with_proof")
    if not octets and not allow_empty:
        raise DecodeError("commitment_with_proof: empty (no commitment), and one is required")
    validate_commit(octets, _api(ciphersuite))


def finalize_blind_sign(
    sk: Scalar,
    pk: bytes,
    C: G1,
    generators: Generators,
    header: bytes,
    scalars: Sequence[Scalar],
    api: Api,
    *,
    extra_points: Sequence[G1] = (),
    extra_scalars: Sequence[Scalar] = (),
) -> bytes:
    """B_calculate (§5.2) and FinalizeBlindSign (§4.3.3), as the fixtures compute them.

    ``generators`` = (Q_1, H_1..H_L, Q_2, J_1..J_M) with len(scalars) = L.
    domain = calculate_domain(PK, Q_1, (H_1..H_L, Q_2, J_1..J_M), header)
    B = P1 + Q_1·domain + Σ H_i·msg_i + C [+ extra terms, one MSM]
    e = hash_to_scalar(serialize((SK, B)));  A = B·(SK + e)^-1
    PK is validated first (cached).
    """
    octets_to_pubkey(pk)
    P1, _ = p1(api.suite)
    L = len(scalars)
    domain = calculate_domain(pk, generators.octets[0], generators.octets[1:], header, api)
    B = msm_g1(
        (P1, *generators.points[: L + 1], C, *extra_points),
        (_ONE, domain, *scalars, _ONE, *extra_scalars),
    )
    e = api.hash_to_scalar(sk.to_be_bytes() + encode_g1(B))
    return finalize_sign(sk, B, e)


def blind_sign(
    sk: bytes,
    pk: bytes,
    commitment_with_proof: bytes = b"",
    header: bytes = b"",
    messages: Sequence[bytes] = (),
    *,
    ciphersuite: Ciphersuite = BLS12_381_SHA_256,
) -> bytes:
    """BlindSign (§4.2.1): an ordinary 80-byte BBS signature over the signer's
    messages and the prover's committed ones, after checking the commitment."""
    SK = decode_scalar(sk, "secret key")
    check_message_count(len(messages), "messages")
    api = _api(ciphersuite)
    C, M = validate_commit(as_octets(commitment_with_proof, "commitment_with_proof"), api)
    check_message_count(len(messages) + M)  # what the holder will have to handle
    generators = signing_generators(len(messages), M + 1, api)
    scalars = messages_to_scalars(messages, api)
    return finalize_blind_sign(
        SK, as_octets(pk, "pk"), C, generators, as_octets(header, "header"), scalars, api
    )


def prepare_parameters(
    messages: Sequence[bytes],
    committed_messages: Sequence[bytes],
    secret_prover_blind: bytes | None,
    api: Api,
    *,
    nym_secrets: Sequence[Scalar] = (),
) -> list[Scalar]:
    """The signed scalar list (prepare_parameters, §5.1): signer messages, the
    prover blind (None, i.e. no commitment was made, means 0), committed
    messages, then, for the pseudonym interface, the nym secrets."""
    if secret_prover_blind is None:
        blind = _ZERO
    else:
        blind = decode_scalar(secret_prover_blind, "secret_prover_blind", allow_zero=True)
    return [
        *messages_to_scalars(messages, api),
        blind,
        *messages_to_scalars(committed_messages, api),
        *nym_secrets,
    ]


def proof_layout(
    proof: Proof,
    L: int,
    disclosed_messages: Sequence[bytes],
    disclosed_committed_messages: Sequence[bytes],
    disclosed_indexes: Sequence[int],
    disclosed_committed_indexes: Sequence[int],
    *,
    nym_count: int = 0,
) -> tuple[int, list[int]]:
    """BlindProofVerify's deserialization (§4.2.4): (M, the signed-list indexes).

    M follows from the proof length: R + U = L + 1 + M + nym_count.
    """
    if type(L) is not int or L < 0:
        raise InvalidArgumentError("L: want a non-negative int")
    R = len(disclosed_indexes) + len(disclosed_committed_indexes)
    if len(disclosed_messages) != len(disclosed_indexes) or len(
        disclosed_committed_messages
    ) != len(disclosed_committed_indexes):
        raise InvalidArgumentError("disclosed messages and indexes differ in number")
    M = R + len(proof.m_hat) - L - 1 - nym_count
    if M < 0:
        raise DecodeError(f"proof: too short for L = {L} (and {nym_count} nym secrets)")
    check_message_count(L + M + nym_count)
    return M, proof_indexes(disclosed_indexes, disclosed_committed_indexes, L, M)


def verify_blind_sign(
    pk: bytes,
    signature: bytes,
    header: bytes = b"",
    messages: Sequence[bytes] = (),
    committed_messages: Sequence[bytes] = (),
    secret_prover_blind: bytes | None = None,
    *,
    ciphersuite: Ciphersuite = BLS12_381_SHA_256,
) -> None:
    """VerifyBlindSign (§4.2.2): the prover checks the signature it received.

    Returns None; raises VerificationError if it does not verify.
    """
    check_message_count(len(messages) + len(committed_messages), "messages")
    api = _api(ciphersuite)
    scalars = prepare_parameters(messages, committed_messages, secret_prover_blind, api)
    generators = signing_generators(len(messages), len(committed_messages) + 1, api)
    core_verify(
        as_octets(pk, "pk"),
        as_octets(signature, "signature"),
        generators,
        as_octets(header, "header"),
        scalars,
        api,
    )


def proof_indexes(
    disclosed_indexes: Sequence[int], disclosed_commitment_indexes: Sequence[int], L: int, M: int
) -> list[int]:
    """Signer indexes as they are, committed index j as j + L + 1 (after the blind)."""
    signer = check_indexes(disclosed_indexes, L, "disclosed_indexes")
    committed = check_indexes(disclosed_commitment_indexes, M, "disclosed_commitment_indexes")
    return signer + [j + L + 1 for j in committed]


def blind_proof_gen(
    pk: bytes,
    signature: bytes,
    header: bytes = b"",
    ph: bytes = b"",
    messages: Sequence[bytes] = (),
    committed_messages: Sequence[bytes] = (),
    disclosed_indexes: Sequence[int] = (),
    disclosed_commitment_indexes: Sequence[int] = (),
    secret_prover_blind: bytes | None = None,
    *,
    ciphersuite: Ciphersuite = BLS12_381_SHA_256,
    unsafe_mocked_rng: UnsafeMockedRng | None = None,
) -> bytes:
    """BlindProofGen (§4.2.3): a core BBS proof over (messages, blind, committed_messages).

    ``unsafe_mocked_rng`` is for reproducing the drafts' fixtures only.
    """
    L, M = len(messages), len(committed_messages)
    check_message_count(L + M, "messages")
    indexes = proof_indexes(disclosed_indexes, disclosed_commitment_indexes, L, M)
    api = _api(ciphersuite)
    scalars = prepare_parameters(messages, committed_messages, secret_prover_blind, api)
    generators = signing_generators(L, M + 1, api)
    return core_proof_gen(
        as_octets(pk, "pk"),
        as_octets(signature, "signature"),
        generators,
        as_octets(header, "header"),
        as_octets(ph, "ph"),
        scalars,
        indexes,
        api,
        unsafe_mocked_rng,
    )


def blind_proof_verify(
    pk: bytes,
    proof: bytes,
    header: bytes = b"",
    ph: bytes = b"",
    L: int = 0,
    disclosed_messages: Sequence[bytes] = (),
    disclosed_committed_messages: Sequence[bytes] = (),
    disclosed_indexes: Sequence[int] = (),
    disclosed_committed_indexes: Sequence[int] = (),
    *,
    ciphersuite: Ciphersuite = BLS12_381_SHA_256,
) -> None:
    """BlindProofVerify (§4.2.4). L is the number of signer messages (from the schema).

    The number of committed messages M follows from the proof length:
    R + U = L + 1 + M. Returns None; raises VerificationError if invalid.
    """
    decoded = octets_to_proof(proof)
    M, indexes = proof_layout(
        decoded, L, disclosed_messages, disclosed_committed_messages, disclosed_indexes,
        disclosed_committed_indexes,
    )  # fmt: skip
    api = _api(ciphersuite)
    scalars = messages_to_scalars([*disclosed_messages, *disclosed_committed_messages], api)
    generators = signing_generators(L, M + 1, api)
    core_proof_verify(
        as_octets(pk, "pk"),
        decoded,
        generators,
        as_octets(header, "header"),
        as_octets(ph, "ph"),
        scalars,
        indexes,
        api,
    )
