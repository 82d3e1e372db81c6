"""C2SP signed notes (Go's known-answer vector), checkpoints and cosignatures."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from realdid.errors import DecodeError, InvalidArgumentError, VerificationError
from realdid.ledger.checkpoint import (
    MAX_TIMESTAMP,
    Checkpoint,
    CosignatureSigner,
    CosignatureVerifier,
)
from realdid.ledger.note import (
    Note,
    NoteSigner,
    NoteVerifier,
    Signature,
    check_key_name,
    decode_base64,
    open_note,
    sign_note,
)


def _loosen(b64: str) -> str:
    """The same bytes under another text: a set unused bit in the last character."""
    pad = len(b64) - len(b64.rstrip("="))
    assert pad, "only padded base64 has unused bits"
    last = b64[-pad - 1]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    loose = b64[: -pad - 1] + alphabet[alphabet.index(last) + 1] + "=" * pad
    assert base64.b64decode(loose) == base64.b64decode(b64)
    return loose


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


def test_unknown_keys_are_ignored_and_a_known_key_must_verify() -> None:
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


def test_one_text_per_value_canonical_base64_everywhere() -> None:
    """A root, a state root, a signature or a key under a second spelling is refused
    (or, for a signature line, ignored as unverifiable)."""
    root = base64.b64encode(bytes(range(32))).decode()
    state = base64.b64encode(bytes(32)).decode()
    assert Checkpoint.parse(f"o\n1\n{root}\nrealdid-state {state}\n").state_root == bytes(32)
    for bad in (
        f"o\n1\n{_loosen(root)}\n",
        f"o\n1\n{root}\nrealdid-state {_loosen(state)}\n",
        f"o\n1\n{root}\nrealdid-state {state[:-1]}\n",  # unpadded
        f"o\n1\n{root}\nrealdid-state {base64.b64encode(bytes(31)).decode()}\n",
        f"o\n1\n{root}\nrealdid-state {state}\nrealdid-state {state}\n",  # which one?
    ):
        with pytest.raises(DecodeError):
            Checkpoint.parse(bad)
    with pytest.raises(DecodeError):
        decode_base64(_loosen(state))
    log = NoteSigner.generate("log.example")
    line = log.sign("hello\n").line()
    encoded = line.split(" ")[2].strip()
    loose_line = line.replace(encoded, _loosen(encoded))
    with pytest.raises(DecodeError):  # the only line is not canonical: no signature at all
        Note.parse(b"hello\n\n" + loose_line.encode())
    note = Note.parse(b"hello\n\n" + loose_line.encode() + line.encode())
    assert note.signatures == (log.sign("hello\n"),)  # the loose copy is dropped
    # 33-byte keys have no unused bits, but Python also reads padding after a full
    # quantum ("QUJD==" is b"ABC"): a second spelling all the same.
    name, hex_id, key = log.verifier.encode().split("+", 2)
    assert base64.b64decode(key + "==", validate=True) == base64.b64decode(key)
    with pytest.raises(DecodeError):
        NoteVerifier.parse(f"{name}+{hex_id}+{key}==")
    with pytest.raises(DecodeError):
        NoteSigner.parse(log.encode() + "==")


def test_a_junk_line_under_the_logs_name_does_not_veto_its_signature() -> None:
    """signed-note: unverifiable lines are ignored; the log's valid signature still counts,
    and without it the note is refused."""
    log = NoteSigner.generate("realdid-log")
    text = "hello\n"
    good = log.sign(text)
    junk_lines = [
        "\u2014 realdid-log AAAA\n",  # under 5 bytes
        "\u2014 realdid-log !!junk!!\n",  # not base64
        Signature("realdid-log", good.key_id, bytes(64)).line(),  # its key ID, a bad signature
    ]
    for junk in junk_lines:
        for lines in ((junk, good.line()), (good.line(), junk)):
            note = (text + "\n" + "".join(lines)).encode()
            assert open_note(note, [log.verifier])[1] == [log.verifier]
        with pytest.raises((VerificationError, DecodeError)):
            open_note((text + "\n" + junk).encode(), [log.verifier])


def test_key_names_and_ids_are_what_the_spec_allows() -> None:
    for bad in ("", "court w", "a+b", "tab\there", "bell\x07", "nbsp\u00a0x", "em\u2003x"):
        with pytest.raises(InvalidArgumentError):
            check_key_name(bad)
        with pytest.raises(InvalidArgumentError):
            CosignatureSigner.generate(bad)
        with pytest.raises(InvalidArgumentError):
            NoteSigner.generate(bad)
    assert check_key_name("witness.example/court-1") == "witness.example/court-1"
    vkey = CosignatureSigner.generate("witness.example").verifier.encode()
    name, hex_id, key = vkey.split("+", 2)
    for bad_id in (hex_id.upper(), f" {hex_id[1:]}", f"{hex_id[:4]} {hex_id[5:]}", hex_id[:7]):
        if bad_id == hex_id:
            continue  # an all-digit id has no case
        with pytest.raises(DecodeError):
            CosignatureVerifier.parse(f"{name}+{bad_id}+{key}")


def test_cosignature_times_fit_an_int64() -> None:
    witness = CosignatureSigner.generate("witness.example")
    text = Checkpoint("log", 3, bytes(32)).text()
    assert witness.verifier.verify(text, witness.cosign(text, MAX_TIMESTAMP))
    with pytest.raises(InvalidArgumentError):
        witness.cosign(text, MAX_TIMESTAMP + 1)
    big = MAX_TIMESTAMP + 1  # a validly signed line claiming time 2^63
    message = f"cosignature/v1\ntime {big}\n".encode() + text.encode()
    forged = Signature(
        witness.name,
        witness.verifier.key_id,
        big.to_bytes(8, "big") + witness.private_key.sign(message),
    )
    assert not witness.verifier.verify(text, forged)
    with pytest.raises(DecodeError):
        witness.verifier.timestamp(forged)
