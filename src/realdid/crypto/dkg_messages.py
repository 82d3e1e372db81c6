"""The DKG's public messages, their canonical encoding, and its parameters.

Every message a trustee broadcasts during the ceremony (see
:mod:`realdid.crypto.dkg` for the protocol) is a frozen dataclass with one
canonical byte encoding: fields in order, indexes and counts on 2 octets,
points compressed, scalars on 32 octets. Decoding is strict: truncation,
trailing bytes, index 0, points off the curve, outside the subgroup or at
infinity, and scalars not below r are DecodeErrors.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import Field, dataclass, field, fields
from typing import Any, ClassVar, Final, Self, TypeVar

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from realdid.crypto._backend import (
    G1,
    OCTET_POINT_G1,
    OCTET_SCALAR,
    Scalar,
    as_octets,
    decode_g1,
    decode_scalar,
    encode_g1,
    encode_scalar,
)
from realdid.crypto.threshold import JointKey
from realdid.errors import DecodeError, InvalidArgumentError

__all__ = [
    "AUX_KEY_LENGTH",
    "MAX_TRUSTEES",
    "SHARE_CIPHERTEXT_LENGTH",
    "Complaint",
    "Dealing",
    "DkgParameters",
    "DkgResult",
    "EncryptedShare",
    "FeldmanCommitment",
    "RevealedShare",
    "Transcript",
    "u16",
]

MAX_TRUSTEES: Final = 255
AUX_KEY_LENGTH: Final = 32
SHARE_CIPHERTEXT_LENGTH: Final = 2 * OCTET_SCALAR + 16  # s || s' and the Poly1305 tag
#: Any fixed key: X25519 with a low-order public key gives 0, which cryptography refuses.
_LOW_ORDER_PROBE: Final = X25519PrivateKey.from_private_bytes(b"\x01" * 32)
_T = TypeVar("_T")


def u16(value: int) -> bytes:
    if not isinstance(value, int) or not 0 <= value <= 0xFFFF:
        raise InvalidArgumentError(f"index or count: got {value!r}, want 0..65535")
    return value.to_bytes(2, "big")


class _Reader:
    """Strict cursor over bytes: DecodeError on truncation, index 0 or trailing bytes."""

    def __init__(self, data: bytes, what: str) -> None:
        self._data, self._at, self._what = as_octets(data, what), 0, what

    def take(self, size: int) -> bytes:
        if self._at + size > len(self._data):
            raise DecodeError(f"{self._what}: truncated at byte {len(self._data)}")
        self._at += size
        return self._data[self._at - size : self._at]

    def index(self) -> int:
        if (value := int.from_bytes(self.take(2), "big")) == 0:
            raise DecodeError(f"{self._what}: index 0 is not a trustee")
        return value

    def scalar(self) -> Scalar:
        return decode_scalar(self.take(OCTET_SCALAR), f"{self._what} scalar", allow_zero=True)

    def items(self, read: Callable[[_Reader], _T]) -> tuple[_T, ...]:
        return tuple(read(self) for _ in range(int.from_bytes(self.take(2), "big")))

    def points(self) -> tuple[G1, ...]:
        return self.items(lambda r: decode_g1(r.take(OCTET_POINT_G1), f"{self._what} point"))

    def finish(self) -> None:
        if self._at != len(self._data):
            raise DecodeError(f"{self._what}: {len(self._data) - self._at} trailing bytes")


#: How one field goes to bytes and back.
_Codec = tuple[Callable[[Any], bytes], Callable[[_Reader], Any]]
_INDEX: Final[_Codec] = (u16, _Reader.index)
_SCALAR: Final[_Codec] = (encode_scalar, _Reader.scalar)
_POINTS: Final[_Codec] = (lambda ps: u16(len(ps)) + b"".join(map(encode_g1, ps)), _Reader.points)


def _raw(size: int) -> _Codec:
    def encode(value: bytes) -> bytes:
        if not isinstance(value, bytes) or len(value) != size:
            raise InvalidArgumentError(f"raw field: want {size} bytes")
        return value

    return encode, lambda r: r.take(size)


def _many(kind: type[_Message]) -> _Codec:
    def encode(messages: Sequence[_Message]) -> bytes:
        return u16(len(messages)) + b"".join(m.to_bytes() for m in messages)

    return encode, lambda r: r.items(kind.read)


class _Message:
    """Canonical encoding: the fields in order, each as ``_layout`` says; indexes and
    counts on 2 octets (big-endian), points compressed, scalars on 32 octets."""

    __slots__ = ()
    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]
    _layout: ClassVar[tuple[_Codec, ...]]

    def to_bytes(self) -> bytes:
        values = (getattr(self, f.name) for f in fields(self))
        return b"".join(encode(v) for (encode, _), v in zip(self._layout, values, strict=True))

    @classmethod
    def read(cls, r: _Reader) -> Self:
        return cls(*(read(r) for _, read in cls._layout))

    @classmethod
    def from_bytes(cls, data: bytes) -> Self:
        """Decode strictly (points in G1 and not the identity, scalars < r) or raise DecodeError."""
        r = _Reader(data, cls.__name__)
        message = cls.read(r)
        r.finish()
        return message


@dataclass(frozen=True, slots=True)
class EncryptedShare(_Message):
    """(s_ij, s'_ij) sealed to trustee ``recipient``'s auxiliary X25519 key."""

    recipient: int
    ephemeral_key: bytes
    ciphertext: bytes
    _layout = (_INDEX, _raw(AUX_KEY_LENGTH), _raw(SHARE_CIPHERTEXT_LENGTH))


@dataclass(frozen=True, slots=True)
class Dealing(_Message):
    """Step 1a: C_i0..C_i,k−1 and one sealed share for every other trustee, in order."""

    dealer: int
    commitments: tuple[G1, ...]
    shares: tuple[EncryptedShare, ...]
    _layout = (_INDEX, _POINTS, _many(EncryptedShare))


@dataclass(frozen=True, slots=True)
class Complaint(_Message):
    """Step 1b: ``complainer``'s share from ``dealer`` failed Eq. (4) or did not open."""

    complainer: int
    dealer: int
    _layout = (_INDEX, _INDEX)


@dataclass(frozen=True, slots=True)
class RevealedShare(_Message):
    """(s_ij, s'_ij) = (f_i(j), f'_i(j)) in the clear: an answer (step 1c, sent by
    the dealer), a complaint (4b) or a reconstruction share (4c), sent by j."""

    dealer: int
    recipient: int
    share: Scalar = field(repr=False)
    blinding: Scalar = field(repr=False)
    _layout = (_INDEX, _INDEX, _SCALAR, _SCALAR)


@dataclass(frozen=True, slots=True)
class FeldmanCommitment(_Message):
    """Step 4a: A_ik = a_ik·G and a Schnorr proof (c, z) of knowledge of a_i0."""

    dealer: int
    commitments: tuple[G1, ...]
    challenge: Scalar
    response: Scalar
    _layout = (_INDEX, _POINTS, _SCALAR, _SCALAR)


@dataclass(frozen=True, slots=True)
class Transcript(_Message):
    """Every public message, each list in canonical order: by sender, then by the other index."""

    dealings: tuple[Dealing, ...] = ()
    complaints: tuple[Complaint, ...] = ()
    answers: tuple[RevealedShare, ...] = ()
    feldman: tuple[FeldmanCommitment, ...] = ()
    feldman_complaints: tuple[RevealedShare, ...] = ()
    reconstructions: tuple[RevealedShare, ...] = ()
    _layout = tuple(map(_many, (Dealing, Complaint, RevealedShare, FeldmanCommitment)))
    _layout += (_many(RevealedShare), _many(RevealedShare))


@dataclass(frozen=True, slots=True)
class DkgParameters:
    """One ceremony's public setup: a session id unique to it, k, and trustee j's
    auxiliary X25519 key at position j − 1 (low-order and repeated keys refused)."""

    session_id: bytes
    threshold: int
    aux_public_keys: tuple[bytes, ...]

    def __post_init__(self) -> None:
        sid, k, keys = self.session_id, self.threshold, self.aux_public_keys
        if not isinstance(sid, bytes) or not 1 <= len(sid) <= 255:
            raise InvalidArgumentError("session_id: want 1..255 bytes")
        if not isinstance(keys, tuple) or not 1 <= len(keys) <= MAX_TRUSTEES:
            raise InvalidArgumentError(f"aux_public_keys: want a tuple of 1..{MAX_TRUSTEES} keys")
        if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= len(keys):
            raise InvalidArgumentError(f"threshold: got {k!r}, want 1 <= k <= n = {len(keys)}")
        for j, key in enumerate(keys, 1):
            if not isinstance(key, bytes) or len(key) != AUX_KEY_LENGTH:
                raise InvalidArgumentError(f"aux key of trustee {j}: want {AUX_KEY_LENGTH} bytes")
            try:
                _LOW_ORDER_PROBE.exchange(X25519PublicKey.from_public_bytes(key))
            except ValueError:
                raise InvalidArgumentError(f"aux key of trustee {j}: a low-order point") from None
        if len(set(keys)) != len(keys):
            raise InvalidArgumentError("aux_public_keys: got a repeated key, want distinct")

    @property
    def n(self) -> int:
        return len(self.aux_public_keys)

    def to_bytes(self) -> bytes:
        sid = bytes([len(self.session_id)]) + self.session_id
        return sid + u16(self.n) + u16(self.threshold) + b"".join(self.aux_public_keys)


@dataclass(frozen=True, slots=True)
class DkgResult:
    """What anyone derives from the transcript: QUAL, y, Y_1..Y_n and the transcript hash."""

    qual: tuple[int, ...]
    reconstructed: tuple[int, ...]
    public_key: G1
    public_shares: Mapping[int, G1]
    transcript_hash: bytes
    threshold: int

    def joint_key(self) -> JointKey:
        """y, k and Y_1..Y_n as decryption needs them (the threshold travels with the key)."""
        return JointKey(self.public_key, self.threshold, self.public_shares)
