"""The embedded deployment (what the sandbox, the demo and the story run on): every
trustee witness re-derives the registry state before each cosignature."""

from __future__ import annotations

from pathlib import Path

from tools.ledger_world import ORIGIN, T0, ledger_world

from realdid.ledger.embedded import EmbeddedLedger
from realdid.ledger.entries import EntryType
from realdid.ledger.note import Note
from realdid.ledger.stores.sql import SqlStore


def test_each_write_is_cosigned_by_witnesses_that_replayed_it(tmp_path: Path) -> None:
    ledger = EmbeddedLedger.create(
        SqlStore.sqlite(tmp_path / "ledger.db"), ORIGIN, [f"trustee-{i}" for i in range(5)], 3
    )
    for entry in ledger_world().setup:
        ledger.append(entry)
    service = f"service:{ledger_world().forum.did}"
    retire = {"state_key": service, "reason": "suspended"}
    prev = ledger.log.registry.latest_index(service)
    ledger.append(ledger_world().authority.sign(EntryType.RETIRE, retire, T0, prev))
    note = ledger.log.latest_checkpoint()
    assert len(Note.parse(note).signatures) == 1 + 5
    for witness in ledger.witnesses:
        record = witness.state.get(ORIGIN)
        assert record is not None
        assert record.size == ledger.log.store.size()
        assert record.registry.state.root == ledger.log.registry.state.root
        assert service in record.registry.retired
    found = ledger.client(ORIGIN).lookup(service)
    assert found is not None
    assert found.type is EntryType.RETIRE
