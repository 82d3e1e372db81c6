"""Registry entries: typed bodies, one envelope, signed by the author's DID key.

An entry is RFC 8785 canonical JSON::

    {"v": 1, "type": "issuer.key", "author": "did:realdid:hospital-1",
     "key": "did:realdid:hospital-1#ledger-1", "time": 1764000000, "prev": null,
     "body": {...}, "sig": "<base64url Ed25519 over the canonical entry without sig>"}

The leaf of the log is the canonical bytes of the whole entry, so its hash
commits to the signature too. ``prev`` is the log index of the latest entry
for the state key this entry sets (null for a new key, and for events): a
compare-and-swap that makes a replayed or stale entry fail, so nobody can
roll back a rotation or a retirement by re-sending an old signed entry.

Bodies are strict (unknown fields, wrong types and malformed keys are
refused) and carry no personal data: the ledger grows with institutions
and openings, never with citizens.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Annotated, Any, Final, Literal

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from realdid import strictjson
from realdid.crypto.bbs import validate_pk
from realdid.crypto.dkg import Ceremony
from realdid.crypto.dkg_messages import DkgParameters, Transcript
from realdid.crypto.escrow import EscrowCiphertext, EscrowKey
from realdid.crypto.escrow_blinding import BlindedCiphertext
from realdid.crypto.range_proof import RangeParams
from realdid.crypto.threshold import PartialDecryption
from realdid.errors import DecodeError, InvalidArgumentError, RealDIDError, VerificationError
from realdid.ledger.predicates import MAX_PREDICATES, PredicateSpec

__all__ = [
    "BODIES",
    "MAX_ENTRY_BYTES",
    "AdmitBody",
    "AttributeSpec",
    "DidDocument",
    "DidUpdateBody",
    "Entry",
    "EntryType",
    "EpochBody",
    "GenesisBody",
    "IssuerKeyBody",
    "OpeningBlindingBody",
    "OpeningRequestBody",
    "OpeningShareBody",
    "Permissions",
    "RetireBody",
    "Role",
    "SchemaBody",
    "ServiceBody",
    "TrusteeMember",
    "TrusteesBody",
    "b64url",
    "decode_entry",
    "public_jwk",
    "sign_entry",
    "unb64url",
]

MAX_ENTRY_BYTES: Final = 256 * 1024
_SIGNATURE_BYTES: Final = 64  # RFC 8032 §5.1.6
DID_PATTERN: Final = r"^did:realdid:[a-z0-9][a-z0-9.-]{0,63}$"
_DID = re.compile(DID_PATTERN)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str, what: str = "value") -> bytes:
    """Strict base64url without padding: exactly one text per byte string.

    A lax decoder ignores the unused low bits of the last character, so
    four texts would decode to one signature, and a re-sent entry with an
    edited signature would be new bytes (a new leaf) with a valid signature.
    """
    if not isinstance(text, str) or not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise DecodeError(f"{what}: not base64url")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise DecodeError(f"{what}: not base64url") from None
    if b64url(raw) != text:
        raise DecodeError(f"{what}: not canonical base64url")
    return raw


class Role(StrEnum):
    AUTHORITY = "authority"
    ISSUER = "issuer"
    SERVICE = "service"
    TRUSTEE = "trustee"
    COURT = "court"


class EntryType(StrEnum):
    GENESIS = "authority.genesis"
    ADMIT = "authority.admit"
    DID_UPDATE = "did.update"
    SCHEMA = "schema"
    ISSUER_KEY = "issuer.key"
    SERVICE = "service.registration"
    TRUSTEES = "trustees"
    EPOCH = "epoch"
    RETIRE = "retire"
    OPENING_REQUEST = "opening.request"
    OPENING_SHARE = "opening.share"
    OPENING_BLINDING = "opening.blinding"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


Did = Annotated[str, Field(pattern=DID_PATTERN)]
Name = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:/#-]+$")]


def _bytes_field(value: str, length: int | None, what: str) -> str:
    raw = unb64url(value, what)
    if length is not None and len(raw) != length:
        raise ValueError(f"{what}: want {length} bytes")
    return value


class Jwk(_Strict):
    kty: Literal["OKP"]
    crv: Literal["Ed25519"]
    x: str

    @field_validator("x")
    @classmethod
    def _x(cls, v: str) -> str:
        return _bytes_field(v, 32, "Ed25519 key")


class VerificationMethod(_Strict):
    id: Annotated[str, Field(max_length=200)]
    type: Literal["JsonWebKey"]
    controller: Did
    publicKeyJwk: Jwk  # noqa: N815  (DID Core's name)


class DidDocument(_Strict):
    """A W3C DID Core document, the subset institutions need: Ed25519 keys
    (JsonWebKey) and the relationships that say which may sign ledger entries."""

    id: Did
    verificationMethod: tuple[VerificationMethod, ...] = Field(min_length=1, max_length=16)  # noqa: N815
    authentication: tuple[str, ...] = Field(min_length=1, max_length=16)
    name: Annotated[str, Field(min_length=1, max_length=200)]

    def key(self, key_id: str) -> bytes:
        """The raw Ed25519 key of ``key_id`` if it is an authentication key."""
        if key_id not in self.authentication:
            raise VerificationError(f"key {key_id}: not an authentication key of {self.id}")
        for method in self.verificationMethod:
            if method.id == key_id and method.controller == self.id:
                return unb64url(method.publicKeyJwk.x)
        raise VerificationError(f"key {key_id}: not in the DID document of {self.id}")

    def model_post_init(self, context: Any, /) -> None:
        for method in self.verificationMethod:
            if not method.id.startswith(self.id + "#"):
                raise ValueError("verification method ids must be <did>#<fragment>")


class GenesisBody(_Strict):
    origin: Annotated[str, Field(min_length=1, max_length=200)]
    document: DidDocument


class AdmitBody(_Strict):
    role: Role
    document: DidDocument


class DidUpdateBody(_Strict):
    document: DidDocument


class AttributeSpec(_Strict):
    name: Name
    kind: Literal["text", "bytes", "integer", "date", "handle"]


class SchemaBody(_Strict):
    """A credential schema and the institutions that may sign it (an issuer key may
    list a schema only if its author is one of them: a hospital cannot mint identities)."""

    schema_id: Name
    attributes: tuple[AttributeSpec, ...] = Field(min_length=1, max_length=64)
    nym_count: Annotated[int, Field(ge=0, le=64)] = 0
    issuers: tuple[Did, ...] = Field(min_length=1, max_length=64)


def _decodes(value: str, decode: Callable[[bytes], object], what: str) -> str:
    """A base64url field that must decode strictly (points in the subgroup, scalars below r)
    on admission; pydantic wants ValueError, with the decoder's got / want message."""
    try:
        decode(unb64url(value, what))
    except RealDIDError as exc:
        raise ValueError(str(exc)) from None
    return value


class IssuerKeyBody(_Strict):
    key_id: Annotated[str, Field(max_length=200)]
    ciphersuite: Literal["BLS12-381-SHA-256", "BLS12-381-SHAKE-256"]
    public_key: str
    schemas: tuple[Name, ...] = Field(min_length=1, max_length=32)
    valid_from_epoch: Annotated[int, Field(ge=0, lt=2**32)]

    @field_validator("public_key")
    @classmethod
    def _pk(cls, v: str) -> str:
        return _decodes(v, validate_pk, "issuer key")  # a G2 point, in the subgroup, not O


class Permissions(_Strict):
    """What a service may ask for. A credential of a schema may be requested only if the
    schema is granted here: listed in ``present`` (shown as valid and bound to the
    holder, nothing disclosed), under ``disclose`` or ``equal_public`` (with the
    attributes it may see or test), or named by one of ``predicates``: each a range
    question with its bound fixed here (:mod:`realdid.ledger.predicates`), the only
    ones the service may ask."""

    present: tuple[Name, ...] = ()
    disclose: dict[Name, tuple[Name, ...]] = Field(default_factory=dict)
    predicates: tuple[PredicateSpec, ...] = Field(default=(), max_length=MAX_PREDICATES)
    equal_public: dict[Name, tuple[Name, ...]] = Field(default_factory=dict)
    pseudonym: bool = True
    escrow: Literal["required", "optional", "none"] = "none"
    purposes: tuple[Name, ...] = ()

    def granted_schemas(self) -> set[str]:
        fixed = {p.schema_id for p in self.predicates}
        return {*self.present, *self.disclose, *fixed, *self.equal_public}

    def predicate(self, predicate_id: str) -> PredicateSpec | None:
        """The registered predicate ``predicate_id`` (None if there is none)."""
        return next((p for p in self.predicates if p.id == predicate_id), None)


class ServiceBody(_Strict):
    service: Did
    context_id: Annotated[str, Field(min_length=1, max_length=200)]
    permissions: Permissions


class TrusteeMember(_Strict):
    index: Annotated[int, Field(ge=1, le=255)]
    did: Did
    aux_key: str  # the trustee's X25519 key for the ceremony's sealed shares

    @field_validator("aux_key")
    @classmethod
    def _aux(cls, v: str) -> str:
        return _bytes_field(v, 32, "X25519 key")


class TrusteesBody(_Strict):
    """The trustee set and the public record of its key ceremony (GJKR DKG): anyone can
    re-derive the joint escrow key and every trustee's public share from ``transcript``
    (the registry does, before admitting the entry)."""

    members: tuple[TrusteeMember, ...] = Field(min_length=1, max_length=255)
    threshold: Annotated[int, Field(ge=1, le=255)]
    session_id: Annotated[str, Field(min_length=1, max_length=128)]
    transcript: Annotated[str, Field(max_length=200_000)]
    transcript_hash: str
    joint_key: str

    @field_validator("transcript_hash")
    @classmethod
    def _th(cls, v: str) -> str:
        return _bytes_field(v, 32, "transcript hash")

    @field_validator("joint_key")
    @classmethod
    def _jk(cls, v: str) -> str:
        return _decodes(v, EscrowKey.decode, "joint key")

    @classmethod
    def from_ceremony(cls, dids: Sequence[str], ceremony: Ceremony) -> TrusteesBody:
        """The entry body publishing a finished ceremony among ``dids`` (trustee j at j−1)."""
        params, result = ceremony.params, ceremony.result
        if len(dids) != len(params.aux_public_keys):
            raise InvalidArgumentError("trustees: one DID per trustee of the ceremony")
        return cls.model_validate_json(
            json.dumps(
                {
                    "members": [
                        {"index": i, "did": did, "aux_key": b64url(key)}
                        for i, (did, key) in enumerate(
                            zip(dids, params.aux_public_keys, strict=True), 1
                        )
                    ],
                    "threshold": params.threshold,
                    "session_id": params.session_id.decode(),
                    "transcript": b64url(ceremony.transcript.to_bytes()),
                    "transcript_hash": b64url(result.transcript_hash),
                    "joint_key": b64url(EscrowKey(result.public_key).encode()),
                }
            )
        )

    def ceremony(self) -> tuple[DkgParameters, Transcript]:
        """The ceremony's parameters and transcript (decoded; raises DecodeError)."""
        members = sorted(self.members, key=lambda m: m.index)
        if [m.index for m in members] != list(range(1, len(members) + 1)):
            raise DecodeError("trustees: member indexes must be 1..n")
        try:
            params = DkgParameters(
                self.session_id.encode(),
                self.threshold,
                tuple(unb64url(m.aux_key, "aux key") for m in members),
            )
        except InvalidArgumentError as exc:
            raise DecodeError(f"trustees: {exc}") from None
        return params, Transcript.from_bytes(unb64url(self.transcript, "transcript"))


class EpochBody(_Strict):
    """An epoch: its number, first day, and the range-proof parameters for its
    presentations (CCS08 digit signatures, base64url, about 16 KB; the registry
    checks every point on admission, each wallet validates the signatures)."""

    epoch: Annotated[int, Field(ge=0, lt=2**32)]
    starts: Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    range_params: Annotated[str, Field(max_length=100_000)] | None = None
    #: How many citizens enrolled again (lost their recovery secret, so got new
    #: pseudonyms) during the previous epoch: counted in public, never named.
    reenrollments: Annotated[int, Field(ge=0, lt=2**53)] | None = None

    @field_validator("range_params")
    @classmethod
    def _rp(cls, v: str | None) -> str | None:
        if v is not None:
            unb64url(v, "range params")  # the points are checked once, on admission
        return v

    def decoded_range_params(self) -> RangeParams | None:
        """The parameters, every point decoded and checked (about 50 ms: call once)."""
        if self.range_params is None:
            return None
        return RangeParams.decode(unb64url(self.range_params, "range params"))


class RetireBody(_Strict):
    state_key: Annotated[str, Field(min_length=1, max_length=300)]
    reason: Annotated[str, Field(max_length=500)]


class OpeningRequestBody(_Strict):
    """A court's request to open one account (docs/crypto.md §11): only what the public
    needs to check every later step, nothing that names or links anyone.

    ``trustees`` is the log index of the trustee set the evidence's escrow was
    sealed to; ``escrow`` that ciphertext (label, points and TDH2 validity
    proof, decoded strictly on admission), an ElGamal encryption under the
    trustees' key; ``evidence_digest`` commits to the evidence itself (the
    service's request and the citizen's presentation), which travels to the
    authority and the trustees off the ledger: it holds the pseudonym and the
    disclosed values, which would link openings or name the person.
    """

    case: Annotated[str, Field(min_length=1, max_length=200)]
    warrant_digest: str
    service: Did
    trustees: Annotated[int, Field(ge=0, lt=2**53)]
    evidence_digest: str
    escrow: Annotated[str, Field(max_length=4096)]

    @field_validator("warrant_digest", "evidence_digest")
    @classmethod
    def _digest(cls, v: str) -> str:
        return _bytes_field(v, 32, "digest")

    @field_validator("escrow")
    @classmethod
    def _escrow(cls, v: str) -> str:
        return _decodes(v, EscrowCiphertext.decode, "escrow ciphertext")

    def ciphertext(self) -> EscrowCiphertext:
        return EscrowCiphertext.decode(unb64url(self.escrow, "escrow ciphertext"))


class OpeningBlindingBody(_Strict):
    """The authority's blinded, re-randomised copy of a request's escrow ciphertext with
    its proof (:mod:`realdid.crypto.escrow_blinding`): what the trustees decrypt, so
    the shares name nobody. Points and scalars are decoded strictly on admission."""

    request: Annotated[int, Field(ge=0, lt=2**53)]
    blinded: str

    @field_validator("blinded")
    @classmethod
    def _blinded(cls, v: str) -> str:
        return _decodes(v, BlindedCiphertext.decode, "blinded ciphertext")


class OpeningShareBody(_Strict):
    """A trustee's decryption share of the request's blinded copy (``blinding``: the
    log index of that ``opening.blinding``)."""

    request: Annotated[int, Field(ge=0, lt=2**53)]
    blinding: Annotated[int, Field(ge=0, lt=2**53)]
    share: str

    @field_validator("share")
    @classmethod
    def _share(cls, v: str) -> str:
        # strictly: D_j in G1 and not the identity, scalars below r, index >= 1
        return _decodes(v, PartialDecryption.from_bytes, "partial decryption")

    def partial(self) -> PartialDecryption:
        return PartialDecryption.from_bytes(unb64url(self.share, "partial decryption"))


BODIES: Final[dict[EntryType, type[_Strict]]] = {
    EntryType.GENESIS: GenesisBody,
    EntryType.ADMIT: AdmitBody,
    EntryType.DID_UPDATE: DidUpdateBody,
    EntryType.SCHEMA: SchemaBody,
    EntryType.ISSUER_KEY: IssuerKeyBody,
    EntryType.SERVICE: ServiceBody,
    EntryType.TRUSTEES: TrusteesBody,
    EntryType.EPOCH: EpochBody,
    EntryType.RETIRE: RetireBody,
    EntryType.OPENING_REQUEST: OpeningRequestBody,
    EntryType.OPENING_SHARE: OpeningShareBody,
    EntryType.OPENING_BLINDING: OpeningBlindingBody,
}


class Entry(_Strict):
    v: Literal[1]
    type: EntryType
    author: Did
    key: Annotated[str, Field(max_length=200)]
    time: Annotated[int, Field(ge=0, lt=2**53)]
    prev: Annotated[int, Field(ge=0, lt=2**53)] | None
    body: dict[str, Any]
    sig: str

    def typed_body(self) -> _Strict:
        """The body as its typed model (validated in JSON mode, as it travels)."""
        try:
            return BODIES[self.type].model_validate_json(rfc8785.dumps(self.body))
        except ValidationError as exc:
            raise DecodeError(f"entry body ({self.type}): {_first_error(exc)}") from None

    def signed_bytes(self) -> bytes:
        return rfc8785.dumps(self.model_dump(mode="json", exclude={"sig"}))

    def encode(self) -> bytes:
        return rfc8785.dumps(self.model_dump(mode="json"))

    def verify_signature(self, public_key: bytes) -> None:
        try:
            Ed25519PublicKey.from_public_bytes(public_key).verify(
                unb64url(self.sig, "sig"), self.signed_bytes()
            )
        except (InvalidSignature, ValueError, DecodeError):
            raise VerificationError(f"entry by {self.author}: signature does not verify") from None


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(p) for p in error["loc"])
    return f"{where}: {error['msg']}" if where else str(error["msg"])


def decode_entry(octets: bytes) -> Entry:
    """Parse and validate an entry's bytes: everything that needs no ledger state.

    1. bytes, at most MAX_ENTRY_BYTES;
    2. strict JSON (:mod:`realdid.strictjson`: UTF-8, no repeated member
       name, integers within ±(2^53 − 1), no NaN, at most 64 levels), so a
       hostile document is a DecodeError, never a RecursionError;
    3. the envelope; 4. RFC 8785 canonical form (one text per entry);
    5. the typed body; 6. the signature's encoding (64 bytes, canonical
       base64url). Whether it verifies needs the author's key, which is
       state: the registry checks that.

    The log runs this before it takes its write lock (see ``Log.append``).
    """
    if not isinstance(octets, bytes) or len(octets) > MAX_ENTRY_BYTES:
        raise DecodeError(f"entry: want bytes, at most {MAX_ENTRY_BYTES}")
    entry = strictjson.validate_json(Entry, octets, what="entry")
    try:
        canonical = entry.encode()
    except rfc8785.CanonicalizationError:  # e.g. 1e400, which JSON parsers read as inf
        raise DecodeError("entry: a number RFC 8785 cannot write") from None
    if canonical != octets:
        raise DecodeError("entry: not in RFC 8785 canonical form")
    if len(unb64url(entry.sig, "sig")) != _SIGNATURE_BYTES:
        raise DecodeError(f"sig: want {_SIGNATURE_BYTES} bytes (Ed25519)")
    entry.typed_body()
    return entry


def sign_entry(
    kind: EntryType,
    author: str,
    key_id: str,
    private_key: Ed25519PrivateKey,
    body: BaseModel | dict[str, Any],
    time: int,
    prev: int | None = None,
) -> bytes:
    """Build, check and sign an entry; returns its canonical bytes (the log leaf).

    ``prev``: the index of the current entry for the state key this one sets
    (None for a new key or an event); see the module docstring.
    """
    if not _DID.match(author):
        raise InvalidArgumentError("author: not a did:realdid DID")
    body_json = body.model_dump(mode="json") if isinstance(body, BaseModel) else body
    unsigned = {"v": 1, "type": kind.value, "author": author, "key": key_id, "time": time,
                "prev": prev, "body": body_json}  # fmt: skip
    signature = private_key.sign(rfc8785.dumps(unsigned))
    octets = rfc8785.dumps({**unsigned, "sig": b64url(signature)})
    decode_entry(octets)  # the same checks a reader applies
    return octets


def public_jwk(private_key: Ed25519PrivateKey) -> dict[str, str]:
    raw = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw)}
