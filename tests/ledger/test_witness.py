"""The witness protocol: cosign only what extends what was cosigned before, and only
the registry state the entries determine."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from tools.ledger_world import ORIGIN, T0, ledger_world

from realdid.db import StoreError
from realdid.ledger.checkpoint import STATE_EXTENSION, Checkpoint, CosignatureSigner
from realdid.ledger.entries import EntryType
from realdid.ledger.note import Note, NoteSigner, sign_note
from realdid.ledger.registry import Registry
from realdid.ledger.rfc9162 import consistency_proof, hash_leaf
from realdid.ledger.stores.witness_file import FileWitnessState
from realdid.ledger.tree import MemoryTree
from realdid.ledger.witness import (
    AddCheckpointRequest,
    MemoryWitnessState,
    Witness,
    WitnessRecord,
    WitnessRefusalError,
    _append_leaf,
    _frontier_root,
    format_add_checkpoint,
    parse_add_checkpoint,
)

LOG = NoteSigner.generate("realdid-log")


def _entries(extra: int = 0) -> list[bytes]:
    """The world's setup, then ``extra`` epoch entries (each naming the last in prev)."""
    out = list(ledger_world().setup)
    for k in range(extra):
        out.append(
            ledger_world().authority.sign(
                EntryType.EPOCH, {"epoch": 12 + k, "starts": "2026-12-01"}, T0, len(out) - 1
            )
        )
    return out


def _tree(entries: list[bytes]) -> MemoryTree:
    tree = MemoryTree()
    tree.extend(hash_leaf(e) for e in entries)
    return tree


def _state_root(entries: list[bytes]) -> bytes:
    registry = Registry()
    for octets in entries:
        registry.apply_committed(octets)
    return registry.state.root


def _signed(
    entries: list[bytes],
    size: int,
    *,
    state: bytes | None = None,
    signer: NoteSigner = LOG,
    origin: str = ORIGIN,
) -> bytes:
    """A log-signed checkpoint of ``entries[:size]``, with the right state root unless
    ``state`` names another."""
    root = state if state is not None else _state_root(entries[:size])
    line = f"{STATE_EXTENSION} {base64.b64encode(root).decode()}"
    cp = Checkpoint(origin, size, _tree(entries).root(size), (line,))
    return sign_note(cp.text(), [signer])


def _witness(**kwargs: object) -> Witness:
    return Witness(
        CosignatureSigner.generate("witness"),
        {ORIGIN: LOG.verifier},
        clock=lambda: 1234,
        **kwargs,  # type: ignore[arg-type]
    )


def _add(witness: Witness, entries: list[bytes], old: int, new: int, **kwargs: object) -> None:
    """Offer the checkpoint at ``new`` with the proof and entries from ``old``."""
    proof = consistency_proof(_tree(entries), old, new) if 0 < old < new else []
    witness.add_checkpoint(old, proof, _signed(entries, new, **kwargs), entries[old:new])  # type: ignore[arg-type]


def test_witness_follows_a_growing_log() -> None:
    entries, witness = _entries(3), _witness()
    n = len(ledger_world().setup)
    note = _signed(entries, n)
    cosig = witness.add_checkpoint(0, [], note, entries[:n])
    assert witness.signer.verifier.verify(Note.parse(note).text, cosig)
    _add(witness, entries, n, n + 2)
    witness.add_checkpoint(n + 2, [], _signed(entries, n + 2))  # same text again: fine
    _add(witness, entries, n + 2, n + 3)
    record = witness.state.get(ORIGIN)
    assert record is not None
    assert (record.size, record.checkpoint.root_hash) == (n + 3, _tree(entries).root())
    assert record.registry.state.root == _state_root(entries)
    assert record.entries == tuple(entries)


def test_refusals_carry_tlog_witness_codes() -> None:
    entries, witness = _entries(2), _witness()
    n = len(entries)
    witness.add_checkpoint(0, [], _signed(entries, 4), entries[:4])
    proof = consistency_proof(_tree(entries), 4, n)
    epoch = {"epoch": 90, "starts": "2026-12-01"}
    other = [*entries[4:-1], ledger_world().authority.sign(EntryType.EPOCH, epoch, T0, n - 2)]
    cases = [
        (404, 4, proof, _signed(entries, n, origin="other.example/log"), entries[4:]),
        (
            403,
            4,
            proof,
            _signed(entries, n, signer=NoteSigner.generate("realdid-log")),
            entries[4:],
        ),
        (400, n + 1, [], _signed(entries, n), []),
        (409, 2, consistency_proof(_tree(entries), 2, n), _signed(entries, n), entries[2:]),
        (422, 4, [bytes(32)] * len(proof), _signed(entries, n), entries[4:]),
        (400, 4, [], b"not a note", entries[4:]),
        (400, 4, proof, _signed(entries, n), None),  # no realdid-entry lines
        (422, 4, proof, _signed(entries, n), entries[4:-1]),  # one entry short
        # Entries the registry admits, and the state they give, but not the log's leaves:
        (422, 4, proof, _signed(entries, n, state=_state_root([*entries[:4], *other])), other),
        (422, 4, proof, _signed(entries, n, state=bytes(32)), entries[4:]),  # another state
        (409, 4, [], _signed(entries, 4, state=bytes(32)), []),  # another text at size 4
        (400, 4, [], _signed(entries, 4), entries[3:4]),  # same size: nothing to add
    ]
    reasons = iter(("origin", "log's key", "above", "not the witness's", "consistency",
                    "malformed", "realdid-entry", f"got {n - 5}, want {n - 4}", "checkpoint's root",
                    "realdid-state", "another checkpoint text", "same size"))  # fmt: skip
    for status, old, proof_, note, extension in cases:
        with pytest.raises(WitnessRefusalError, match=next(reasons)) as info:
            witness.add_checkpoint(old, proof_, note, extension)
        assert info.value.status == status, info.value
    with pytest.raises(WitnessRefusalError) as info:
        witness.add_checkpoint(2, [], _signed(entries, n), entries[2:])
    assert info.value.stored_size == 4
    record = witness.state.get(ORIGIN)
    assert record is not None
    assert record.size == 4  # nothing refused moved it, nor touched its registry:
    assert record.registry.state.root == _state_root(entries[:4])
    _add(witness, entries, 4, n)  # the honest request still goes through
    assert witness.signer.verifier.verify(
        Note.parse(_signed(entries, n)).text,
        witness.add_checkpoint(n, [], _signed(entries, n)),
    )


def test_check_and_store_are_one_step() -> None:
    """Two requests from the same state: the second to store loses (409), as
    tlog-witness requires, rather than rolling the first one back."""
    entries = _entries(2)
    n = len(ledger_world().setup)

    class Racing(MemoryWitnessState):
        """Another request advances the state between this one's read and its store."""

        def compare_and_set(
            self, origin: str, old: WitnessRecord | None, new: WitnessRecord
        ) -> bool:
            if new.size == n + 2:
                rival = _witness()
                _add(rival, entries, 0, n + 1)
                rival_record = rival.state.get(ORIGIN)
                assert rival_record is not None
                super().compare_and_set(origin, old, rival_record)
            return super().compare_and_set(origin, old, new)

    witness = _witness(state=Racing())
    _add(witness, entries, 0, n)
    with pytest.raises(WitnessRefusalError) as info:
        _add(witness, entries, n, n + 2)
    assert (info.value.status, info.value.stored_size) == (409, n + 1)


def test_a_refused_entry_is_a_refused_checkpoint_unless_the_log_is_a_chain() -> None:
    """An entry the registry refuses (an outsider's) in the log: a strict witness refuses
    the checkpoint; a chain's witness, like every reader of a chain, skips the entry."""
    setup = list(ledger_world().setup)
    outsider = ledger_world().outsider.sign(
        EntryType.EPOCH, {"epoch": 99, "starts": "2027-01-01"}, T0
    )
    entries = [*setup, outsider]
    with pytest.raises(WitnessRefusalError, match="registry refuses") as info:
        _add(_witness(), entries, 0, len(entries))
    assert info.value.status == 422
    chain = _witness(keep_refused=True)
    _add(chain, entries, 0, len(entries))
    record = chain.state.get(ORIGIN)
    assert record is not None
    assert record.registry.refused == [len(setup)]
    assert record.registry.state.root == _state_root(setup)  # it changed nothing


def test_a_fork_is_never_cosigned() -> None:
    """The log signs a second history; the witness refuses it, whatever comes with it."""
    entries, witness = _entries(2), _witness()
    n = len(ledger_world().setup)
    witness.add_checkpoint(0, [], _signed(entries, n), entries[:n])
    fork = [*ledger_world().setup[:-1], *_entries(3)[-3:]]  # the last setup entry replaced
    with pytest.raises(WitnessRefusalError) as info:
        _add(witness, fork, n, len(fork))
    assert info.value.status == 422
    with pytest.raises(WitnessRefusalError):  # and no rollback either
        witness.add_checkpoint(n, [], _signed(entries, 3))


def test_request_body_round_trips_with_and_without_the_extension() -> None:
    entries = _entries(1)
    n = len(entries)
    proof = consistency_proof(_tree(entries), 3, n)
    note = _signed(entries, n)
    body = format_add_checkpoint(3, proof, note, entries[3:])
    assert parse_add_checkpoint(body) == AddCheckpointRequest(
        3, tuple(proof), note, tuple(entries[3:])
    )
    plain = format_add_checkpoint(3, proof, note)  # what a standard tlog witness gets
    assert b"realdid-entry" not in plain
    assert parse_add_checkpoint(plain) == AddCheckpointRequest(3, tuple(proof), note, None)
    good = base64.b64encode(proof[0]).decode()
    loose = good[:-2] + chr(ord(good[-2]) + 1) + "="  # unused bits set: same bytes, other text
    assert base64.b64decode(loose) == proof[0]
    for bad in (b"old 03\n\n", b"nope\n\n", b"old 1\n!!\n\n", b"old 1\n",
                "old \u0663\n\n".encode(), f"old 1\n{loose}\n\n".encode(),
                b"old 1\nrealdid-entry e30=\n" + good.encode() + b"\n\n",  # proof after entries
                b"old 1\nrealdid-entry e30\n\n",  # not padded
                b"old 1\n\xff\n\n",  # not UTF-8
                ("old 1\n" + (good + "\n") * 64 + "\n").encode()):  # fmt: skip
        with pytest.raises(WitnessRefusalError) as info:
            parse_add_checkpoint(bad)
        assert info.value.status == 400


def test_the_file_state_survives_a_restart_and_refuses_a_tampered_snapshot(
    tmp_path: Path,
) -> None:
    entries = _entries(2)
    n = len(ledger_world().setup)
    path = tmp_path / "witness.state.json"
    first = _witness(state=FileWitnessState(path))
    _add(first, entries, 0, n)
    _add(first, entries, n, n + 2)
    restarted = FileWitnessState(path)  # another process: replays the stored entries
    record = restarted.get(ORIGIN)
    assert record is not None
    assert record.text == Note.parse(_signed(entries, n + 2)).text
    assert record.registry.state.root == _state_root(entries)
    stale = WitnessRecord.replay(
        Checkpoint.parse(Note.parse(_signed(entries, n)).text), entries[:n]
    )
    newer = WitnessRecord.replay(Checkpoint.parse(record.text), entries)
    assert not restarted.compare_and_set(ORIGIN, stale, newer)  # not what is stored
    assert oct(path.stat().st_mode)[-3:] == "600"
    text = path.read_text()
    path.write_text(
        text.replace(base64.b64encode(entries[-1]).decode(), base64.b64encode(entries[-2]).decode())
    )
    with pytest.raises(StoreError, match="root"):
        FileWitnessState(path).get(ORIGIN)
    path.write_text(text.replace(f'"{ORIGIN}"', '"other.example/log"'))
    with pytest.raises(StoreError, match="another log"):  # a record filed under another origin
        FileWitnessState(path).get("other.example/log")


def test_the_frontier_gives_the_rfc9162_root_at_every_size() -> None:
    """The witness keeps O(log n) hashes, not the tree: checked against the full tree."""
    tree = MemoryTree()
    frontier: tuple[bytes, ...] = ()
    assert _frontier_root(frontier) == tree.root()
    for size in range(130):
        leaf = hash_leaf(size.to_bytes(2, "big"))
        frontier = _append_leaf(frontier, size, leaf)
        tree.append_leaf_hash(leaf)
        assert _frontier_root(frontier) == tree.root(), size + 1
        assert len(frontier) == (size + 1).bit_count()


def test_a_checkpoint_carrying_a_smaller_trees_root_is_refused() -> None:
    """Issue 9 §7: a log-signed checkpoint of size 39 with the root of size 37 was
    cosigned. Whatever the proof's shape, the entries must give the root itself."""
    entries, witness = _entries(30), _witness()
    witness.add_checkpoint(0, [], _signed(entries, 4), entries[:4])
    tree, size = _tree(entries), len(entries)
    line = f"{STATE_EXTENSION} {base64.b64encode(_state_root(entries)).decode()}"
    lying = sign_note(Checkpoint(ORIGIN, size, tree.root(size - 2), (line,)).text(), [LOG])
    with pytest.raises(WitnessRefusalError, match=r"consistency|checkpoint's root") as info:
        witness.add_checkpoint(4, consistency_proof(tree, 4, size - 2), lying, entries[4:])
    assert info.value.status == 422
