"""The RealDID credential interface: BBS credentials whose schema fixes every value.

An interface over core BBS in the sense of the drafts — its own api_id
(``ciphersuite_id || "REALDID_CRED_V1_"``), blind generators from
``"BLIND_" || api_id`` — built from the blind and pseudonym drafts' steps
(docs/crypto.md §8). A *schema* fixes the signed list, so every credential of
one schema has the same length and order and a presentation reveals nothing
through its shape:

    index 0..L-1   the schema's attributes, in order (known to the issuer)
    index L        the prover blind (never disclosed)
    index L+1      the holder secret (committed blindly; shared by all of a
                   citizen's credentials, which is what binds them together)
    index L+2..    N nym secrets (holder part + issuer entropy, as in the
                   per-verifier-linkability draft; identity credentials only)

Attribute encodings (to scalars):

    text, bytes   hash_to_scalar(UTF-8 / raw, api_id || "MAP_MSG_TO_SCALAR_AS_HASH_")
    integer       the integer itself, offset by 2^62 (so -2^62 <= v < 2^62 maps
                  into [0, 2^63)); predicates compare encodings, offsets cancel
    date          days since 1970-01-01, encoded as an integer
    handle        a raw non-zero scalar the issuer picks (the escrow handle);
                  never disclosed

The header is ``H("realdid/credential/v1" || schema digest || epoch)``
followed by I2OSP(N, 8): fixed per schema and epoch, so it cannot tag anyone.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from realdid.crypto._backend import (
    G1,
    Scalar,
    as_octets,
    decode_g1,
    decode_scalar,
    encode_g1,
    msm_g1,
    scalar_from_int,
)
from realdid.crypto._codec import decode_scalar_list, i2osp8
from realdid.crypto._core import Api, core_verify
from realdid.crypto.blind import (
    blind_generators,
    core_commit,
    finalize_blind_sign,
    signing_generators,
    validate_commit,
)
from realdid.crypto.generators import Generators, check_message_count
from realdid.crypto.randomness import UnsafeMockedRng, random_scalar
from realdid.crypto.suites import BLS12_381_SHA_256, Ciphersuite
from realdid.errors import InvalidArgumentError

__all__ = [
    "INTEGER_OFFSET",
    "Attribute",
    "AttributeValue",
    "Credential",
    "Kind",
    "Schema",
    "check_commitment",
    "commit_for_issuance",
    "commit_secrets",
    "credential_api",
    "derive_secret",
    "encode_attribute",
    "finalize_credential",
    "issue_credential",
    "issue_on_commitment",
]

INTEGER_OFFSET: Final = 1 << 62
_EPOCH_DATE: Final = datetime.date(1970, 1, 1)
_INTERFACE_SUFFIX: Final = b"REALDID_CRED_V1_"

AttributeValue = str | bytes | int | datetime.date


class Kind(StrEnum):
    TEXT = "text"
    BYTES = "bytes"
    INTEGER = "integer"
    DATE = "date"
    HANDLE = "handle"

    @property
    def ordered(self) -> bool:
        """Whether range predicates make sense for this kind."""
        return self in (Kind.INTEGER, Kind.DATE)


@dataclass(frozen=True, slots=True)
class Attribute:
    name: str
    kind: Kind


@dataclass(frozen=True, slots=True)
class Schema:
    """A credential type: its id, ordered attributes and number of nym secrets."""

    schema_id: str
    attributes: tuple[Attribute, ...]
    nym_count: int = 0

    def __post_init__(self) -> None:
        names = [a.name for a in self.attributes]
        if len(set(names)) != len(names):
            raise InvalidArgumentError(f"schema {self.schema_id}: attribute names repeat")
        if not 0 <= self.nym_count <= 64:
            raise InvalidArgumentError(f"schema {self.schema_id}: nym_count want 0..64")
        check_message_count(len(names) + 2 + self.nym_count)

    @property
    def L(self) -> int:  # noqa: N802  (the drafts' name for the signer-message count)
        return len(self.attributes)

    @property
    def holder_secret_index(self) -> int:
        return self.L + 1

    def nym_index(self, i: int) -> int:
        return self.L + 2 + i

    @property
    def size(self) -> int:
        """Length of the signed list: attributes, blind, holder secret, nym secrets."""
        return self.L + 2 + self.nym_count

    def index(self, name: str) -> int:
        for i, attribute in enumerate(self.attributes):
            if attribute.name == name:
                return i
        raise InvalidArgumentError(f"schema {self.schema_id}: no attribute {name!r}")

    def kind(self, name: str) -> Kind:
        return self.attributes[self.index(name)].kind

    def digest(self) -> bytes:
        """SHA-256 over the schema's canonical description (what verifiers pin)."""
        h = hashlib.sha256(b"realdid/schema/v1")
        for part in (self.schema_id, *(f"{a.name}:{a.kind.value}" for a in self.attributes)):
            encoded = part.encode()
            h.update(len(encoded).to_bytes(2, "big") + encoded)
        h.update(i2osp8(self.nym_count))
        return h.digest()

    def header(self, epoch: int) -> bytes:
        """The BBS header for this schema and epoch, with the nym-count suffix."""
        if type(epoch) is not int or not 0 <= epoch < 1 << 32:
            raise InvalidArgumentError("epoch: want an int in [0, 2^32)")
        base = hashlib.sha256(b"realdid/credential/v1" + self.digest() + i2osp8(epoch)).digest()
        return base + i2osp8(self.nym_count)


def credential_api(ciphersuite: Ciphersuite) -> Api:
    return Api(ciphersuite, ciphersuite.ciphersuite_id + _INTERFACE_SUFFIX)


def encode_integer(value: int) -> Scalar:
    if type(value) is not int or not -INTEGER_OFFSET <= value < INTEGER_OFFSET:
        raise InvalidArgumentError("integer attribute: want an int in [-2^62, 2^62)")
    return scalar_from_int(value + INTEGER_OFFSET)


def date_to_days(value: datetime.date) -> int:
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise InvalidArgumentError("date attribute: want a datetime.date")
    return (value - _EPOCH_DATE).days


def encode_attribute(kind: Kind, value: AttributeValue, api: Api) -> Scalar:
    """An attribute value as the scalar that is signed (see the module docstring)."""
    dst = api.api_id + b"MAP_MSG_TO_SCALAR_AS_HASH_"
    match kind:
        case Kind.TEXT:
            if not isinstance(value, str):
                raise InvalidArgumentError("text attribute: want a str")
            return api.suite.hash_to_scalar(value.encode(), dst)
        case Kind.BYTES:
            return api.suite.hash_to_scalar(as_octets(value, "bytes attribute"), dst)
        case Kind.INTEGER:
            return encode_integer(value)  # type: ignore[arg-type]
        case Kind.DATE:
            return encode_integer(date_to_days(value))  # type: ignore[arg-type]
        case Kind.HANDLE:
            return decode_scalar(as_octets(value, "handle attribute"), "handle attribute")
    raise InvalidArgumentError(f"unknown attribute kind {kind!r}")  # pragma: no cover


def _encode_values(schema: Schema, values: Mapping[str, AttributeValue], api: Api) -> list[Scalar]:
    if set(values) != {a.name for a in schema.attributes}:
        raise InvalidArgumentError(f"values: want exactly the attributes of {schema.schema_id}")
    return [encode_attribute(a.kind, values[a.name], api) for a in schema.attributes]


def _generators(schema: Schema, api: Api) -> Generators:
    # core: Q_1, H_1..H_L; blind: Q_2 (prover blind), J_1 (holder secret), J_2.. (nyms)
    return signing_generators(schema.L, 2 + schema.nym_count, api)


def derive_secret(
    seed: bytes, label: bytes, *, ciphersuite: Ciphersuite = BLS12_381_SHA_256
) -> bytes:
    """A secret scalar (32 octets) derived from a seed: the wallet's holder secret and
    prover nym come from the citizen's recovery secret, so a restored wallet holds the
    same secrets, hence the same pseudonyms (docs/design.md §2.8). ``seed`` must be uniformly
    random, at least 32 octets; ``label`` separates the derived values."""
    seed, label = as_octets(seed, "seed"), as_octets(label, "label")
    if len(seed) < 32 or not 1 <= len(label) <= 64:
        raise InvalidArgumentError("derive_secret: want a seed of 32+ octets, a label of 1-64")
    dst = credential_api(ciphersuite).api_id + b"DERIVE_" + label
    return ciphersuite.hash_to_scalar(seed, dst).to_be_bytes()


def commit_secrets(
    schema: Schema,
    holder_secret: bytes,
    prover_nyms: Sequence[bytes] = (),
    *,
    ciphersuite: Ciphersuite = BLS12_381_SHA_256,
    unsafe_mocked_rng: UnsafeMockedRng | None = None,
) -> tuple[bytes, bytes]:
    """The holder's first move: commit to the holder secret and the N prover nyms.

    Returns (commitment_with_proof for the issuer, secret prover blind to keep).
    """
    if len(prover_nyms) != schema.nym_count:
        raise InvalidArgumentError(f"prover_nyms: want {schema.nym_count} for {schema.schema_id}")
    secrets_ = [
        decode_scalar(holder_secret, "holder_secret"),
        *decode_scalar_list(prover_nyms, "prover_nyms", allow_zero=False),
    ]
    return core_commit(secrets_, credential_api(ciphersuite), unsafe_mocked_rng)


def issue_credential(
    sk: bytes,
    pk: bytes,
    schema: Schema,
    epoch: int,
    values: Mapping[str, AttributeValue],
    commitment_with_proof: bytes,
    signer_nym_entropy: bytes | None = None,
    *,
    ciphersuite: Ciphersuite = BLS12_381_SHA_256,
) -> bytes:
    """The issuer's move: check the commitment, then blind-sign (80-byte signature).

    Refuses a commitment to any number of values but 1 + N, and requires
    ``signer_nym_entropy`` exactly when the schema has nym secrets.
    """
    api = credential_api(ciphersuite)
    C, M = validate_commit(as_octets(commitment_with_proof, "commitment_with_proof"), api)
    if 1 + schema.nym_count != M:
        raise InvalidArgumentError(f"commitment: holds {M} values, want {1 + schema.nym_count}")
    return _blind_sign(sk, pk, schema, epoch, values, C, signer_nym_entropy, api)


def check_commitment(
    schema: Schema, commitment_with_proof: bytes, *, ciphersuite: Ciphersuite = BLS12_381_SHA_256
) -> None:
    """The issuer's first check, before it looks anything up: the commitment decodes,
    its proof of knowledge verifies, and it holds 1 + N values for ``schema``."""
    api = credential_api(ciphersuite)
    _, M = validate_commit(as_octets(commitment_with_proof, "commitment_with_proof"), api)
    if 1 + schema.nym_count != M:
        raise InvalidArgumentError(f"commitment: holds {M} values, want {1 + schema.nym_count}")


def commit_for_issuance(
    schema: Schema,
    holder_secret: bytes,
    prover_nyms: Sequence[bytes] = (),
    *,
    ciphersuite: Ciphersuite = BLS12_381_SHA_256,
) -> tuple[bytes, bytes]:
    """A commitment C = Q_2·blind + J_1·holder_secret [+ J_2·prover_nym] to be proved,
    inside a presentation, to hold a presented credential's secrets (see
    presentation.IssuanceCommitment). Returns (C, secret blind to keep)."""
    if len(prover_nyms) != schema.nym_count:
        raise InvalidArgumentError(f"prover_nyms: want {schema.nym_count} for {schema.schema_id}")
    api = credential_api(ciphersuite)
    committed = [
        decode_scalar(holder_secret, "holder_secret"),
        *decode_scalar_list(prover_nyms, "prover_nyms", allow_zero=False),
    ]
    blind = random_scalar()
    C = msm_g1(blind_generators(len(committed) + 1, api).points, (blind, *committed))
    return encode_g1(C), blind.to_be_bytes()


def issue_on_commitment(
    sk: bytes,
    pk: bytes,
    schema: Schema,
    epoch: int,
    values: Mapping[str, AttributeValue],
    commitment: bytes,
    signer_nym_entropy: bytes | None = None,
    *,
    ciphersuite: Ciphersuite = BLS12_381_SHA_256,
) -> bytes:
    """Blind-sign on a bare commitment C whose opening the holder proved in a verified
    presentation with an IssuanceCommitment for ``schema`` (the caller's duty: this
    function cannot check it). The holder finishes with finalize_credential."""
    C = decode_g1(as_octets(commitment, "commitment"), "commitment")
    return _blind_sign(
        sk, pk, schema, epoch, values, C, signer_nym_entropy, credential_api(ciphersuite)
    )


def _blind_sign(
    sk: bytes,
    pk: bytes,
    schema: Schema,
    epoch: int,
    values: Mapping[str, AttributeValue],
    C: G1,
    signer_nym_entropy: bytes | None,
    api: Api,
) -> bytes:
    SK = decode_scalar(sk, "secret key")
    generators = _generators(schema, api)
    extra_points, extra_scalars = [], []
    if schema.nym_count:
        if signer_nym_entropy is None:
            raise InvalidArgumentError("signer_nym_entropy: required for a schema with nyms")
        extra_points.append(generators.points[-1])
        extra_scalars.append(decode_scalar(signer_nym_entropy, "signer_nym_entropy"))
    elif signer_nym_entropy is not None:
        raise InvalidArgumentError("signer_nym_entropy: this schema has no nym secrets")
    return finalize_blind_sign(
        SK,
        as_octets(pk, "pk"),
        C,
        generators,
        schema.header(epoch),
        _encode_values(schema, values, api),
        api,
        extra_points=extra_points,
        extra_scalars=extra_scalars,
    )


@dataclass(frozen=True, slots=True)
class Credential:
    """A credential in the holder's wallet: public parts, plus secrets kept out of repr."""

    schema: Schema
    epoch: int
    issuer_pk: bytes
    signature: bytes = field(repr=False)
    values: Mapping[str, AttributeValue] = field(repr=False)
    scalars: tuple[Scalar, ...] = field(repr=False)  # the whole signed list
    ciphersuite: Ciphersuite = BLS12_381_SHA_256

    @property
    def holder_secret(self) -> Scalar:
        return self.scalars[self.schema.holder_secret_index]

    @property
    def nym_secrets(self) -> tuple[Scalar, ...]:
        return self.scalars[self.schema.L + 2 :]


def finalize_credential(
    pk: bytes,
    schema: Schema,
    epoch: int,
    values: Mapping[str, AttributeValue],
    signature: bytes,
    holder_secret: bytes,
    prover_nyms: Sequence[bytes],
    signer_nym_entropy: bytes | None,
    secret_prover_blind: bytes,
    *,
    ciphersuite: Ciphersuite = BLS12_381_SHA_256,
) -> Credential:
    """The holder's last move: verify the signature over everything, derive the nym secrets.

    Raises VerificationError if the issuer signed anything else (another
    header, other values, other secrets) — the wallet never stores such a
    credential.
    """
    api = credential_api(ciphersuite)
    nyms = decode_scalar_list(prover_nyms, "prover_nyms", allow_zero=False)
    if len(nyms) != schema.nym_count:
        raise InvalidArgumentError(f"prover_nyms: want {schema.nym_count}")
    if not nyms and signer_nym_entropy is not None:
        # The signature covers no entropy here: keeping it would keep an unsigned value.
        raise InvalidArgumentError("signer_nym_entropy: got one, want none (no nym secret)")
    if nyms:
        if signer_nym_entropy is None:
            raise InvalidArgumentError("signer_nym_entropy: required for a schema with nyms")
        nyms[-1] = nyms[-1] + decode_scalar(signer_nym_entropy, "signer_nym_entropy")
        if nyms[-1].is_zero():
            raise InvalidArgumentError("nym secret: prover nym and signer entropy cancel out")
    scalars = (
        *_encode_values(schema, values, api),
        decode_scalar(secret_prover_blind, "secret_prover_blind"),
        decode_scalar(holder_secret, "holder_secret"),
        *nyms,
    )
    pk = as_octets(pk, "pk")
    signature = as_octets(signature, "signature")
    core_verify(pk, signature, _generators(schema, api), schema.header(epoch), scalars, api)
    return Credential(schema, epoch, pk, signature, dict(values), scalars, ciphersuite)
