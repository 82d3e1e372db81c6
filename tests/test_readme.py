"""The README's commands work as written: a first user copies them in order."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REALDID = Path(sys.executable).with_name("realdid")


def _ledger_walkthrough() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The ledger", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None, "the README's ledger section has no shell block"
    return [line.split("  #", 1)[0].strip() for line in block.group(1).splitlines() if line]


def test_the_ledger_walkthrough_runs_in_order(tmp_path: Path) -> None:
    lines = _ledger_walkthrough()
    assert any("ledger show" in line for line in lines)
    env = {k: v for k, v in os.environ.items() if not k.startswith("REALDID_")}
    for line in lines:
        if line.endswith("ledger serve"):
            continue  # runs until stopped; tests/api serves the same app
        for command in line.split(" && "):
            argv = shlex.split(command)
            assert argv[0] == ".venv/bin/realdid", command
            done = subprocess.run(
                [str(REALDID), *argv[1:]],
                cwd=tmp_path,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"


@pytest.mark.parametrize("path", [".realdid/", ".import_linter_cache/"])
def test_local_state_is_ignored_and_cleaned(path: str) -> None:
    assert path in (ROOT / ".gitignore").read_text().splitlines()
    clean = (ROOT / "Makefile").read_text().split("\nclean:", 1)[1]
    assert path.rstrip("/") in clean


def test_the_docs_stand_alone() -> None:
    """Nothing in the repository points at a document outside it."""
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        assert "../shared" not in path.read_text(encoding="utf-8"), path
