"""``realdid ledger append --body``: hostile JSON is refused with a message, never a
traceback (RecursionError from 4 KB of brackets, last-one-wins on a repeated name)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from realdid.cli import app

RUN = CliRunner()


@pytest.mark.parametrize(
    "body",
    [
        "[" * 2048 + "]" * 2048,
        '{"epoch": 2, "epoch": 3, "starts": "2026-12-01"}',
        '{"epoch": 1' + "0" * 5000 + ', "starts": "2026-12-01"}',
        '["epoch", 2]',
    ],
)
def test_a_hostile_body_is_refused_cleanly(tmp_path: Path, body: str) -> None:
    home = str(tmp_path / "home")
    assert RUN.invoke(app, ["ledger", "init", "--home", home]).exit_code == 0
    result = RUN.invoke(
        app, ["ledger", "append", "--type", "epoch", "--body", body, "--home", home]
    )
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # the CLI's own exit, not a crash
    assert "DecodeError: --body: " in result.output  # the reason, named
