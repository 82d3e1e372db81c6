"""The public API's handling of awkward (not malformed-bytes) inputs.

Found by review: non-bytes values must be refused with a typed error, never
turned into zero bytes by ``bytes()``; the signer must enforce the same size
limits the holder will face; caches stay bounded.
"""

from __future__ import annotations

import array
import secrets

import pytest

from realdid.crypto import bbs, blind, nym
from realdid.crypto.generators import MAX_MESSAGES
from realdid.crypto.randomness import random_scalar_octets
from realdid.errors import DecodeError, InvalidArgumentError

SK = bbs.key_gen(b"\x07" * 32)
PK = bbs.sk_to_pk(SK)


@pytest.mark.parametrize(
    "messages",
    [[3], ["text"], [None], b"ab", "ab", [b"ok", 10**12]],
    ids=["int", "str", "none", "bytes-as-list", "str-as-list", "huge-int"],
)
def test_messages_must_be_byte_strings(messages: object) -> None:
    with pytest.raises(InvalidArgumentError):
        bbs.sign(SK, PK, b"", messages)  # type: ignore[arg-type]


@pytest.mark.parametrize("header", [5, "hdr", None])
def test_header_must_be_bytes(header: object) -> None:
    with pytest.raises(InvalidArgumentError):
        bbs.sign(SK, PK, header, [b"m"])  # type: ignore[arg-type]


def test_bytes_like_values_are_used_as_their_raw_bytes() -> None:
    # The API is typed ``bytes``; at run time other bytes-like values are accepted as such.
    signature = bbs.sign(
        bytearray(SK),  # type: ignore[arg-type]
        memoryview(PK),  # type: ignore[arg-type]
        bytearray(b"h"),  # type: ignore[arg-type]
        [memoryview(b"m")],  # type: ignore[list-item]
    )
    assert signature == bbs.sign(SK, PK, b"h", [b"m"])
    wide = memoryview(array.array("I", [0] * 31 + [1]))  # 32 items, 128 bytes
    with pytest.raises(DecodeError):
        bbs.sk_to_pk(wide)  # type: ignore[arg-type]


def test_key_gen_refuses_an_empty_dst() -> None:
    with pytest.raises(InvalidArgumentError):
        bbs.key_gen(secrets.token_bytes(32), b"", b"")


def test_long_context_ids_work_and_are_not_cached() -> None:
    from realdid.crypto.nym import _cached_op_and_z

    before = _cached_op_and_z.cache_info().currsize
    long_id = secrets.token_bytes(100_000)
    first = nym.calculate_pseudonym(long_id, [random_scalar_octets()])
    assert len(first) == 48
    assert _cached_op_and_z.cache_info().currsize == before


def test_blind_signer_enforces_the_holders_total_limit() -> None:
    commitment, _ = blind.commit([b"c"] * 100)
    messages = [b"m"] * (MAX_MESSAGES - 99)
    with pytest.raises(InvalidArgumentError):
        blind.blind_sign(SK, PK, commitment, b"", messages)


def test_nym_signer_enforces_the_holders_total_limit() -> None:
    commitment, _ = nym.commit_with_nym([b"c"] * 99, [random_scalar_octets()])
    messages = [b"m"] * (MAX_MESSAGES - 99)
    with pytest.raises(InvalidArgumentError):
        nym.blind_sign_with_nym(SK, PK, commitment, 1, random_scalar_octets(), b"", messages)


def test_standalone_commitment_check_refuses_empty_input_unless_allowed() -> None:
    with pytest.raises(DecodeError):
        blind.deserialize_and_validate_commit(b"")
    blind.deserialize_and_validate_commit(b"", allow_empty=True)
    # BlindSign itself follows the draft: no commitment, no committed messages
    signature = blind.blind_sign(SK, PK, b"", b"h", [b"m"])
    blind.verify_blind_sign(PK, signature, b"h", [b"m"])
