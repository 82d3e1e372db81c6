"""The fixture inventory: every file of the three drafts is present and consumed.

The vector tests are parametrized from the files they find, so a deleted
file would silently shrink them; this test pins the counts (from
tests/vectors/README.md) and checks that every file on disk is one the
vector tests load.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.crypto.vectors import SUITE_DIRS, VECTORS, files

#: draft -> (files per kind and suite, per-suite singleton files, total files incl. messages.json)
INVENTORY: dict[str, tuple[dict[str, int], tuple[str, ...], int]] = {
    "bbs-signatures": (
        {"signature": 10, "proof": 15},
        ("generators.json", "h2s.json", "keypair.json", "mockedRng.json",
         "MapMessageToScalarAsHash.json"),
        61,
    ),
    "bbs-blind-signatures": ({"commit": 2, "signature": 5, "proof": 8}, ("generators.json",), 33),
    "bbs-per-verifier-linkability": (
        {"nymCommit": 4, "nymSignature": 6, "nymProof": 11},
        ("generators.json",),
        45,
    ),
}  # fmt: skip


@pytest.mark.parametrize("draft", sorted(INVENTORY))
def test_fixture_inventory(draft: str) -> None:
    kinds, singletons, total = INVENTORY[draft]
    on_disk = set((VECTORS / draft).rglob("*.json"))
    consumed: set[Path] = {VECTORS / draft / "messages.json"}
    for kind, per_suite in kinds.items():
        found = [path for _, path in files(draft, kind)]
        assert len(found) == per_suite * len(SUITE_DIRS), f"{draft}/{kind}: files missing"
        consumed.update(found)
    for suite_dir in SUITE_DIRS:
        consumed.update(VECTORS / draft / suite_dir / name for name in singletons)
    assert consumed == on_disk, f"unexpected or missing files: {on_disk ^ consumed}"
    assert len(on_disk) == total
