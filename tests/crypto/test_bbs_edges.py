"""BBS at the edges of its arguments (found by mutation testing, docs/mutation.md).

Signing and KeyGen are deterministic, so a default that drifted from the empty
value (no header, no presentation header, no key_info) changes the output;
key_info may be exactly 65535 bytes (I2OSP(len, 2)); validate_pk accepts a
key and refuses what is not one.
"""

from __future__ import annotations

import pytest

from realdid.crypto import bbs
from realdid.errors import DecodeError, InvalidArgumentError, VerificationError

SK = bbs.key_gen(b"\x0c" * 32)
PK = bbs.sk_to_pk(SK)


def test_key_gen_default_key_info_is_empty() -> None:
    assert bbs.key_gen(b"\x0c" * 32) == bbs.key_gen(b"\x0c" * 32, b"")
    assert bbs.key_gen(b"\x0c" * 32) != bbs.key_gen(b"\x0c" * 32, b"i")


def test_key_info_of_65535_bytes_is_allowed() -> None:
    assert len(bbs.key_gen(b"\x0c" * 32, b"i" * 65535)) == 32
    with pytest.raises(InvalidArgumentError):
        bbs.key_gen(b"\x0c" * 32, b"i" * 65536)


def test_sign_and_verify_defaults_are_the_empty_header() -> None:
    assert bbs.sign(SK, PK) == bbs.sign(SK, PK, b"", ())
    bbs.verify(PK, bbs.sign(SK, PK, b"", ()))
    with pytest.raises(VerificationError):
        bbs.verify(PK, bbs.sign(SK, PK, b"h", ()))


def test_proof_defaults_are_the_empty_headers() -> None:
    signature = bbs.sign(SK, PK, b"", [b"m"])
    proof = bbs.proof_gen(PK, signature, messages=[b"m"], disclosed_indexes=[0])
    bbs.proof_verify(PK, proof, b"", b"", [b"m"], [0])
    explicit = bbs.proof_gen(PK, signature, b"", b"", [b"m"], [0])
    bbs.proof_verify(PK, explicit, disclosed_messages=[b"m"], disclosed_indexes=[0])
    with pytest.raises(VerificationError):
        bbs.proof_verify(PK, explicit, b"", b"p", [b"m"], [0])


def test_validate_pk_accepts_a_key_and_refuses_other_bytes() -> None:
    bbs.validate_pk(PK)
    with pytest.raises(DecodeError):
        bbs.validate_pk(PK[:-1])
    with pytest.raises(DecodeError):
        bbs.validate_pk(bytes(96))
