"""Signed-note keys at their edges (c2sp.org/signed-note): '+' inside the base64 of a
key, a key of another type, a name that is not the key's, a malformed signer key."""

from __future__ import annotations

import base64
import dataclasses

import pytest

from realdid.errors import DecodeError
from realdid.ledger.note import ALG_ED25519, NoteSigner, NoteVerifier, key_id

NAME = "log.test"


def _signer_with_plus_in_key() -> NoteSigner:
    """A signer whose verifier key's base64 has a '+' (splitting on the last '+' breaks)."""
    for i in range(256):
        signer = NoteSigner.from_seed(NAME, bytes([i]) * 32)
        if "+" in signer.verifier.encode().split("+", 2)[2]:
            return signer
    raise AssertionError("no seed gives a '+' in the key")  # pragma: no cover


def test_a_verifier_key_with_a_plus_in_its_base64_round_trips() -> None:
    verifier = _signer_with_plus_in_key().verifier
    assert NoteVerifier.parse(verifier.encode()) == verifier


def test_a_key_of_another_type_is_refused_even_with_a_matching_id() -> None:
    public = NoteSigner.from_seed(NAME, bytes(32)).verifier.public_key
    forged_id = key_id(NAME, ALG_ED25519, public).hex()
    for key_type in (0x02, 0x04):
        raw = base64.b64encode(bytes([key_type]) + public).decode()
        with pytest.raises(DecodeError):
            NoteVerifier.parse(f"{NAME}+{forged_id}+{raw}")


def test_a_signature_verifies_only_under_its_own_name_and_key_id() -> None:
    signer = NoteSigner.from_seed(NAME, bytes(range(32)))
    other = NoteSigner.from_seed("log.other", bytes(32)).verifier
    text = "hello\n"
    good = signer.sign(text)
    assert signer.verifier.verify(text, good)
    for bad in (
        dataclasses.replace(good, name="log.other"),
        dataclasses.replace(good, key_id=other.key_id),
        dataclasses.replace(good, name="log.other", key_id=other.key_id),
    ):
        assert not signer.verifier.verify(text, bad)
    assert not signer.verifier.verify("hello again\n", good)


def _skey(prefix: str, name: str, key_type: int, seed: bytes, hex_id: str | None = None) -> str:
    signer = NoteSigner.from_seed(name, seed)
    hex_id = signer.verifier.key_id.hex() if hex_id is None else hex_id
    raw = base64.b64encode(bytes([key_type]) + seed).decode()
    return f"{prefix}+{name}+{hex_id}+{raw}"


def test_a_signer_key_round_trips() -> None:
    signer = NoteSigner.from_seed(NAME, bytes(range(32)))
    assert NoteSigner.parse(signer.encode()).seed() == signer.seed()
    assert NoteSigner.parse(_skey("PRIVATE+KEY", NAME, ALG_ED25519, bytes(32))).name == NAME


@pytest.mark.parametrize(
    "skey",
    [
        "PRIVATE+KEY+log.test+00000000",  # four parts
        _skey("PUBLIC+KEY", NAME, ALG_ED25519, bytes(32)),  # five parts, wrong prefix
        _skey("PRIVATE+KAY", NAME, ALG_ED25519, bytes(32)),
        _skey("PRIVATE+KEY", NAME, 0x04, bytes(32)),  # another type, the right key id
        _skey("PRIVATE+KEY", NAME, ALG_ED25519, bytes(32), "00000000"),  # a wrong key id
        _skey("PRIVATE+KEY", NAME, ALG_ED25519, bytes(32))[:-4]
        + "*"
        + _skey("PRIVATE+KEY", NAME, ALG_ED25519, bytes(32))[-4:],  # a character outside base64
        _skey("PRIVATE+KEY", NAME, ALG_ED25519, bytes(32))[:-8],  # a short seed
    ],
)
def test_malformed_signer_keys_are_refused(skey: str) -> None:
    with pytest.raises(DecodeError):
        NoteSigner.parse(skey)
