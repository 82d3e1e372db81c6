"""The presentation's binary encoding, decoded strictly against its statement.

    "RDP1"
    disclosed values   per credential, per disclosed attribute in schema order:
                         text, bytes: u16 length || value;  integer, date: i64 (dates in days)
    pseudonym          48 bytes                              (if the statement asks for one)
    escrow ciphertext  label || U || V || Û || W || Ŵ || f   (if it asks for escrow)
    per credential     Abar || Bbar || D || T1 || T2 || e^ || r1^ || r3^
    responses          one scalar per class of hidden values (classes: see Statement.layout)
    Ut                 48 bytes                              (with a pseudonym)
    per range          V_0..V_{ℓ-1} || R_0..R_{ℓ-1} || s^_1..s^_{ℓ-1} || t^_0..t^_{ℓ-1}
    escrow link        T_U || T_V || r^                      (with escrow)
    issuance link      T_C || b^                             (with an issuance commitment)

Points are 48-byte compressed G1, scalars 32 bytes. The layout is fixed by
the statement, so the decoder knows every count before it reads a byte;
every point is checked (curve, subgroup, not the identity), every scalar is
below r and non-zero, and nothing may follow the last field.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from realdid.crypto._backend import (
    BP1,
    G1,
    OCTET_POINT_G1,
    OCTET_SCALAR,
    Scalar,
    as_octets,
    decode_g1,
    decode_scalar,
    encode_g1,
)
from realdid.crypto.credential import INTEGER_OFFSET, AttributeValue, Kind
from realdid.crypto.escrow import EscrowCiphertext
from realdid.crypto.presentation.statement import Statement
from realdid.errors import DecodeError, InvalidArgumentError

__all__ = ["CredentialProof", "EscrowPart", "IssuancePart", "Presentation", "RangePart"]

MAGIC = b"RDP1"
_EPOCH = datetime.date(1970, 1, 1)
_MAX_VALUE = 65535


@dataclass(frozen=True, slots=True)
class CredentialProof:
    Abar: G1
    Bbar: G1
    D: G1
    T1: G1
    T2: G1
    e_hat: Scalar
    r1_hat: Scalar
    r3_hat: Scalar


@dataclass(frozen=True, slots=True)
class RangePart:
    V: tuple[G1, ...]
    R: tuple[G1, ...]
    s_hat: tuple[Scalar, ...]  # s^_1 .. s^_{ℓ-1}
    t_hat: tuple[Scalar, ...]


@dataclass(frozen=True, slots=True)
class EscrowPart:
    ciphertext: EscrowCiphertext
    T_U: G1
    T_V: G1
    r_hat: Scalar


@dataclass(frozen=True, slots=True)
class IssuancePart:
    T_C: G1
    b_hat: Scalar


@dataclass(frozen=True, slots=True)
class Presentation:
    disclosed: tuple[dict[str, AttributeValue], ...]
    pseudonym: G1 | None
    escrow: EscrowPart | None
    credentials: tuple[CredentialProof, ...]
    responses: tuple[Scalar, ...]
    Ut: G1 | None
    ranges: tuple[RangePart, ...]
    issuance: IssuancePart | None = None

    def encode(self, statement: Statement) -> bytes:
        out = [MAGIC, encode_disclosed(statement, self.disclosed)]
        if self.pseudonym is not None:
            out.append(encode_g1(self.pseudonym))
        if self.escrow is not None:
            out.append(self.escrow.ciphertext.encode())
        for c in self.credentials:
            out += [encode_g1(p) for p in (c.Abar, c.Bbar, c.D, c.T1, c.T2)]
            out += [s.to_be_bytes() for s in (c.e_hat, c.r1_hat, c.r3_hat)]
        out += [s.to_be_bytes() for s in self.responses]
        if self.Ut is not None:
            out.append(encode_g1(self.Ut))
        for r in self.ranges:
            out += [encode_g1(p) for p in (*r.V, *r.R)]
            out += [s.to_be_bytes() for s in (*r.s_hat, *r.t_hat)]
        if self.escrow is not None:
            out += [encode_g1(self.escrow.T_U), encode_g1(self.escrow.T_V)]
            out.append(self.escrow.r_hat.to_be_bytes())
        if self.issuance is not None:
            out += [encode_g1(self.issuance.T_C), self.issuance.b_hat.to_be_bytes()]
        return b"".join(out)

    @classmethod
    def decode(cls, octets: bytes, statement: Statement) -> Presentation:
        layout = statement.layout
        r = _Reader(as_octets(octets, "presentation"))
        if r.take(4, "magic") != MAGIC:
            raise DecodeError("presentation: not a RealDID presentation (magic)")
        disclosed = tuple(
            _read_disclosed(r, statement, k) for k in range(len(statement.credentials))
        )
        pseudonym = None
        if statement.pseudonym_from is not None:
            pseudonym = r.point("pseudonym")
            if pseudonym == BP1:
                raise DecodeError("pseudonym: the base point BP1 is not allowed")
        ciphertext = None
        if statement.escrow is not None:
            ciphertext, r.offset = EscrowCiphertext.decode_from(r.octets, r.offset)
        creds = tuple(_read_credential_proof(r) for _ in statement.credentials)
        responses = tuple(r.scalar("response") for _ in range(layout.class_count))
        Ut = r.point("Ut") if pseudonym is not None else None
        ranges = []
        if layout.decompositions and statement.range_params is not None:
            ell = statement.range_params.digits
            for _ in layout.decompositions:
                V = tuple(r.point("range V") for _ in range(ell))
                R = tuple(r.point("range R") for _ in range(ell))
                s = tuple(r.scalar("range s^") for _ in range(ell - 1))
                t = tuple(r.scalar("range t^") for _ in range(ell))
                ranges.append(RangePart(V, R, s, t))
        escrow = None
        if ciphertext is not None:
            escrow = EscrowPart(ciphertext, r.point("T_U"), r.point("T_V"), r.scalar("r^"))
        issuance = None
        if statement.issuance is not None:
            issuance = IssuancePart(r.point("T_C"), r.scalar("b^"))
        r.finish()
        return cls(disclosed, pseudonym, escrow, creds, responses, Ut, tuple(ranges), issuance)


def _read_credential_proof(r: _Reader) -> CredentialProof:
    Abar, Bbar, D, T1, T2 = (r.point(name) for name in ("Abar", "Bbar", "D", "T1", "T2"))
    e_hat, r1_hat, r3_hat = (r.scalar(name) for name in ("e^", "r1^", "r3^"))
    return CredentialProof(Abar, Bbar, D, T1, T2, e_hat, r1_hat, r3_hat)


def encode_value(kind: Kind, value: AttributeValue) -> bytes:
    """A disclosed value's bytes in the presentation (and in the transcript)."""
    if kind in (Kind.INTEGER, Kind.DATE):
        if kind is Kind.DATE:
            if not isinstance(value, datetime.date):
                raise InvalidArgumentError("date attribute: want a datetime.date")
            value = (value - _EPOCH).days
        if type(value) is not int:
            raise InvalidArgumentError("integer attribute: want an int")
        return value.to_bytes(8, "big", signed=True)
    raw = value.encode() if isinstance(value, str) else as_octets(value, "attribute")
    if len(raw) > _MAX_VALUE:
        raise InvalidArgumentError(f"disclosed value: longer than {_MAX_VALUE} bytes")
    return len(raw).to_bytes(2, "big") + raw


def encode_disclosed(
    statement: Statement, disclosed: tuple[dict[str, AttributeValue], ...]
) -> bytes:
    out = []
    for k, req in enumerate(statement.credentials):
        for i in statement.disclosed_indexes(k):
            attribute = req.schema.attributes[i]
            out.append(encode_value(attribute.kind, disclosed[k][attribute.name]))
    return b"".join(out)


def _read_disclosed(r: _Reader, statement: Statement, k: int) -> dict[str, AttributeValue]:
    schema = statement.credentials[k].schema
    values: dict[str, AttributeValue] = {}
    for i in statement.disclosed_indexes(k):
        attribute = schema.attributes[i]
        if attribute.kind in (Kind.INTEGER, Kind.DATE):
            number = int.from_bytes(r.take(8, attribute.name), "big", signed=True)
            if not -INTEGER_OFFSET <= number < INTEGER_OFFSET:
                raise DecodeError(f"{attribute.name}: integer outside [-2^62, 2^62)")
            if attribute.kind is Kind.DATE:
                try:
                    values[attribute.name] = _EPOCH + datetime.timedelta(days=number)
                except OverflowError:
                    raise DecodeError(f"{attribute.name}: date out of range") from None
            else:
                values[attribute.name] = number
            continue
        raw = r.take(int.from_bytes(r.take(2, attribute.name), "big"), attribute.name)
        if attribute.kind is Kind.TEXT:
            try:
                values[attribute.name] = raw.decode()
            except UnicodeDecodeError:
                raise DecodeError(f"{attribute.name}: not UTF-8") from None
        else:
            values[attribute.name] = raw
    return values


class _Reader:
    def __init__(self, octets: bytes) -> None:
        self.octets = octets
        self.offset = 0

    def take(self, n: int, what: str) -> bytes:
        if self.offset + n > len(self.octets):
            raise DecodeError(f"presentation: truncated at {what}")
        chunk = self.octets[self.offset : self.offset + n]
        self.offset += n
        return chunk

    def point(self, what: str) -> G1:
        return decode_g1(self.take(OCTET_POINT_G1, what), what)

    def scalar(self, what: str) -> Scalar:
        return decode_scalar(self.take(OCTET_SCALAR, what), what)

    def finish(self) -> None:
        if self.offset != len(self.octets):
            raise DecodeError(f"presentation: {len(self.octets) - self.offset} trailing bytes")
