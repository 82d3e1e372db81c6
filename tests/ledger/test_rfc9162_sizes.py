"""RFC 9162 proofs bound to their sizes: the exact length checked before any hash, ints
that are not bools, and the appended leaves that bind a new size to its root.

The naive PATH and SUBPROOF of ``test_rfc9162`` are the reference for every length.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from realdid.errors import InvalidArgumentError, VerificationError
from realdid.ledger import rfc9162
from realdid.ledger.rfc9162 import (
    EMPTY_ROOT,
    consistency_proof,
    consistency_proof_size,
    hash_leaf,
    inclusion_proof,
    inclusion_proof_size,
    verify_append,
    verify_consistency,
    verify_inclusion,
)
from tests.ledger.test_rfc9162 import LEAVES, path, subproof, tree

LEAF_HASHES = [hash_leaf(leaf) for leaf in LEAVES]


def test_proof_sizes_are_the_lengths_of_path_and_subproof() -> None:
    for n in range(1, 90):
        for m in range(n):
            assert inclusion_proof_size(m, n) == len(path(m, LEAVES[:n])), (m, n)
        for m in range(1, n + 1):
            want = 0 if m == n else len(subproof(m, LEAVES[:n], True))
            assert consistency_proof_size(m, n) == want, (m, n)
    # uint64 sizes cost nothing: the length is computed, not a proof
    assert inclusion_proof_size(0, 2**64 - 1) == 64
    assert consistency_proof_size(1, 2**64 - 1) == 64


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[bytes, bytes]]:
    """Every hash_children the verifiers compute, recorded."""
    calls: list[tuple[bytes, bytes]] = []
    real: Callable[[bytes, bytes], bytes] = rfc9162.hash_children

    def counting(left: bytes, right: bytes) -> bytes:
        calls.append((left, right))
        return real(left, right)

    monkeypatch.setattr(rfc9162, "hash_children", counting)
    return calls


def test_a_proof_of_the_wrong_length_is_refused_before_any_hash(
    hashes: list[tuple[bytes, bytes]],
) -> None:
    t = tree()
    proof = inclusion_proof(t, 5, 37)
    consistency = consistency_proof(t, 20, 37)
    root20, root37 = t.root(20), t.root(37)
    hashes.clear()
    for bad in (proof[:-1], [*proof, proof[0]]):
        with pytest.raises(VerificationError, match=f"want {len(proof)}"):
            verify_inclusion(5, 37, LEAF_HASHES[5], bad, root37)
    for bad in (consistency[:-1], [*consistency, consistency[0]]):
        with pytest.raises(VerificationError, match=f"want {len(consistency)}"):
            verify_consistency(20, 37, bad, root20, root37)
    with pytest.raises(VerificationError, match="want 0"):
        verify_consistency(37, 37, [root37], root37, root37)
    assert hashes == []


@pytest.mark.parametrize("bad", [True, False, 1.0, "1", None, -1, 2**64])
def test_an_index_or_size_must_be_an_int_in_uint64(bad: object) -> None:
    t = tree()
    leaf, root2 = LEAF_HASHES[1], t.root(2)
    proof = inclusion_proof(t, 1, 2)
    with pytest.raises(InvalidArgumentError):
        verify_inclusion(bad, 2, leaf, proof, root2)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        verify_inclusion(1, bad, leaf, proof, root2)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        verify_consistency(bad, 2, [], t.root(1), root2)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        verify_consistency(1, bad, [], t.root(1), root2)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        inclusion_proof(t, bad, 2)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        consistency_proof(t, 1, bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        verify_append(bad, 2, [], t.root(1), root2, [leaf])  # type: ignore[arg-type]


def test_true_is_not_leaf_one() -> None:
    """verify_inclusion(True, 2, ...) passed as index 1 before bools were refused."""
    t = tree()
    with pytest.raises(InvalidArgumentError, match="bool"):
        verify_inclusion(True, 2, LEAF_HASHES[1], inclusion_proof(t, 1, 2), t.root(2))


def _same_shape_forgeries(limit: int) -> list[tuple[int, int, int]]:
    """(old, true, claimed): the proof old→true has the shape of old→claimed."""
    found = []
    for old in range(1, limit):
        for true in range(old + 1, limit):
            for claimed in range(old + 1, limit):
                if claimed != true and pairwise_same(old, true, claimed):
                    found.append((old, true, claimed))
    return found


def pairwise_same(old: int, true: int, claimed: int) -> bool:
    try:
        verify_consistency(
            old, claimed, consistency_proof(tree(), old, true), tree().root(old), tree().root(true)
        )
    except VerificationError:
        return False
    return True


def test_a_size_39_checkpoint_over_the_root_of_37() -> None:
    """What the fuzz campaign found: a witness at size 36 cosigned "size 39" with the
    root of size 37, because the proof 36→37 verifies as a proof 36→39. No
    consistency verifier can tell (the hashes are the same, and so is the
    length); the appended leaves can."""
    t = tree()
    proof = consistency_proof(t, 36, 37)
    assert len(proof) == consistency_proof_size(36, 39)
    verify_consistency(36, 39, proof, t.root(36), t.root(37))  # the limit of a proof
    with pytest.raises(VerificationError):
        verify_append(36, 39, proof, t.root(36), t.root(37), LEAF_HASHES[36:39])
    with pytest.raises(VerificationError):  # and no third leaf makes the old root fit
        verify_append(36, 39, proof, t.root(36), t.root(37), [*LEAF_HASHES[36:38], t.root(37)])
    verify_append(36, 37, proof, t.root(36), t.root(37), LEAF_HASHES[36:37])
    verify_append(36, 39, consistency_proof(t, 36, 39), t.root(36), t.root(39), LEAF_HASHES[36:39])


def test_every_same_shape_forgery_fails_with_the_leaves() -> None:
    forgeries = _same_shape_forgeries(40)
    assert len(forgeries) == 6332  # the proofs alone leave this many open (docs/ledger.md)
    t = tree()
    for old, true, claimed in forgeries:
        with pytest.raises(VerificationError):
            verify_append(
                old,
                claimed,
                consistency_proof(t, old, true),
                t.root(old),
                t.root(true),
                LEAF_HASHES[old:claimed],
            )


def test_append_proofs_of_every_pair_verify() -> None:
    t = tree()
    for n in range(0, 70):
        verify_append(0, n, [], EMPTY_ROOT, t.root(n), LEAF_HASHES[:n])
        for m in range(1, n + 1):
            proof = consistency_proof(t, m, n)
            verify_append(m, n, proof, t.root(m), t.root(n), LEAF_HASHES[m:n])
    for m, n in ((100, 300), (255, 256), (256, 257), (129, 300), (1, 300)):
        proof = consistency_proof(t, m, n)
        verify_append(m, n, proof, t.root(m), t.root(n), LEAF_HASHES[m:n])


def test_every_public_input_of_an_append_proof_matters() -> None:
    t = tree()
    m, n = 22, 45
    proof = consistency_proof(t, m, n)
    good = (m, n, proof, t.root(m), t.root(n), LEAF_HASHES[m:n])
    verify_append(*good)
    flipped = bytes([LEAF_HASHES[0][0] ^ 1]) + LEAF_HASHES[0][1:]
    for bad in (
        (m + 1, n, proof, t.root(m + 1), t.root(n), LEAF_HASHES[m + 1 : n]),
        (m, n + 1, proof, t.root(m), t.root(n), LEAF_HASHES[m : n + 1]),
        (m, n, [*proof[:-1], flipped], t.root(m), t.root(n), LEAF_HASHES[m:n]),
        (m, n, [flipped, *proof[1:]], t.root(m), t.root(n), LEAF_HASHES[m:n]),
        (m, n, proof, t.root(m - 1), t.root(n), LEAF_HASHES[m:n]),
        (m, n, proof, t.root(m), t.root(n - 1), LEAF_HASHES[m:n]),
        (m, n, proof, t.root(m), t.root(n), [*LEAF_HASHES[m : n - 1], flipped]),
        (m, n, proof, t.root(m), t.root(n), LEAF_HASHES[m : n - 1]),
        (m, n, proof, t.root(m), t.root(n), LEAF_HASHES[m + 1 : n + 1]),
        (0, n, [], EMPTY_ROOT, t.root(n), [*LEAF_HASHES[: n - 1], flipped]),
        (0, n, proof, EMPTY_ROOT, t.root(n), LEAF_HASHES[:n]),
        (m, m, [], t.root(m), t.root(n), []),
    ):
        with pytest.raises(VerificationError):
            verify_append(*bad)


@pytest.mark.parametrize("extra", [1, 2])
def test_an_append_of_leaves_to_an_unchanged_size_is_refused(extra: int) -> None:
    """Equal sizes and equal roots, but leaves claimed appended: the leaf count is
    checked against size2 - size1 first, so no leaf can ride along unbound."""
    t = tree()
    with pytest.raises(VerificationError, match="leaves"):
        verify_append(5, 5, [], t.root(5), t.root(5), LEAF_HASHES[5 : 5 + extra])


@pytest.mark.parametrize("size", [1, 2, 7])
def test_an_inclusion_proof_for_index_equal_to_size_fails_verification(size: int) -> None:
    """A leaf index at the size is a proof that fails (VerificationError), not a caller's
    misuse: verifiers get index and size from the other party."""
    t = tree()
    proof = inclusion_proof(t, size - 1, size)
    with pytest.raises(VerificationError, match="not below"):
        rfc9162.root_from_inclusion_proof(size, size, LEAF_HASHES[size - 1], proof)
