"""The one door to the native BLS12-381 binding (``py-arkworks-bls12381``).

Everything else in RealDID reaches group arithmetic through this module, so
the binding's sharp edges are filed down in one place:

* ``from_compressed_bytes`` accepts a first byte with the infinity flag set
  followed by junk (and returns the identity), so the flag byte is checked
  here before the binding sees the bytes;
* ``Scalar(int)`` silently reduces mod r, so decoded scalars are range-checked
  here before a ``Scalar`` is built;
* ``multiexp_unchecked`` silently accepts lists of different lengths, so the
  wrapper insists on equal lengths;
* every binding exception is caught and re-raised as a
  :class:`~realdid.errors.DecodeError` that names the defect, never the value.

Encodings follow the ZCash BLS12-381 serialization the BBS draft mandates
(draft-irtf-cfrg-bbs-signatures §4.2.4, Appendix "point_to_octets"): big-endian,
compressed; the three most significant bits of the first byte are the
compression, infinity and sort flags.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from py_arkworks_bls12381 import GT, G1Point, G2Point, Scalar

from realdid.errors import DecodeError, InvalidArgumentError

__all__ = [
    "BP1",
    "BP2",
    "G1",
    "G1_IDENTITY",
    "G2",
    "OCTET_POINT_G1",
    "OCTET_POINT_G2",
    "OCTET_SCALAR",
    "P",
    "R",
    "Scalar",
    "as_octets",
    "as_octets_list",
    "decode_g1",
    "decode_g2",
    "decode_scalar",
    "encode_g1",
    "encode_g2",
    "encode_scalar",
    "g1_hash_to_curve_xmd",
    "g1_map_to_curve",
    "msm_g1",
    "pairing_product_is_one",
    "scalar_from_int",
    "scalar_from_wide",
]

G1 = G1Point
G2 = G2Point

#: Order of the prime-order subgroups (and of the scalar field).
R: Final = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001
#: Modulus of the base field Fp.
P: Final = int(
    "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f624"
    "1eabfffeb153ffffb9feffffffffaaab",
    16,
)

OCTET_SCALAR: Final = 32
OCTET_POINT_G1: Final = 48
OCTET_POINT_G2: Final = 96

_FLAG_COMPRESSED: Final = 0x80
_FLAG_INFINITY: Final = 0x40
_FLAG_SORT: Final = 0x20
_FLAGS: Final = _FLAG_COMPRESSED | _FLAG_INFINITY | _FLAG_SORT

#: The fixed generators of G1 and G2 (the draft's BP1 and BP2).
BP1: Final = G1Point()
BP2: Final = G2Point()
G1_IDENTITY: Final = G1Point.identity()
_G2_IDENTITY: Final = G2Point.identity()


def as_octets(value: object, what: str) -> bytes:
    """Accept bytes, bytearray or memoryview (as its raw bytes); refuse anything else.

    ``bytes(3)`` is three zero bytes and ``bytes(10**12)`` a terabyte, so the
    API never calls ``bytes()`` on what a caller handed it.
    """
    if isinstance(value, bytes):
        return value
    if isinstance(value, bytearray | memoryview):
        return bytes(value)
    raise InvalidArgumentError(f"{what}: got {type(value).__name__}, want bytes")


def as_octets_list(values: object, what: str) -> list[bytes]:
    """A sequence of byte strings (not itself a byte string or a str)."""
    if isinstance(values, bytes | bytearray | memoryview | str) or not isinstance(values, Sequence):
        raise InvalidArgumentError(f"{what}: got {type(values).__name__}, want a list of bytes")
    return [as_octets(v, what) for v in values]


def _check_flags(octets: bytes, what: str, *, allow_identity: bool) -> bool:
    """Check the flag bits of a compressed encoding; return True for the identity.

    Rules (ZCash serialization): the compression flag must be set (we never
    accept the uncompressed form); with the infinity flag set, the sort flag
    and every other bit must be zero.
    """
    flags = octets[0] & _FLAGS
    if not flags & _FLAG_COMPRESSED:
        raise DecodeError(f"{what}: compression flag not set (uncompressed encodings are refused)")
    if flags & _FLAG_INFINITY:
        if flags & _FLAG_SORT or octets[0] & ~_FLAGS & 0xFF or any(octets[1:]):
            raise DecodeError(f"{what}: infinity flag set with other bits non-zero")
        if not allow_identity:
            raise DecodeError(f"{what}: the identity point is not allowed here")
        return True
    return False


def _field_element(chunk: bytes) -> int:
    return int.from_bytes(chunk, "big")


def decode_g1(octets: bytes, what: str = "G1 point", *, allow_identity: bool = False) -> G1Point:
    """octets_to_point_g1 with every check: length, flags, x < p, on curve, subgroup.

    Raises DecodeError naming the defect. The identity is refused unless
    ``allow_identity`` (the BBS drafts refuse it for every point they decode).
    """
    octets = as_octets(octets, what)
    if len(octets) != OCTET_POINT_G1:
        raise DecodeError(f"{what}: got {len(octets)} bytes, want {OCTET_POINT_G1}")
    if _check_flags(octets, what, allow_identity=allow_identity):
        return G1_IDENTITY
    x = _field_element(bytes([octets[0] & ~_FLAGS & 0xFF]) + octets[1:])
    if x >= P:
        raise DecodeError(f"{what}: x-coordinate not below the field modulus p")
    try:
        point = G1Point.from_compressed_bytes_unchecked(octets)
    except ValueError:
        raise DecodeError(f"{what}: x is not the x-coordinate of a curve point") from None
    if not point.is_in_subgroup():
        raise DecodeError(f"{what}: point is not in the prime-order subgroup")
    return point


def decode_g2(octets: bytes, what: str = "G2 point", *, allow_identity: bool = False) -> G2Point:
    """octets_to_point_g2 with the same checks as :func:`decode_g1` (x = x_1 || x_0)."""
    octets = as_octets(octets, what)
    if len(octets) != OCTET_POINT_G2:
        raise DecodeError(f"{what}: got {len(octets)} bytes, want {OCTET_POINT_G2}")
    if _check_flags(octets, what, allow_identity=allow_identity):
        return _G2_IDENTITY
    x1 = _field_element(bytes([octets[0] & ~_FLAGS & 0xFF]) + octets[1:48])
    x0 = _field_element(octets[48:])
    if x1 >= P or x0 >= P:
        raise DecodeError(f"{what}: x-coordinate not below the field modulus p")
    try:
        point = G2Point.from_compressed_bytes_unchecked(octets)
    except ValueError:
        raise DecodeError(f"{what}: x is not the x-coordinate of a curve point") from None
    if not point.is_in_subgroup():
        raise DecodeError(f"{what}: point is not in the prime-order subgroup")
    return point


def encode_g1(point: G1Point) -> bytes:
    """point_to_octets_g1: 48-byte compressed encoding."""
    return point.to_compressed_bytes()


def encode_g2(point: G2Point) -> bytes:
    """point_to_octets_g2: 96-byte compressed encoding."""
    return point.to_compressed_bytes()


def decode_scalar(octets: bytes, what: str = "scalar", *, allow_zero: bool = False) -> Scalar:
    """octets_to_scalar: exactly 32 bytes, big-endian, 0 < s < r (0 <= s if allowed)."""
    octets = as_octets(octets, what)
    if len(octets) != OCTET_SCALAR:
        raise DecodeError(f"{what}: got {len(octets)} bytes, want {OCTET_SCALAR}")
    value = int.from_bytes(octets, "big")
    if value >= R:
        raise DecodeError(f"{what}: not below the group order r")
    if value == 0 and not allow_zero:
        raise DecodeError(f"{what}: zero is not allowed here")
    return Scalar.from_be_bytes(octets)


def encode_scalar(s: Scalar) -> bytes:
    """scalar_to_octets: 32 bytes big-endian."""
    return s.to_be_bytes()


def scalar_from_int(value: int) -> Scalar:
    """A scalar from an integer already known to lie in [0, r)."""
    if not 0 <= value < R:
        raise DecodeError("integer scalar: not in [0, r)")
    return Scalar.from_be_bytes(value.to_bytes(OCTET_SCALAR, "big"))


def scalar_from_wide(octets: bytes) -> Scalar:
    """OS2IP(octets) mod r, for hash and RNG outputs (48 bytes: bias < 2^-128)."""
    return Scalar.from_be_bytes_mod_order(octets)


def msm_g1(points: Sequence[G1Point], scalars: Sequence[Scalar]) -> G1Point:
    """Σ points[i]·scalars[i] as one native multi-scalar multiplication."""
    if len(points) != len(scalars):
        raise AssertionError("msm_g1: points and scalars differ in length")  # programming error
    return G1Point.multiexp_unchecked(list(points), list(scalars))


def pairing_product_is_one(g1s: Sequence[G1Point], g2s: Sequence[G2Point]) -> bool:
    """Π e(g1s[i], g2s[i]) == 1 in GT, as one multi-pairing with one final exponentiation."""
    if len(g1s) != len(g2s):
        raise AssertionError("pairing_product_is_one: lists differ in length")
    return bool(GT.pairing_check(list(g1s), list(g2s)))


def g1_hash_to_curve_xmd(msg: bytes, dst: bytes) -> G1Point:
    """RFC 9380 BLS12381G1_XMD:SHA-256_SSWU_RO_ (the binding's; message first, then DST)."""
    return G1Point.hash_to_curve(msg, dst)


def g1_map_to_curve(u: int) -> G1Point:
    """map_to_curve (SSWU + 11-isogeny) of u in Fp, followed by clear_cofactor.

    Clearing the cofactor is linear, so hash_to_curve = this(u0) + this(u1).
    """
    if not 0 <= u < P:
        raise AssertionError("g1_map_to_curve: u not reduced mod p")
    return G1Point.map_from_fp_be(u.to_bytes(OCTET_POINT_G1, "big"))
