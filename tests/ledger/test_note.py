"""C2SP signed notes (Go's known-answer vector), checkpoints and cosignatures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from realdid.errors import DecodeError, InvalidArgumentError, VerificationError
from realdid.ledger.checkpoint import Checkpoint, CosignatureSigner, CosignatureVerifier
from realdid.ledger.note import Note, NoteSigner, NoteVerifier, open_note, sign_note

VECTOR = json.loads(
    (
        Path(__file__).resolve().parents[1] / "vectors" / "c2sp-note" / "signed-note-go.json"
    ).read_text()
)


def test_go_vector_signs_byte_for_byte_and_verifies() -> None:
    signer = NoteSigner.parse(VECTOR["signerKey"])
    verifier = NoteVerifier.parse(VECTOR["verifierKey"])
    assert signer.verifier == verifier
    assert verifier.encode() == VECTOR["verifierKey"]
    note = sign_note(VECTOR["text"], [signer])
    assert note == VECTOR["note"].encode()
    opened, signed = open_note(note, [verifier])
    assert opened.text == VECTOR["text"]
    assert signed == [verifier]


def test_any_change_to_the_text_fails() -> None:
    verifier = NoteVerifier.parse(VECTOR["verifierKey"])
    note = VECTOR["note"].encode()
    for i in range(len(VECTOR["text"].encode())):
        changed = bytearray(note)
        changed[i] ^= 0x01
        with pytest.raises((VerificationError, DecodeError)):
            open_note(bytes(changed), [verifier])


def test_unknown_keys_are_ignored_but_a_known_bad_signature_fails() -> None:
    log, other = NoteSigner.generate("log"), NoteSigner.generate("other")
    note = sign_note("hello\n", [log, other])
    _, signed = open_note(note, [log.verifier])
    assert signed == [log.verifier]
    with pytest.raises(VerificationError):  # no known key
        open_note(sign_note("hello\n", [other]), [log.verifier])
    impostor = NoteSigner("log", NoteSigner.generate("log").private_key)
    forged = Note("hello\n", (impostor.sign("hello\n"),)).encode()
    with pytest.raises(VerificationError):  # different key, same name: key ID differs → unknown
        open_note(forged, [log.verifier])
    tampered = Note("hello\n", (log.sign("hellO\n"),)).encode()
    with pytest.raises(VerificationError):
        open_note(tampered, [log.verifier])


@pytest.mark.parametrize(
    "note",
    [
        b"no signatures\n",
        b"text\n\n",
        b"text\n\nnot a dash line\n",
        b"\xff\n\n\xe2\x80\x94 a AAAA\n",
        b"text\n\n\xe2\x80\x94 name !!notbase64\n",
        b"text\n\n\xe2\x80\x94 name QUJD\n",
    ],
)
def test_malformed_notes_are_decode_errors(note: bytes) -> None:
    with pytest.raises(DecodeError):
        Note.parse(note)


def test_checkpoint_text_round_trips_and_is_strict() -> None:
    cp = Checkpoint(
        "realdid.example/log/2026", 42, bytes(range(32)), ("realdid-state " + "A" * 43 + "=",)
    )
    assert Checkpoint.parse(cp.text()) == cp
    assert cp.state_root == bytes(32)
    root = "A" * 43 + "="
    bads = ("o\n042\n" + root + "\n", "o\n1\nAAAA\n", "o\n1\n", "o\n-1\n" + root + "\n",
            "o\n1\n" + root, "\n1\n" + root + "\n",
            "o\n\u0661\u0660\n" + root + "\n",  # Arabic-Indic digits: isdigit() would take them
            "o\n+1\n" + root + "\n", "o\n 1\n" + root + "\n",
            f"o\n{2**63}\n" + root + "\n")  # fmt: skip
    for bad in bads:
        with pytest.raises(DecodeError):
            Checkpoint.parse(bad)
    with pytest.raises(InvalidArgumentError):
        Checkpoint("origin", 1, bytes(31))


def test_cosignature_signs_time_and_checkpoint() -> None:
    witness = CosignatureSigner.generate("witness-court")
    cp = Checkpoint("log", 3, bytes(32)).text()
    signature = witness.cosign(cp, 1_764_000_000)
    verifier = witness.verifier
    assert verifier.verify(cp, signature)
    assert verifier.timestamp(signature) == 1_764_000_000
    assert not verifier.verify(Checkpoint("log", 4, bytes(32)).text(), signature)
    moved = type(signature)(
        signature.name, signature.key_id, (1).to_bytes(8, "big") + signature.data[8:]
    )
    assert not verifier.verify(cp, moved)  # the time is signed too
    note = Note(cp, (signature,)).encode()
    assert open_note(note, [verifier])[1] == [verifier]


def test_verifier_keys_round_trip_and_reject_the_wrong_type_or_a_wrong_id() -> None:
    note_key = NoteSigner.generate("log.example").verifier
    witness_key = CosignatureSigner.generate("witness.example").verifier
    assert NoteVerifier.parse(note_key.encode()) == note_key
    assert CosignatureVerifier.parse(witness_key.encode()) == witness_key
    with pytest.raises(DecodeError):  # a cosignature key is not a note key, and back
        NoteVerifier.parse(witness_key.encode())
    with pytest.raises(DecodeError):
        CosignatureVerifier.parse(note_key.encode())
    name, hex_id, b64 = witness_key.encode().split("+", 2)  # base64 may hold '+' too
    for bad in (
        f"{name}+{'00' * 4}+{b64}",  # key ID of another key
        f"{name}+{hex_id}00+{b64}",  # 5-byte key ID
        f"+{hex_id}+{b64}",  # no name
        f"{name}+{hex_id}+{b64}!",  # not base64
        f"{name}+{hex_id}",
    ):
        with pytest.raises(DecodeError):
            CosignatureVerifier.parse(bad)
