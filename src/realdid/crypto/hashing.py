"""Hashing to bytes, to the field and to G1, as RFC 9380 defines them.

* ``expand_message_xmd`` (RFC 9380 §5.3.1) with SHA-256, and
  ``expand_message_xof`` (§5.3.2) with SHAKE-256;
* ``hash_to_curve_g1_xmd``: the RFC's ``BLS12381G1_XMD:SHA-256_SSWU_RO_`` suite
  (§8.8.1), computed by the native binding;
* ``hash_to_curve_g1_xof``: ``BLS12381G1_XOF:SHAKE-256_SSWU_RO_``, which the BBS
  draft defines (draft-irtf-cfrg-bbs-signatures §6.2.2, "BLS12-381-SHAKE-256"):
  the same SSWU map, isogeny and cofactor as the XMD suite, with
  expand_message_xof, k = 128 and L = 64. No library ships it; it is built
  here from RFC 9380's hash_to_field (§5.2) and the binding's map_to_curve.

Only DSTs of at most 255 bytes are accepted: every DST the BBS drafts derive
fits, and the drafts' hash_to_scalar refuses longer ones.
"""

from __future__ import annotations

import hashlib
from typing import Final

from realdid.crypto._backend import G1, P, g1_hash_to_curve_xmd, g1_map_to_curve
from realdid.errors import InvalidArgumentError

__all__ = [
    "MAX_DST_LENGTH",
    "expand_message_xmd",
    "expand_message_xof",
    "hash_to_curve_g1_xmd",
    "hash_to_curve_g1_xof",
    "hash_to_field_fp_xof",
]

MAX_DST_LENGTH: Final = 255
_MAX_LEN_IN_BYTES: Final = 65535
_SHA256_BLOCK: Final = 64
_SHA256_OUT: Final = 32
_Z_PAD: Final = bytes(_SHA256_BLOCK)
#: L for BLS12-381 G1 with k = 128: ceil((ceil(log2(p)) + k) / 8) = 64.
_FIELD_L: Final = 64


def _check_dst(dst: bytes) -> None:
    """RFC 9380 §3.1: a DST is non-empty; §5.3.3 long DSTs are not needed by BBS."""
    if not 0 < len(dst) <= MAX_DST_LENGTH:
        raise InvalidArgumentError(f"DST: got {len(dst)} bytes, want 1..{MAX_DST_LENGTH}")


def _check_lengths(dst: bytes, len_in_bytes: int) -> None:
    _check_dst(dst)
    if not 0 < len_in_bytes <= _MAX_LEN_IN_BYTES:
        raise InvalidArgumentError(f"len_in_bytes: got {len_in_bytes}, want 1..{_MAX_LEN_IN_BYTES}")


def expand_message_xmd(msg: bytes, dst: bytes, len_in_bytes: int) -> bytes:
    """expand_message_xmd with SHA-256 (RFC 9380 §5.3.1).

    Requires len(dst) <= 255 and 0 < len_in_bytes <= 255 * 32.
    """
    _check_lengths(dst, len_in_bytes)
    ell = -(-len_in_bytes // _SHA256_OUT)
    if ell > 255:
        raise InvalidArgumentError(f"len_in_bytes: got {len_in_bytes}, want at most {255 * 32}")
    dst_prime = dst + bytes([len(dst)])
    b_0 = hashlib.sha256(
        _Z_PAD + msg + len_in_bytes.to_bytes(2, "big") + b"\x00" + dst_prime
    ).digest()
    b_i = hashlib.sha256(b_0 + b"\x01" + dst_prime).digest()
    out = [b_i]
    b_0_int = int.from_bytes(b_0, "big")
    for i in range(2, ell + 1):
        mixed = (b_0_int ^ int.from_bytes(b_i, "big")).to_bytes(_SHA256_OUT, "big")
        b_i = hashlib.sha256(mixed + bytes([i]) + dst_prime).digest()
        out.append(b_i)
    return b"".join(out)[:len_in_bytes]


def expand_message_xof(msg: bytes, dst: bytes, len_in_bytes: int) -> bytes:
    """expand_message_xof with SHAKE-256 (RFC 9380 §5.3.2).

    Requires len(dst) <= 255 and 0 < len_in_bytes <= 65535.
    """
    _check_lengths(dst, len_in_bytes)
    dst_prime = dst + bytes([len(dst)])
    return hashlib.shake_256(msg + len_in_bytes.to_bytes(2, "big") + dst_prime).digest(len_in_bytes)


def hash_to_field_fp_xof(msg: bytes, dst: bytes, count: int) -> list[int]:
    """hash_to_field (RFC 9380 §5.2) into Fp with expand_message_xof, m = 1, L = 64."""
    uniform = expand_message_xof(msg, dst, count * _FIELD_L)
    return [
        int.from_bytes(uniform[i * _FIELD_L : (i + 1) * _FIELD_L], "big") % P for i in range(count)
    ]


def hash_to_curve_g1_xmd(msg: bytes, dst: bytes) -> G1:
    """BLS12381G1_XMD:SHA-256_SSWU_RO_ (RFC 9380 §8.8.1)."""
    _check_dst(dst)
    return g1_hash_to_curve_xmd(msg, dst)


def hash_to_curve_g1_xof(msg: bytes, dst: bytes) -> G1:
    """BLS12381G1_XOF:SHAKE-256_SSWU_RO_ (RFC 9380 §3 hash_to_curve, the BBS draft's suite).

    1. u0, u1 = hash_to_field(msg, 2) with expand_message_xof(SHAKE-256)
    2. Q0 = map_to_curve(u0); Q1 = map_to_curve(u1)
    3. return clear_cofactor(Q0 + Q1)
    The binding clears the cofactor inside each map; the map h_eff is linear,
    so clear(Q0) + clear(Q1) = clear(Q0 + Q1).
    """
    u0, u1 = hash_to_field_fp_xof(msg, dst, 2)
    return g1_map_to_curve(u0) + g1_map_to_curve(u1)
