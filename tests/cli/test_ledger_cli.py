"""``realdid ledger``: a ledger created, written, witnessed and verified from the command
line, and tampering underneath it detected."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from realdid.cli import app
from realdid.cli.ledger import _identity, _log
from realdid.ledger.entries import EntryType

ORIGIN = "ledger.realdid.example/v1"

RUN = CliRunner()


def _run(home: Path, *args: str) -> tuple[int, str]:
    result = RUN.invoke(app, ["ledger", *args, "--home", str(home)], env={"COLUMNS": "200"})
    return result.exit_code, result.output


def _ledger(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    assert _run(home, "init")[0] == 0
    for epoch in (1, 2, 3):
        code, out = _run(
            home,
            "append",
            "--type",
            "epoch",
            "--body",
            f'{{"epoch": {epoch}, "starts": "2026-12-01"}}',
        )
        assert code == 0, out
    return home


def test_the_whole_lifecycle(tmp_path: Path) -> None:
    home = _ledger(tmp_path)
    code, out = _run(home, "checkpoint")
    assert code == 0
    assert out.startswith("ledger.realdid.example/v1\n4\n")
    assert "\n\n\u2014 " in out  # a signed note, printed verbatim
    code, out = _run(home, "witness", "init", "--name", "court-w")
    assert code == 0
    witness_key = out.strip().splitlines()[-1]
    assert _run(home, "witness", "cosign", "--name", "court-w")[0] == 0
    code, out = _run(home, "verify", "--witness", witness_key, "--quorum", "1")
    assert code == 0, out
    assert "state root recomputed" in out
    code, out = _run(home, "show", "--key", "epoch")
    assert code == 0
    assert "present (proved)" in out
    assert '"epoch": 3' in out
    code, out = _run(home, "show", "--key", "service:did:realdid:none")
    assert "absent (proved)" in out
    assert oct((home / "log.key").stat().st_mode)[-3:] == "600"


def test_refused_writes_exit_non_zero(tmp_path: Path) -> None:
    home = _ledger(tmp_path)
    code, out = _run(
        home, "append", "--type", "epoch", "--body", '{"epoch": 2, "starts": "2026-12-01"}'
    )
    assert code == 1
    assert "epochs only increase" in out
    code, _ = _run(home, "append", "--type", "no-such-type", "--body", "{}")
    assert code == 1


def test_an_entry_changed_in_the_database_is_caught(tmp_path: Path) -> None:
    home = _ledger(tmp_path)
    assert _run(home, "verify")[0] == 0
    with sqlite3.connect(home / "ledger.db") as db:
        change = "replace(entry, '2026-12-01', '2026-12-02')"
        db.execute(f"UPDATE ledger_entries SET entry = {change} WHERE idx = 2")  # noqa: S608
    code, out = _run(home, "verify")
    assert code == 1, out


def test_a_rewritten_log_is_a_fork(tmp_path: Path) -> None:
    home = _ledger(tmp_path)
    assert _run(home, "verify")[0] == 0  # the client now trusts size 4
    with sqlite3.connect(home / "ledger.db") as db:  # the operator rebuilds history from scratch
        for table in ("ledger_entries", "ledger_nodes", "ledger_checkpoints"):
            db.execute(f"DELETE FROM {table} WHERE 1")  # noqa: S608
        db.execute("UPDATE ledger_meta SET size = 0")
    import shutil

    keep = home / "client.json"
    saved = keep.read_bytes()
    shutil.copy(home / "log.key", tmp_path / "log.key")
    # replay a different history with the same keys
    genesis_home = tmp_path / "home"

    authority = _identity(genesis_home / "authority.json")
    log = _log(genesis_home, None)
    log.registry = type(log.registry)()
    log.append(
        authority.sign(
            EntryType.GENESIS,
            {
                "origin": "ledger.realdid.example/v1",
                "document": authority.document().model_dump(mode="json"),
            },
            1,
        )
    )
    for epoch in (7, 8, 9, 10):
        prev = log.registry.latest_index("epoch")
        log.append(
            authority.sign(EntryType.EPOCH, {"epoch": epoch, "starts": "2026-12-01"}, 1, prev)
        )
    keep.write_bytes(saved)
    code, out = _run(home, "verify")
    assert code == 2, out
    assert "fork detected" in out


def test_witness_names_follow_the_signed_note_spec(tmp_path: Path) -> None:
    home = _ledger(tmp_path)
    for bad in ("court w", "a+b", "", "tab\tname"):
        code, out = _run(home, "witness", "init", "--name", bad)
        assert code == 1, (bad, out)
        assert "want non-empty, printable, no spaces" in out
    assert not list(home.glob("witness-*"))
    assert _run(home, "witness", "init", "--name", "witness.example/court-1")[0] == 0


def test_a_witness_re_derives_the_state_and_its_cosignature_survives_checkpoint(
    tmp_path: Path,
) -> None:
    home = _ledger(tmp_path)
    assert _run(home, "checkpoint")[0] == 0
    witness_key = _run(home, "witness", "init", "--name", "court-w")[1].strip().splitlines()[-1]
    assert _run(home, "witness", "cosign", "--name", "court-w")[0] == 0
    code, out = _run(home, "checkpoint")  # unchanged size: the cosignature is kept
    assert code == 0
    assert "\u2014 court-w " in out
    body = '{"epoch": 4, "starts": "2026-12-01"}'
    assert _run(home, "append", "--type", "epoch", "--body", body)[0] == 0
    assert _run(home, "checkpoint")[0] == 0
    code, out = _run(home, "witness", "cosign", "--name", "court-w")  # from its saved snapshot
    assert code == 0, out
    assert "at size 5" in out
    assert _run(home, "verify", "--witness", witness_key, "--quorum", "1")[0] == 0
    state = home / "witness-court-w.state.json"
    saved = json.loads(state.read_text())
    entries = saved["logs"][ORIGIN]["entries"]
    entries[3], entries[4] = entries[4], entries[3]  # a snapshot that is not the log's
    state.write_text(json.dumps(saved))
    code, out = _run(home, "witness", "cosign", "--name", "court-w")
    assert code == 1
    assert "witness state witness-court-w.state.json" in out
    assert "root" in out


def test_a_truncated_log_is_reported_as_a_rollback(tmp_path: Path) -> None:
    home = _ledger(tmp_path)
    assert _run(home, "checkpoint")[0] == 0
    assert _run(home, "verify")[0] == 0  # the client now trusts size 4
    with sqlite3.connect(home / "ledger.db") as db:  # a backup from two entries ago
        db.execute("DELETE FROM ledger_entries WHERE idx >= 2")
        db.execute("DELETE FROM ledger_nodes WHERE (idx + 1) << level > 2")
        db.execute("DELETE FROM ledger_checkpoints WHERE size > 2")
        db.execute("UPDATE ledger_meta SET size = 2")
    code, out = _run(home, "verify")
    assert code == 3, out
    assert "log rolled back" in out
    assert "fork" not in out
