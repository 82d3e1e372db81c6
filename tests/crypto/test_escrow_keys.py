"""The authority's index keys and the escrow key's encoding (issue #9 §5: no test in the
crypto suite reached handle_index_key, opened_index_key or EscrowKey.decode)."""

from __future__ import annotations

import pytest
from tools.world import world

from realdid.crypto._backend import BP1, G1_IDENTITY, Scalar, decode_scalar, encode_g1
from realdid.crypto.escrow import (
    EscrowCiphertext,
    EscrowKey,
    EscrowLabel,
    check_ciphertext,
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


def test_a_label_decodes_alone_up_to_its_last_byte() -> None:
    octets = LABEL.encode()
    assert EscrowLabel.decode_from(octets, 0) == (LABEL, len(octets))
    assert EscrowLabel.decode_from(b"xy" + octets, 2) == (LABEL, 2 + len(octets))
    for cut in range(1, 5):  # the epoch cut short
        with pytest.raises(DecodeError):
            EscrowLabel.decode_from(octets[:-cut], 0)


def test_label_fields_of_1024_bytes_decode_and_longer_ones_do_not() -> None:
    edge = EscrowLabel(b"c" * 1024, b"n" * 1024, "p" * 1024, 7)
    assert EscrowLabel.decode_from(edge.encode(), 0)[0] == edge
    for field in range(3):  # a 1025-byte field, with every byte present
        parts = [b"c", b"n", b"p"]
        parts[field] = b"x" * 1025
        octets = b"".join(len(p).to_bytes(2, "big") + p for p in parts) + (7).to_bytes(4, "big")
        with pytest.raises(DecodeError):
            EscrowLabel.decode_from(octets, 0)


#: A ciphertext made once by this code (key y = 20261201·G, handle 424242, LABEL). The
#: TDH2 challenge hashes fixed labels; a ciphertext stored on the ledger must still check.
_KEY = (
    "ad8ba0020a092f222a94a81e500a4c260adddaef38e0f1af8fe643a0252cb113"
    "054415a0fa79299feaadef999fdf64d8"
)
_CIPHERTEXT = (
    "00146469643a7265616c6469643a7376633a62616e6b00076e6f6e63652d3100087472616e736665720000"
    "000ba9fc9450d917d3649546b4a1efd6cfe0831e42b9b8f7da3fe2abed98d2ff7a4b87c93b34934faf7d72"
    "9a96d87dab0bf5946c35b88d6186eadc0da04ad820e44e38adc9ce7c6112e97183835632faabe6acde0dba"
    "cece6545f98b6876db2df88d92be610da74ce496a29823247564e993632ad10d281d70e9ae6229971e5eec"
    "9614f7475d8886a9a2f829d89e3bba44bfae0ab7f94b23ffa507f93f38d7593b8a7ffe2b8554ac978e3f72"
    "b9781b0996e006c78bbc4d3df1a776b957a93233b9c3b3c596e84a8e7bd44523a4c00ecbd02c3919fe17f2"
    "f463837621f2c4d7a4bdea050bee27f356967398e4bfec463136fb290d4ff072aca31ba02b697bc7586287"
    "bcb77e461c40e75aa1256e1fc457c3c4"
)


def test_a_stored_ciphertext_still_checks_and_decrypts() -> None:
    key = EscrowKey.decode(bytes.fromhex(_KEY))
    assert key == EscrowKey(BP1 * Scalar(20261201))
    ct = EscrowCiphertext.decode(bytes.fromhex(_CIPHERTEXT))
    check_ciphertext(ct, key, LABEL)
    assert ct.V - ct.U * Scalar(20261201) == handle_point(Scalar(424242))


@pytest.mark.parametrize("epoch", [0, 1, 2**32 - 1])
def test_label_epochs_of_a_u32_are_encoded(epoch: int) -> None:
    label = EscrowLabel(b"c", b"n", "p", epoch)
    assert label.encode()[-4:] == epoch.to_bytes(4, "big")
    assert EscrowLabel.decode_from(label.encode(), 0)[0] == label


@pytest.mark.parametrize("epoch", [-1, 2**32, True])
def test_label_epochs_outside_a_u32_are_refused(epoch: int) -> None:
    with pytest.raises(InvalidArgumentError):
        EscrowLabel(b"c", b"n", "p", epoch).encode()
