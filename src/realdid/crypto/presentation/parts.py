"""The parts a :class:`~realdid.crypto.presentation.statement.Statement` is made of, each
checking its own types.

A statement is built by callers (a verifier from its request and the ledger, a
wallet from the request it checked), so every field may arrive wrongly typed: a
key as bytes, a label as str, a bound as bool. Each part's ``check_types`` refuses
that with InvalidArgumentError before any arithmetic touches it, so ``prove``,
``verify`` and ``verify_batch`` all fail the same typed way (errors.py: never an
AttributeError or TypeError from deep inside). The checks run once per statement,
from its cached layout.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from realdid.crypto._backend import G1, Scalar, as_octets, decode_g1, decode_scalar
from realdid.crypto._codec import octets_to_pubkey
from realdid.crypto.credential import INTEGER_OFFSET, Kind, Schema, date_to_days
from realdid.crypto.escrow import EscrowKey, EscrowLabel
from realdid.errors import InvalidArgumentError

__all__ = [
    "AttributeRef",
    "Bound",
    "CredentialRequest",
    "EscrowRequest",
    "IssuanceCommitment",
    "RangePredicate",
    "check_ref",
    "check_tuple",
    "encode_bound",
]

Bound = int | datetime.date


def _type(value: object) -> str:
    return type(value).__name__


def check_tuple(value: object, what: str) -> tuple[object, ...]:
    """A tuple (not a list: statements are immutable and hashed as given)."""
    if not isinstance(value, tuple):
        raise InvalidArgumentError(f"{what}: got {_type(value)}, want a tuple")
    return value


def _check_index(value: object, what: str) -> None:
    if type(value) is not int:  # bool is an int to Python, never an index here
        raise InvalidArgumentError(f"{what}: got {_type(value)}, want an int")


@dataclass(frozen=True, slots=True)
class CredentialRequest:
    """One credential the presentation is about, and what of it is disclosed."""

    schema: Schema
    issuer_pk: bytes
    epoch: int
    disclosed: tuple[str, ...] = ()

    def check_types(self, k: int) -> None:
        """Schema, a BBS public key (§4.2.4.6, decoded once and cached), an epoch, names."""
        if not isinstance(self.schema, Schema):
            raise InvalidArgumentError(f"credential {k} schema: got {_type(self.schema)}")
        if not isinstance(self.issuer_pk, bytes):
            raise InvalidArgumentError(f"credential {k} issuer_pk: got {_type(self.issuer_pk)}")
        octets_to_pubkey(self.issuer_pk)  # DecodeError unless a point of G2, not the identity
        self.schema.header(self.epoch)  # checks the epoch
        for name in check_tuple(self.disclosed, f"credential {k} disclosed"):
            if not isinstance(name, str):
                raise InvalidArgumentError(f"credential {k} disclosed: got {_type(name)}, want str")


@dataclass(frozen=True, slots=True)
class AttributeRef:
    """An attribute of the statement's ``credential``-th credential. A name of another
    type than str matches no attribute: ``Schema.index`` refuses it, before any use."""

    credential: int
    attribute: str

    def check_types(self) -> None:
        _check_index(self.credential, "attribute ref credential")


def check_ref(value: object, what: str) -> AttributeRef:
    if not isinstance(value, AttributeRef):
        raise InvalidArgumentError(f"{what}: got {_type(value)}, want an AttributeRef")
    value.check_types()
    return value


@dataclass(frozen=True, slots=True)
class RangePredicate:
    """lower <= attribute <= upper (either bound may be None), on a hidden integer or date.

    Each bound is proved as a difference in [0, u^ℓ) (the range parameters'
    bound, 65536 for u = 256, ℓ = 2): "attribute >= a" proves
    a <= attribute < a + u^ℓ, so a verifier also learns that cap, and a
    value beyond it cannot be proved. For dates in days that is 179 years;
    for other integers, choose parameters whose u^ℓ covers the domain.
    """

    ref: AttributeRef
    lower: Bound | None = None
    upper: Bound | None = None

    def check_types(self) -> None:
        """The bounds' types depend on the attribute's kind: see :func:`encode_bound`."""
        check_ref(self.ref, "range")


def encode_bound(kind: Kind, bound: Bound) -> int:
    """A bound in the attribute's integer encoding (offset included): a date (not a
    datetime) for a date attribute, an int (not a bool) in [-2^62, 2^62) otherwise."""
    if kind is Kind.DATE:
        bound = date_to_days(bound)  # type: ignore[arg-type]  # it refuses all but a date
    if type(bound) is not int or not -INTEGER_OFFSET <= bound < INTEGER_OFFSET:
        raise InvalidArgumentError("range bound: want an int in [-2^62, 2^62)")
    return bound + INTEGER_OFFSET


@dataclass(frozen=True, slots=True)
class EscrowRequest:
    """Encrypt the credential's escrow handle for the trustees, bound to ``label``."""

    ref: AttributeRef
    key: EscrowKey
    label: EscrowLabel

    def check_types(self) -> None:
        check_ref(self.ref, "escrow")
        if not isinstance(self.key, EscrowKey):
            raise InvalidArgumentError(f"escrow key: got {_type(self.key)}, want an EscrowKey")
        label = self.label
        if not isinstance(label, EscrowLabel):
            raise InvalidArgumentError(f"escrow label: got {_type(label)}, want an EscrowLabel")
        if not isinstance(label.context_id, bytes) or not isinstance(label.nonce, bytes):
            raise InvalidArgumentError("escrow label: context_id and nonce want bytes")
        if not isinstance(label.purpose, str):
            raise InvalidArgumentError(f"escrow label purpose: got {_type(label.purpose)}")
        label.encode()  # lengths and the epoch


@dataclass(frozen=True, slots=True)
class IssuanceCommitment:
    """A blind commitment for a new credential of ``schema``, proved to hold the holder
    secret of the presented credential ``source`` and, when ``schema`` has a nym
    secret, ``source``'s nym secret minus ``nym_offset`` (the issuer's entropy, which
    it adds back when signing).

    So an issuer signs only for the holder that presented ``source``: a sector
    credential is bound to the citizen's one holder secret, and a renewed identity
    credential keeps the same nym secret, hence every pseudonym and every ban.
    ``commitment`` is C = Q_2·blind + J_1·holder_secret [+ J_2·prover_nym] under the
    blind draft's generators for the credential interface (credential.py).
    """

    schema: Schema
    commitment: bytes
    source: int = 0
    nym_offset: bytes | None = None

    def point(self) -> G1:
        return decode_g1(as_octets(self.commitment, "issuance commitment"), "commitment")

    def offset(self) -> Scalar | None:
        if self.nym_offset is None:
            return None
        return decode_scalar(as_octets(self.nym_offset, "nym offset"), "nym offset")

    def check_types(self) -> None:
        """Bytes, not a mutable buffer: the statement's digest is computed once and
        cached, so what it covers must not change afterwards. The offset is checked
        against the target schema in Statement._check_issuance."""
        if not isinstance(self.schema, Schema):
            raise InvalidArgumentError(f"issuance schema: got {_type(self.schema)}")
        _check_index(self.source, "issuance source")
        for name, value in (("commitment", self.commitment), ("nym_offset", self.nym_offset)):
            if value is not None and not isinstance(value, bytes):
                raise InvalidArgumentError(f"issuance {name}: got {_type(value)}, want bytes")
        self.point()  # a G1 point in the subgroup, not the identity
