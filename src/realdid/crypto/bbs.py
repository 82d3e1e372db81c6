"""BBS signatures: draft-irtf-cfrg-bbs-signatures-09 (fixtures unchanged since -06).

The interface of §3.4-§3.5 with api_id = ciphersuite_id || "H2G_HM2S_":
KeyGen, SkToPk, Sign, Verify, ProofGen, ProofVerify. Bytes in, bytes out;
keys are the 32-byte secret scalar and the 96-byte compressed G2 point;
signatures are 80 bytes, proofs 272 + 32·U bytes. Verification returns
None or raises :class:`~realdid.errors.VerificationError`; malformed input
raises :class:`~realdid.errors.DecodeError` or
:class:`~realdid.errors.InvalidArgumentError`.

The ciphersuite is the keyword argument ``ciphersuite``
(:data:`~realdid.crypto.suites.BLS12_381_SHA_256` by default).
"""

from __future__ import annotations

from collections.abc import Sequence

from realdid.crypto._backend import BP2, Scalar, as_octets, decode_scalar, encode_g2
from realdid.crypto._codec import Proof, check_indexes, octets_to_proof, octets_to_pubkey
from realdid.crypto._core import (
    Api,
    core_proof_gen,
    core_proof_verify,
    core_sign,
    core_verify,
    messages_to_scalars,
)
from realdid.crypto.generators import Generators, check_message_count, create_generators
from realdid.crypto.randomness import UnsafeMockedRng
from realdid.crypto.suites import BLS12_381_SHA_256, Ciphersuite
from realdid.errors import InvalidArgumentError

__all__ = [
    "key_gen",
    "proof_gen",
    "proof_verify",
    "sign",
    "sk_to_pk",
    "validate_pk",
    "verify",
]

_MIN_KEY_MATERIAL = 32
_MAX_KEY_INFO = 65535


def _api(ciphersuite: Ciphersuite) -> Api:
    return Api(ciphersuite, ciphersuite.core_api_id)


def prepare_proof_verify(
    proof: bytes, disclosed_messages: Sequence[bytes], disclosed_indexes: Sequence[int], api: Api
) -> tuple[Proof, Generators, list[Scalar], list[int]]:
    """ProofVerify's deserialization steps (§3.5.4), shared with batch verification.

    Decodes the proof; L = R + U from its length; checks the indexes against
    L; returns (proof, generators (L + 1), disclosed scalars, indexes).
    """
    decoded = octets_to_proof(proof)
    R = len(disclosed_indexes)
    if len(disclosed_messages) != R:
        raise InvalidArgumentError(
            f"disclosed_messages: got {len(disclosed_messages)}, want {R} (one per index)"
        )
    L = R + len(decoded.m_hat)
    check_message_count(L)
    indexes = check_indexes(disclosed_indexes, L, "disclosed_indexes")
    generators = create_generators(L + 1, api.api_id, ciphersuite=api.suite)
    return decoded, generators, messages_to_scalars(disclosed_messages, api), indexes


def key_gen(
    key_material: bytes,
    key_info: bytes = b"",
    key_dst: bytes | None = None,
    *,
    ciphersuite: Ciphersuite = BLS12_381_SHA_256,
) -> bytes:
    """KeyGen (§3.4.1): SK = hash_to_scalar(key_material || I2OSP(len(key_info), 2) || key_info).

    Requires len(key_material) >= 32 (it must be secret and uniformly
    random) and len(key_info) <= 65535. The default key_dst is
    api_id || "KEYGEN_DST_" as the fixtures use it (the text's
    ciphersuite_id || ... is the open erratum #316). Returns 32 bytes.
    """
    key_material = as_octets(key_material, "key_material")
    key_info = as_octets(key_info, "key_info")
    if len(key_material) < _MIN_KEY_MATERIAL:
        raise InvalidArgumentError(
            f"key_material: got {len(key_material)} bytes, want at least {_MIN_KEY_MATERIAL}"
        )
    if len(key_info) > _MAX_KEY_INFO:
        raise InvalidArgumentError(
            f"key_info: got {len(key_info)} bytes, want at most {_MAX_KEY_INFO}"
        )
    if key_dst is None:
        key_dst = ciphersuite.core_api_id + b"KEYGEN_DST_"
    derive_input = key_material + len(key_info).to_bytes(2, "big") + key_info
    sk = ciphersuite.hash_to_scalar(derive_input, as_octets(key_dst, "key_dst"))
    if sk.is_zero():  # probability 2^-255; the draft still says to check
        raise InvalidArgumentError("key_gen: derived a zero secret key")
    return sk.to_be_bytes()


def validate_pk(pk: bytes) -> None:
    """octets_to_pubkey (§4.2.4.6) as a check: a 96-byte G2 point, in the subgroup, not
    the identity. Raises DecodeError otherwise (for registries that publish keys)."""
    octets_to_pubkey(as_octets(pk, "public key"))


def sk_to_pk(sk: bytes) -> bytes:
    """SkToPk (§3.4.2): W = SK·BP2, 96 bytes compressed. Suite-independent."""
    return encode_g2(BP2 * decode_scalar(sk, "secret key"))


def sign(
    sk: bytes,
    pk: bytes,
    header: bytes = b"",
    messages: Sequence[bytes] = (),
    *,
    ciphersuite: Ciphersuite = BLS12_381_SHA_256,
) -> bytes:
    """Sign (§3.5.1): an 80-byte signature on header and messages. Deterministic."""
    SK = decode_scalar(sk, "secret key")
    check_message_count(len(messages))
    api = _api(ciphersuite)
    generators = create_generators(len(messages) + 1, api.api_id, ciphersuite=ciphersuite)
    scalars = messages_to_scalars(messages, api)
    return core_sign(SK, as_octets(pk, "pk"), generators, as_octets(header, "header"), scalars, api)


def verify(
    pk: bytes,
    signature: bytes,
    header: bytes = b"",
    messages: Sequence[bytes] = (),
    *,
    ciphersuite: Ciphersuite = BLS12_381_SHA_256,
) -> None:
    """Verify (§3.5.2). Returns None; raises VerificationError if the signature is not valid."""
    check_message_count(len(messages))
    api = _api(ciphersuite)
    generators = create_generators(len(messages) + 1, api.api_id, ciphersuite=ciphersuite)
    scalars = messages_to_scalars(messages, api)
    core_verify(
        as_octets(pk, "pk"),
        as_octets(signature, "signature"),
        generators,
        as_octets(header, "header"),
        scalars,
        api,
    )


def proof_gen(
    pk: bytes,
    signature: bytes,
    header: bytes = b"",
    ph: bytes = b"",
    messages: Sequence[bytes] = (),
    disclosed_indexes: Sequence[int] = (),
    *,
    ciphersuite: Ciphersuite = BLS12_381_SHA_256,
    unsafe_mocked_rng: UnsafeMockedRng | None = None,
) -> bytes:
    """ProofGen (§3.5.3): a zero-knowledge proof of the signature, disclosing some messages.

    Requires disclosed_indexes strictly ascending, each in [0, len(messages)).
    ``unsafe_mocked_rng`` is for reproducing the drafts' fixtures only.
    The signature is not verified here (the draft does not); a wallet
    verifies a signature once, when it receives it.
    """
    check_message_count(len(messages))
    indexes = check_indexes(disclosed_indexes, len(messages), "disclosed_indexes")
    api = _api(ciphersuite)
    generators = create_generators(len(messages) + 1, api.api_id, ciphersuite=ciphersuite)
    scalars = messages_to_scalars(messages, api)
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


def proof_verify(
    pk: bytes,
    proof: bytes,
    header: bytes = b"",
    ph: bytes = b"",
    disclosed_messages: Sequence[bytes] = (),
    disclosed_indexes: Sequence[int] = (),
    *,
    ciphersuite: Ciphersuite = BLS12_381_SHA_256,
) -> None:
    """ProofVerify (§3.5.4). Returns None; raises VerificationError if the proof is not valid.

    L = R + U is taken from the proof's length (272 + 32·U bytes).
    """
    api = _api(ciphersuite)
    decoded, generators, scalars, indexes = prepare_proof_verify(
        proof, disclosed_messages, disclosed_indexes, api
    )
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
