"""The authority's index keys and the escrow key's encoding (issue #9 §5: no test in the
crypto suite reached handle_index_key, opened_index_key or EscrowKey.decode)."""

from __future__ import annotations

import pytest
from tools.world import world

from realdid.crypto._backend import BP1, G1_IDENTITY, Scalar, decode_scalar, encode_g1
from realdid.crypto.escrow import (
    EscrowKey,
    EscrowLabel,
    encrypt,
    handle_index_key,
    handle_point,
    opened_index_key,
)
from realdid.crypto.groups import escrow_base, escrow_message_base
from realdid.crypto.randomness import random_scalar_octets
from realdid.errors import DecodeError, InvalidArgumentError

LABEL = EscrowLabel(b"did:realdid:svc:bank", b"nonce-1", "transfer", 11)


def test_a_decrypted_ciphertext_finds_its_citizen_by_index_key() -> None:
    """What the authority stores at enrolment is what an opening gives back."""
    w = world()
    handles = [random_scalar_octets() for _ in range(3)]
    index = {handle_index_key(h): i for i, h in enumerate(handles)}
    assert len(index) == 3
    x = Scalar(w.escrow_secret)
    for i, h in enumerate(handles):
        ct, _ = encrypt(w.escrow_key, decode_scalar(h), LABEL)
        opened = ct.V - ct.U * x  # what the trustees' shares combine to
        assert index[opened_index_key(opened)] == i


def test_the_index_key_is_the_compressed_handle_point() -> None:
    h = random_scalar_octets()
    key = handle_index_key(h)
    assert len(key) == 48
    assert (
        key
        == encode_g1(handle_point(decode_scalar(h)))
        == encode_g1(escrow_message_base() * decode_scalar(h))
    )
    assert key != handle_index_key(random_scalar_octets())


@pytest.mark.parametrize("handle", [bytes(32), b"\xff" * 32, bytes(31), bytes(33)])
def test_an_invalid_handle_has_no_index_key(handle: bytes) -> None:
    with pytest.raises(DecodeError):
        handle_index_key(handle)


def test_the_escrow_key_round_trips() -> None:
    key = world().escrow_key
    assert EscrowKey.decode(key.encode()) == key
    assert EscrowKey.decode(key.encode()).digest == key.digest
    other = EscrowKey(BP1 * Scalar(5))
    assert other.digest != key.digest


def test_a_malformed_or_degenerate_escrow_key_is_refused() -> None:
    encoded = world().escrow_key.encode()
    for bad in (encoded[:-1], encoded + b"\x00", encode_g1(G1_IDENTITY), b""):
        with pytest.raises(DecodeError):
            EscrowKey.decode(bad)
    with pytest.raises(InvalidArgumentError):  # y = G: its secret is 1
        EscrowKey.decode(encode_g1(escrow_base()))
