"""The witness protocol: cosign only what extends what was cosigned before."""

from __future__ import annotations

import pytest

from realdid.ledger.checkpoint import Checkpoint, CosignatureSigner
from realdid.ledger.note import Note, NoteSigner, open_note, sign_note
from realdid.ledger.rfc9162 import consistency_proof, hash_leaf
from realdid.ledger.tree import MemoryTree
from realdid.ledger.witness import (
    Witness,
    WitnessRefusalError,
    format_add_checkpoint,
    parse_add_checkpoint,
)

ORIGIN = "realdid.example/log"


def _setup() -> tuple[NoteSigner, MemoryTree, Witness]:
    log = NoteSigner.generate("log")
    tree = MemoryTree()
    witness = Witness(
        CosignatureSigner.generate("witness"), {ORIGIN: log.verifier}, clock=lambda: 1234
    )
    return log, tree, witness


def _signed(
    log: NoteSigner, tree: MemoryTree, size: int | None = None, origin: str = ORIGIN
) -> bytes:
    size = tree.size if size is None else size
    return sign_note(Checkpoint(origin, size, tree.root(size)).text(), [log])


def _grow(tree: MemoryTree, n: int) -> None:
    for _ in range(n):
        tree.append_leaf_hash(hash_leaf(str(tree.size).encode()))


def test_witness_follows_a_growing_log() -> None:
    log, tree, witness = _setup()
    _grow(tree, 5)
    cosig = witness.add_checkpoint(0, [], _signed(log, tree))
    note = _signed(log, tree)
    assert witness.signer.verifier.verify(Note.parse(note).text, cosig)
    _grow(tree, 7)
    witness.add_checkpoint(5, consistency_proof(tree, 5, 12), _signed(log, tree))
    witness.add_checkpoint(12, [], _signed(log, tree))  # same size again: fine
    assert witness.state.get(ORIGIN) == (12, tree.root())


def test_refusals_carry_tlog_witness_codes() -> None:
    log, tree, witness = _setup()
    _grow(tree, 8)
    witness.add_checkpoint(0, [], _signed(log, tree, 4))
    cases = [
        (404, 4, consistency_proof(tree, 4, 8), _signed(log, tree, origin="other.example/log")),
        (403, 4, consistency_proof(tree, 4, 8), _signed(NoteSigner.generate("log"), tree)),
        (400, 9, [], _signed(log, tree)),
        (409, 2, consistency_proof(tree, 2, 8), _signed(log, tree)),
        (422, 4, [bytes(32)] * 3, _signed(log, tree)),
        (400, 4, [], b"not a note"),
    ]
    for status, old, proof, note in cases:
        with pytest.raises(WitnessRefusalError) as info:
            witness.add_checkpoint(old, proof, note)
        assert info.value.status == status
    with pytest.raises(WitnessRefusalError) as info:
        witness.add_checkpoint(2, [], _signed(log, tree))
    assert info.value.stored_size == 4


def test_a_fork_is_never_cosigned() -> None:
    """The log signs a second history; the witness refuses it, whatever proof comes with it."""
    log, tree, witness = _setup()
    _grow(tree, 6)
    witness.add_checkpoint(0, [], _signed(log, tree))
    fork = MemoryTree()
    fork.extend(hash_leaf(b"rewritten " + str(i).encode()) for i in range(9))
    with pytest.raises(WitnessRefusalError) as info:
        witness.add_checkpoint(6, consistency_proof(fork, 6, 9), _signed(log, fork))
    assert info.value.status == 422
    smaller = _signed(log, tree, 3)  # and no rollback either
    with pytest.raises(WitnessRefusalError):
        witness.add_checkpoint(6, [], smaller)


def test_request_body_round_trips() -> None:
    log, tree, _ = _setup()
    _grow(tree, 5)
    proof = consistency_proof(tree, 3, 5)
    body = format_add_checkpoint(3, proof, _signed(log, tree))
    assert parse_add_checkpoint(body) == (3, proof, _signed(log, tree))
    for bad in (b"old 03\n\n", b"nope\n\n", b"old 1\n!!\n\n", b"old 1\n",
                "old \u0663\n\n".encode()):  # fmt: skip
        with pytest.raises(WitnessRefusalError):
            parse_add_checkpoint(bad)
    assert open_note(_signed(log, tree), [log.verifier])
