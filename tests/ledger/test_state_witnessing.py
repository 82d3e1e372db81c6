"""Issue 9 §0: a quorum of cosignatures means the state root is the one the entries give.

The attack: the log signs a checkpoint of the honest tree whose ``realdid-state``
root is another — here the state before a service was retired, so the
retired service reads as live — and offers it to the witnesses. Before
witnesses re-derived the state, every witness cosigned it, in each of the
three cases below, and a client with a witness quorum read the retired
service as live. Now the witnesses refuse, and so does the client.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from tools.ledger_world import ORIGIN, T0, ledger_world

from realdid.errors import VerificationError
from realdid.ledger.checkpoint import STATE_EXTENSION, Checkpoint, CosignatureSigner
from realdid.ledger.client import ForkDetectedError, LightClient, TrustPolicy
from realdid.ledger.entries import EntryType
from realdid.ledger.log import Log, Lookup
from realdid.ledger.note import Note, NoteSigner, sign_note
from realdid.ledger.registry import Registry
from realdid.ledger.rfc9162 import consistency_proof, inclusion_proof
from realdid.ledger.stores.sql import SqlStore
from realdid.ledger.witness import Witness, WitnessRefusalError

LOG_KEY = NoteSigner.generate("realdid-log")
SERVICE = f"service:{ledger_world().forum.did}"


def _honest(tmp_path: Path) -> tuple[Log, int]:
    """The world's setup, then the forum's registration retired; returns the log and the
    size before the retirement."""
    log = Log(SqlStore.sqlite(tmp_path / "log.db"), LOG_KEY)
    for entry in ledger_world().setup:
        log.append(entry)
    before = log.store.size()
    retire = {"state_key": SERVICE, "reason": "suspended"}
    prev = log.registry.latest_index(SERVICE)
    log.append(ledger_world().authority.sign(EntryType.RETIRE, retire, T0, prev))
    return log, before


class EvilLog:
    """The honest log's entries and proofs, but a checkpoint of the same tree whose state
    is the one before the retirement, and lookups answered from that state."""

    def __init__(self, log: Log, live: int) -> None:
        self.log = log
        self.live = Registry()  # the state at ``live`` entries: the service not yet retired
        for octets in log.store.entries(0, live):
            self.live.apply(octets)
        size = log.store.size()
        state = f"{STATE_EXTENSION} {base64.b64encode(self.live.state.root).decode()}"
        text = Checkpoint(ORIGIN, size, log.store.root(size), (state,)).text()
        self.note = sign_note(text, [LOG_KEY])

    def offer(self, witnesses: list[Witness]) -> None:
        """What Log.cosign does: each witness gets the proof and entries from its size."""
        parsed = Note.parse(self.note)
        signatures = list(parsed.signatures)
        size = self.log.store.size()
        for witness in witnesses:
            stored = witness.state.get(ORIGIN)
            old = 0 if stored is None else stored.size
            proof = consistency_proof(self.log.store, old, size) if 0 < old < size else []
            try:
                entries = self.log.store.entries(old, size)
                signatures.append(witness.add_checkpoint(old, proof, self.note, entries))
            except WitnessRefusalError:
                continue
        self.note = Note(parsed.text, tuple(signatures)).encode()

    def latest_checkpoint(self) -> bytes:
        return self.note

    def lookup(self, key: str) -> Lookup:
        size = self.log.store.size()
        value = self.live.state.get(key)
        assert value is not None
        index = int.from_bytes(value[:8], "big")
        inclusion = tuple(inclusion_proof(self.log.store, index, size))
        proof = self.live.state.prove(key).encode()
        return Lookup(self.note, key, index, self.log.store.entry(index), inclusion, proof)

    def __getattr__(self, name: str) -> object:
        return getattr(self.log, name)


def _witnesses() -> list[Witness]:
    return [
        Witness(CosignatureSigner.generate(f"trustee-{i}"), {ORIGIN: LOG_KEY.verifier})
        for i in range(3)
    ]


def _client(witnesses: list[Witness], source: object) -> LightClient:
    policy = TrustPolicy(ORIGIN, LOG_KEY.verifier, tuple(w.signer.verifier for w in witnesses), 2)
    return LightClient(policy, source)  # type: ignore[arg-type]


@pytest.mark.parametrize("case", ["fresh start", "older trusted size", "same size"])
def test_a_quorum_never_vouches_for_a_state_the_entries_do_not_give(
    tmp_path: Path, case: str
) -> None:
    log, before = _honest(tmp_path)
    witnesses = _witnesses()
    client = _client(witnesses, log)
    if case == "older trusted size":
        # Witnesses and client hold a checkpoint from before the retirement.
        older = Log(SqlStore.sqlite(tmp_path / "older.db"), LOG_KEY)
        for entry in log.store.entries(0, before):
            older.append(entry)
        older.checkpoint()
        client.accept(older.cosign(witnesses))
        assert client.trusted is not None
        assert client.trusted.size == before
    if case == "same size":
        # Witnesses are fully up to date: they cosigned the honest checkpoint at this size.
        log.checkpoint()
        up_to_date = _client(witnesses, log)
        up_to_date.accept(log.cosign(witnesses))
    evil = EvilLog(log, before)
    evil.offer(witnesses)
    assert len(Note.parse(evil.note).signatures) == 1  # the log's only: every witness refused
    client.source = evil  # type: ignore[assignment]
    with pytest.raises(VerificationError, match="0 witness cosignatures, want 2"):
        client.lookup(SERVICE)  # before: the retired service, read as live
    honest = _client(witnesses, log)
    log.checkpoint()
    log.cosign(witnesses)
    found = honest.lookup(SERVICE)
    assert found is not None
    assert found.type is EntryType.RETIRE  # the witnesses still cosign the truth
    if case == "same size":  # two log-signed texts for one size: evidence, with or without quorum
        with pytest.raises(ForkDetectedError):
            up_to_date.accept(evil.note)


def test_the_log_signs_one_text_per_size_and_keeps_its_cosignatures(tmp_path: Path) -> None:
    log, _ = _honest(tmp_path)
    witnesses = _witnesses()
    log.checkpoint()
    cosigned = log.cosign(witnesses)
    assert len(Note.parse(cosigned).signatures) == 4
    assert log.checkpoint() == cosigned  # re-run at an unchanged size: nothing dropped
    log.registry.state.set("service:did:realdid:ghost", bytes(40))  # a state gone wrong:
    with pytest.raises(VerificationError, match="another text"):  # no second text signed
        log.checkpoint()
