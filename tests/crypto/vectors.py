"""One loader for the IETF fixtures in tests/vectors/ (see its README for provenance).

Each case becomes one pytest parameter whose id is ``<suite>/<file stem>``,
so a failing fixture is named in the report.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from realdid.crypto import BLS12_381_SHA_256, BLS12_381_SHAKE_256, Ciphersuite

VECTORS = Path(__file__).resolve().parents[1] / "vectors"
SUITE_DIRS: dict[str, Ciphersuite] = {
    "bls12-381-sha-256": BLS12_381_SHA_256,
    "bls12-381-shake-256": BLS12_381_SHAKE_256,
}

Fixture = dict[str, Any]


def unhex(value: str | None) -> bytes:
    """Hex field to bytes. One trailing 's' is dropped: two published files have
    that typo (tests/vectors/README.md), and 's' is never a hex digit."""
    if value is None:
        return b""
    return bytes.fromhex(value.removesuffix("s"))


def scalar(value: str) -> bytes:
    """Scalar field to 32 bytes, parsed as an integer: the 10-nym files drop
    leading zeros (63-digit values)."""
    return int(value, 16).to_bytes(32, "big")


def load(path: Path) -> Fixture:
    data: Fixture = json.loads(path.read_text())
    return data


def files(draft: str, kind: str) -> Iterator[tuple[Ciphersuite, Path]]:
    """Every fixture file of one kind ("signature", "proof", "commit", ...) in both suites."""
    for suite_dir, suite in SUITE_DIRS.items():
        folder = VECTORS / draft / suite_dir / kind
        for path in sorted(folder.glob("*.json")):
            yield suite, path


def cases(draft: str, kind: str) -> list[Any]:
    """pytest parameters (suite, fixture) with readable ids, for one kind of fixture."""
    return [
        pytest.param(suite, load(path), id=f"{suite.name}/{path.stem}")
        for suite, path in files(draft, kind)
    ]


def suite_files(draft: str, name: str) -> list[Any]:
    """pytest parameters (suite, fixture) for a per-suite file such as generators.json."""
    return [
        pytest.param(suite, load(VECTORS / draft / suite_dir / name), id=suite.name)
        for suite_dir, suite in SUITE_DIRS.items()
    ]


def messages(draft: str) -> Fixture:
    return (
        load(VECTORS / draft / "messages.json")
        if draft != "bbs-signatures"
        else {"messages": json.loads((VECTORS / draft / "messages.json").read_text())}
    )
