"""RFC 9162 inclusion and consistency proofs: every file of transparency-dev/merkle's
testdata (tests/vectors/rfc9162/, Apache-2.0; see tests/vectors/README.md).

One deliberate difference from the Go verifier, which the vectors encode:
``consistency/additional/sizes-are-equal-one-and-proof-is-empty.json``
expects success for two equal 12-byte "roots". RealDID checks that every
hash is 32 bytes before anything else (a root *is* a SHA-256 hash, RFC 9162
§2.1), so it rejects that case; the test asserts the rejection.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from realdid.errors import RealDIDError
from realdid.ledger.rfc9162 import hash_leaf, verify_consistency, verify_inclusion
from realdid.ledger.tree import MemoryTree

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "rfc9162"
STRICTER_THAN_GO = {"sizes-are-equal-one-and-proof-is-empty.json"}


def _cases(kind: str) -> list[Any]:
    return [
        pytest.param(json.loads(p.read_text()), p.name, id=f"{p.parent.name}/{p.stem}")
        for p in sorted((VECTORS / kind).rglob("*.json"))
    ]


def _b64(value: str | None) -> bytes:
    return base64.b64decode(value or "")


def test_vector_inventory() -> None:
    assert len(list((VECTORS / "inclusion").rglob("*.json"))) == 98
    assert len(list((VECTORS / "consistency").rglob("*.json"))) == 98
    assert (VECTORS / "LICENSE").exists()


def test_tree_roots_match_the_reference_constants() -> None:
    data = json.loads((VECTORS / "tree.json").read_text())
    tree = MemoryTree()
    assert tree.root().hex() == data["rootHashes"][0]
    for i, leaf in enumerate(data["leafInputs"], start=1):
        tree.append_leaf_hash(hash_leaf(bytes.fromhex(leaf)))
        assert tree.root().hex() == data["rootHashes"][i]


@pytest.mark.parametrize(("case", "name"), _cases("inclusion"))
def test_inclusion_vectors(case: dict[str, Any], name: str) -> None:
    args = (
        case["leafIdx"], case["treeSize"], _b64(case["leafHash"]),
        [_b64(p) for p in case["proof"] or []], _b64(case["root"]),
    )  # fmt: skip
    if case["wantErr"]:
        with pytest.raises(RealDIDError):
            verify_inclusion(*args)
    else:
        verify_inclusion(*args)


@pytest.mark.parametrize(("case", "name"), _cases("consistency"))
def test_consistency_vectors(case: dict[str, Any], name: str) -> None:
    args = (
        case["size1"], case["size2"], [_b64(p) for p in case["proof"] or []],
        _b64(case["root1"]), _b64(case["root2"]),
    )  # fmt: skip
    if case["wantErr"] or name in STRICTER_THAN_GO:
        with pytest.raises(RealDIDError):
            verify_consistency(*args)
    else:
        verify_consistency(*args)
