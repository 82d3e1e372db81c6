"""Signed-note keys at their edges (c2sp.org/signed-note): '+' inside the base64 of a
key, a key of another type, a name that is not the key's, a malformed signer key."""

from __future__ import annotations

import base64
import dataclasses

import pytest

from realdid.errors import DecodeError, InvalidArgumentError
from realdid.ledger.note import (
    ALG_ED25519,
    Note,
    NoteSigner,
    NoteVerifier,
    key_id,
    open_note,
    sign_note,
)

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


def _signed(text: str, *names: str) -> bytes:
    return sign_note(text, [NoteSigner.from_seed(n, bytes([i]) * 32) for i, n in enumerate(names)])


def test_a_note_of_exactly_1_mib_parses_and_one_byte_more_does_not() -> None:
    skeleton = _signed("x\n", "a")
    text = "x" * (2**20 - len(skeleton) + 1) + "\n"
    octets = _signed(text, "a")
    assert len(octets) == 2**20
    assert Note.parse(octets).text == text
    with pytest.raises(DecodeError):
        Note.parse(_signed("y" + text, "a"))


def test_a_note_cut_after_its_last_signature_line_is_refused() -> None:
    octets = _signed("text\n", "a", "b")
    Note.parse(octets)
    with pytest.raises(DecodeError):
        Note.parse(octets[:-1])


def test_up_to_100_signature_lines() -> None:
    names = [f"k{i}" for i in range(101)]
    assert len(Note.parse(_signed("t\n", *names[:100])).signatures) == 100
    with pytest.raises(DecodeError):
        Note.parse(_signed("t\n", *names))


def test_a_signature_line_of_five_bytes_parses_and_junk_base64_does_not() -> None:
    five = base64.b64encode(b"\x01\x02\x03\x04\x05").decode()
    note = Note.parse(f"t\n\n\u2014 k {five}\n".encode())
    assert note.signatures[0].data == b"\x05"
    four = base64.b64encode(b"\x01\x02\x03\x04").decode()
    good = base64.b64encode(bytes(68)).decode()
    for bad in (four, good[:20] + "!" + good[20:], good + "*"):
        with pytest.raises(DecodeError):
            Note.parse(f"t\n\n\u2014 k {bad}\n".encode())


def test_open_note_finds_a_known_signer_after_unknown_ones() -> None:
    known = NoteSigner.from_seed("known", bytes([9]) * 32)
    unknown = [NoteSigner.from_seed(f"u{i}", bytes([i]) * 32) for i in range(3)]
    note, signed = open_note(sign_note("t\n", [*unknown, known]), [known.verifier])
    assert signed == [known.verifier]
    assert note.text == "t\n"


@pytest.mark.parametrize("name", ["", "a b", "a+b", "tab\tname", "new\nline", "\u00a0nbsp"])
def test_a_key_name_with_space_or_plus_or_empty_is_refused(name: str) -> None:
    with pytest.raises(InvalidArgumentError):
        NoteSigner.from_seed(name, bytes(32))


@pytest.mark.parametrize("text", ["no newline", "a\n\nb\n", "\nstarts empty\n", "\n", "a\nb"])
def test_a_note_text_that_is_not_newline_terminated_lines_is_refused(text: str) -> None:
    with pytest.raises(InvalidArgumentError):
        sign_note(text, [NoteSigner.from_seed("k", bytes(32))])
