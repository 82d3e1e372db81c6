"""The campaign's findings in the ledger package, minimised by hand (each failed before the
ledger read its input through strictjson and canonical base64). The other reproducers are
in ``tests/fuzz/corpus/ledger.*/``."""

from __future__ import annotations

import pytest

from realdid.errors import DecodeError, RealDIDError
from realdid.ledger.checkpoint import Checkpoint
from realdid.ledger.entries import decode_entry
from realdid.ledger.note import Note


@pytest.mark.parametrize(
    "octets",
    [
        pytest.param(b"[" * 5000 + b"]" * 5000, id="deep-json-RecursionError"),
        pytest.param(b'{"v":' + b"1" * 5000 + b"}", id="int-digit-limit-ValueError"),
    ],
)
def test_decode_entry_raises_only_typed_errors(octets: bytes) -> None:
    with pytest.raises(RealDIDError):
        decode_entry(octets)


def test_a_note_signature_has_one_base64_text() -> None:
    """RFC 4648 §3.5: "AAAAAAB=" has unused bits set; it decodes as "AAAAAAA=" does, so
    one signature line has two texts (found on an unknown key's line of a real note)."""
    assert Note.parse("a\n\n\u2014 name AAAAAAA=\n".encode()).signatures
    with pytest.raises(DecodeError):
        Note.parse("a\n\n\u2014 name AAAAAAB=\n".encode())


def test_a_checkpoint_has_one_state_root() -> None:
    """Two ``realdid-state`` lines: this client reads the first, another the last (a
    mutation the campaign's checkpoint surface accepted)."""
    root = "A" * 43 + "="
    one = f"example.org/log\n1\n{root}\nrealdid-state {root}\n"
    assert Checkpoint.parse(one).state_root == bytes(32)
    with pytest.raises(RealDIDError):
        Checkpoint.parse(one + "realdid-state " + "B" * 42 + "A=\n")
