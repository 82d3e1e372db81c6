"""The light client claims a fork or a rollback only on a proof that fails, keeps the
evidence of a second text whichever read shows it, binds the entries to the
checkpoint's origin, and follows a log from the empty tree (docs/ledger.md §5)."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
from tools.ledger_world import ORIGIN
from typer.testing import CliRunner

from realdid.cli import app
from realdid.cli import ledger as cli_ledger
from realdid.errors import DecodeError, NotFoundError, RealDIDError, VerificationError
from realdid.ledger.checkpoint import STATE_EXTENSION, Checkpoint
from realdid.ledger.client import ForkDetectedError, LightClient, LogRollbackError, TrustPolicy
from realdid.ledger.http import LedgerHttpError
from realdid.ledger.log import Log, Lookup
from realdid.ledger.note import Note, sign_note
from realdid.ledger.registry import Registry
from realdid.ledger.rfc9162 import EMPTY_ROOT, consistency_proof, inclusion_proof
from realdid.ledger.witness import WitnessRecord, WitnessRefusalError
from tests.ledger.test_client import LOG_KEY, _epoch, _log
from tests.ledger.test_witness import LOG, _entries, _signed, _state_root, _tree, _witness

OTHER_ORIGIN = "ledger.realdid.example/v2"


class _Flaky:
    """The honest log, except that fetching a consistency proof fails in transit."""

    def __init__(self, log: Log, error: RealDIDError) -> None:
        self.log, self.error, self.failing = log, error, False
        self.latest: bytes | None = None  # a checkpoint to serve instead of the log's latest

    def __getattr__(self, name: str) -> object:
        return getattr(self.log, name)

    def latest_checkpoint(self) -> bytes:
        return self.latest if self.latest is not None else self.log.latest_checkpoint()

    def consistency_proof(self, size1: int, size2: int) -> list[bytes]:
        if self.failing:
            raise self.error
        return self.log.consistency_proof(size1, size2)


TRANSPORT_ERRORS = [
    LedgerHttpError("ledger API 503: store busy"),
    LedgerHttpError("ledger API 404: no such size (a lagging replica)"),
    DecodeError("ledger API consistency: truncated answer"),
]


@pytest.mark.parametrize("error", TRANSPORT_ERRORS, ids=["503", "404", "truncated"])
def test_a_failed_proof_fetch_is_neither_a_fork_nor_a_rollback(
    tmp_path: Path, error: RealDIDError
) -> None:
    log = _log(tmp_path, "log")
    first = log.checkpoint()
    source = _Flaky(log, error)
    client = LightClient(TrustPolicy(ORIGIN, LOG_KEY.verifier), source)  # type: ignore[arg-type]
    client.update()
    log.append(_epoch(12))
    second = log.checkpoint()
    source.failing = True
    with pytest.raises(type(error)) as caught:  # growing: not a ForkDetectedError
        client.update()
    assert caught.value is error
    assert client.evidence == []
    assert client.trusted_note == first
    source.failing = False
    assert client.update().size == log.store.size()  # the same log, read again: fine
    source.failing, source.latest = True, first
    with pytest.raises(type(error)) as caught:  # an older view: not a LogRollbackError
        client.update()
    assert caught.value is error
    assert not isinstance(caught.value, LogRollbackError)
    assert client.evidence == []
    assert client.trusted_note == second


def test_a_log_that_says_it_lacks_a_size_is_behind_growing_and_rolled_back_shrinking(
    tmp_path: Path,
) -> None:
    """NotFoundError (the log holds no tree of that size): growing, a lagging copy of the
    log, propagated as it is; shrinking below the trusted size, the log admits it lost
    entries it signed for: a rollback, with no fork claimed."""
    log = _log(tmp_path, "log")
    first = log.checkpoint()
    error = NotFoundError("consistency proof: got size 13, the log holds 12")
    source = _Flaky(log, error)
    client = LightClient(TrustPolicy(ORIGIN, LOG_KEY.verifier), source)  # type: ignore[arg-type]
    client.update()
    log.append(_epoch(12))
    log.checkpoint()
    source.failing = True
    with pytest.raises(NotFoundError) as caught:
        client.update()
    assert caught.value is error
    assert client.evidence == []
    source.failing = False
    client.update()
    source.failing, source.latest = True, first
    with pytest.raises(LogRollbackError):
        client.update()
    assert client.evidence == []


def test_a_lookup_under_a_second_text_at_the_trusted_size_keeps_the_evidence() -> None:
    """The second text has another state root and no cosignatures: still a fork."""
    entries = _entries(0)
    witness = _witness()
    note = _signed(entries, len(entries))
    parsed = Note.parse(note)
    cosignature = witness.add_checkpoint(0, [], note, entries)
    cosigned = Note(parsed.text, (*parsed.signatures, cosignature)).encode()
    forged = _signed(entries, len(entries), state=os.urandom(32))

    class Source:
        def latest_checkpoint(self) -> bytes:
            return cosigned

        def lookup(self, key: str) -> Lookup:
            return Lookup(forged, key, None, None, (), bytes(32))

    policy = TrustPolicy(ORIGIN, LOG.verifier, (witness.signer.verifier,), 1)
    client = LightClient(policy, Source(), clock=lambda: 1234)  # type: ignore[arg-type]
    client.update()
    with pytest.raises(ForkDetectedError) as caught:
        client.lookup("service:did:realdid:x")
    assert caught.value.evidence == (cosigned, forged)
    assert client.evidence == [(cosigned, forged)]


def _checkpoint(origin: str, entries: list[bytes], size: int, root: bytes | None = None) -> bytes:
    line = f"{STATE_EXTENSION} {base64.b64encode(_state_root(entries[:size])).decode()}"
    tree_root = _tree(entries).root(size) if root is None else root
    return sign_note(Checkpoint(origin, size, tree_root, (line,)).text(), [LOG])


class _TreeSource:
    """A log's reads over ``entries``, its checkpoint signed under ``origin``."""

    def __init__(self, origin: str, entries: list[bytes]) -> None:
        self.note = _checkpoint(origin, entries, len(entries))
        self.entries, self.tree = entries, _tree(entries)

    def latest_checkpoint(self) -> bytes:
        return self.note

    def entry(self, index: int) -> bytes:
        return self.entries[index]

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        return inclusion_proof(self.tree, index, size)

    def consistency_proof(self, size1: int, size2: int) -> list[bytes]:
        return consistency_proof(self.tree, size1, size2)


def test_entries_are_bound_to_the_checkpoints_origin() -> None:
    """The world's genesis names ORIGIN: under another origin its entries are refused by
    a fresh witness, by a witness restarting from them, and by the client's replay."""
    entries = _entries(0)
    registry = Registry()
    registry.replay(entries)
    assert registry.origin == ORIGIN != OTHER_ORIGIN
    client = LightClient(TrustPolicy(ORIGIN, LOG.verifier), _TreeSource(ORIGIN, entries))  # type: ignore[arg-type]
    assert client.replay().state.root == registry.state.root  # the honest origin: fine
    moved = _TreeSource(OTHER_ORIGIN, entries)
    client = LightClient(TrustPolicy(OTHER_ORIGIN, LOG.verifier), moved)  # type: ignore[arg-type]
    with pytest.raises(VerificationError, match="origin"):
        client.replay()
    witness = _witness()
    witness.logs = {OTHER_ORIGIN: LOG.verifier}
    with pytest.raises(WitnessRefusalError, match="origin") as caught:
        witness.add_checkpoint(0, [], moved.note, entries)
    assert caught.value.status == 422
    checkpoint = Checkpoint.parse(Note.parse(moved.note).text)
    with pytest.raises(WitnessRefusalError, match="origin"):
        WitnessRecord.replay(checkpoint, entries)


def test_a_client_trusting_the_empty_tree_follows_the_log() -> None:
    """Every tree extends the empty one; a size-0 checkpoint with another root extends
    nothing, and a size-0 view served later is a prefix of any tree, not a rollback."""
    entries = _entries(0)
    source = _TreeSource(ORIGIN, entries)
    client = LightClient(TrustPolicy(ORIGIN, LOG.verifier), source)  # type: ignore[arg-type]
    empty = _checkpoint(ORIGIN, entries, 0, EMPTY_ROOT)
    client.accept(empty)
    assert client.update().size == len(entries)
    assert client.evidence == []
    assert client.accept(empty).size == len(entries)  # an old view: kept ours, no claim
    liar = _checkpoint(ORIGIN, entries, 0, bytes(32))  # log-signed, but no tree has it
    client = LightClient(TrustPolicy(ORIGIN, LOG.verifier), source)  # type: ignore[arg-type]
    client.accept(liar)
    with pytest.raises(ForkDetectedError):
        client.update()
    client = LightClient(TrustPolicy(ORIGIN, LOG.verifier), source)  # type: ignore[arg-type]
    client.update()
    with pytest.raises(LogRollbackError):
        client.accept(liar)


def test_ledger_verify_refuses_entries_under_another_origin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`realdid ledger verify --url` runs the client's replay: the state root alone
    would pass here (the entries give it); the origin the genesis names does not."""
    entries = _entries(0)
    for origin, code in ((ORIGIN, 0), (OTHER_ORIGIN, 1)):
        source = _TreeSource(origin, entries)
        monkeypatch.setattr(cli_ledger, "HttpLogSource", lambda url, s=source: s)
        result = CliRunner().invoke(
            app,
            ["ledger", "verify", "--url", "http://ledger.test", "--log-key", LOG.verifier.encode(),
             "--origin", origin, "--home", str(tmp_path / origin.replace("/", "-"))],
            env={"COLUMNS": "200"},
        )  # fmt: skip
        assert result.exit_code == code, result.output
        if code:
            assert "origin" in result.output


def test_replay_of_the_empty_tree_and_of_a_lone_genesis() -> None:
    """The origin check starts with the first entry: the empty tree has no genesis to
    name an origin (its replay is the empty registry), and a tree of one entry already
    does (a lone genesis of another deployment is refused)."""
    empty = LightClient(TrustPolicy(ORIGIN, LOG.verifier), _TreeSource(ORIGIN, []))  # type: ignore[arg-type]
    assert empty.replay().state.root == Registry().state.root
    genesis = _entries(0)[:1]
    alone = LightClient(TrustPolicy(ORIGIN, LOG.verifier), _TreeSource(ORIGIN, genesis))  # type: ignore[arg-type]
    assert alone.replay().origin == ORIGIN
    moved = _TreeSource(OTHER_ORIGIN, genesis)
    client = LightClient(TrustPolicy(OTHER_ORIGIN, LOG.verifier), moved)  # type: ignore[arg-type]
    with pytest.raises(VerificationError, match="origin"):
        client.replay()
