"""Escrow ciphertexts: TDH2 validity, labels, strict decoding."""

from __future__ import annotations

import dataclasses

import pytest
from tools.world import world

from realdid.crypto._backend import BP1, Scalar
from realdid.crypto.escrow import (
    EscrowCiphertext,
    EscrowLabel,
    check_ciphertext,
    encrypt,
    handle_point,
)
from realdid.errors import DecodeError, InvalidArgumentError, VerificationError

LABEL = EscrowLabel(b"did:realdid:svc:bank", b"nonce-1", "transfer", 11)


def test_ciphertext_decrypts_to_the_handle_point_and_checks() -> None:
    w = world()
    handle = Scalar(424242)
    ct, _ = encrypt(w.escrow_key, handle, LABEL)
    check_ciphertext(ct, w.escrow_key, LABEL)
    x = Scalar(w.escrow_secret)
    assert ct.V - ct.U * x == handle_point(handle)
    assert EscrowCiphertext.decode(ct.encode()) == ct


@pytest.mark.parametrize("field", ["U", "V", "U_hat", "W", "W_hat", "f"])
def test_each_tampered_component_fails_the_validity_proof(field: str) -> None:
    w = world()
    ct, _ = encrypt(w.escrow_key, Scalar(7), LABEL)
    value = getattr(ct, field)
    bumped = value + Scalar(1) if field == "f" else value + BP1
    with pytest.raises(VerificationError):
        check_ciphertext(dataclasses.replace(ct, **{field: bumped}), w.escrow_key, LABEL)


def test_a_relabelled_ciphertext_fails() -> None:
    w = world()
    ct, _ = encrypt(w.escrow_key, Scalar(7), LABEL)
    other = EscrowLabel(b"did:realdid:svc:forum", b"nonce-1", "transfer", 11)
    with pytest.raises(VerificationError):  # label is not the expected one
        check_ciphertext(ct, w.escrow_key, other)
    with pytest.raises(VerificationError):  # relabelled: the proof binds the label
        check_ciphertext(dataclasses.replace(ct, label=other), w.escrow_key, other)


def test_decoding_is_strict() -> None:
    w = world()
    octets = encrypt(w.escrow_key, Scalar(7), LABEL)[0].encode()
    for bad in (octets[:-1], octets + b"\x00", octets[:3], b""):
        with pytest.raises(DecodeError):
            EscrowCiphertext.decode(bad)


def test_label_limits() -> None:
    with pytest.raises(InvalidArgumentError):
        EscrowLabel(b"x" * 2000, b"", "p", 1).encode()
    with pytest.raises(InvalidArgumentError):
        EscrowLabel(b"x", b"", "p", -1).encode()
