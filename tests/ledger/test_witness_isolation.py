"""A checkpoint the witness refuses changes nothing it recorded (docs/ledger.md §4).

The witness derives each offered checkpoint on a copy of the registry it
recorded. If the copy shared a container with the record (a service's
predicates were once a dict inside a dict, updated in place), a refused
checkpoint would still change the record: a ``keep_refused`` witness could
then be made to cosign a wrong state root, and a strict one would wedge.
"""

from __future__ import annotations

import copy
import dataclasses
import os
from collections.abc import Iterator
from typing import Any

import pytest
from tools.ledger_world import ORIGIN, T0, ledger_world

from realdid.ledger.entries import EntryType
from realdid.ledger.registry import Registry
from realdid.ledger.rfc9162 import consistency_proof
from realdid.ledger.smt import SparseMerkleTree
from realdid.ledger.witness import MemoryWitnessState, WitnessRecord, WitnessRefusalError
from tests.ledger.test_witness import _signed, _state_root, _tree, _witness

WORLD = ledger_world()
SETUP = list(WORLD.setup)
N = len(SETUP)


def _registration(years: int) -> bytes:
    """The forum's registration again, with a second predicate ("senior") added."""
    registry = Registry()
    registry.replay(SETUP)
    forum = WORLD.forum.did

    def predicate(pid: str, years: int, text: str) -> dict[str, Any]:
        return {
            "id": pid,
            "schema_id": "realdid:medical:v1",
            "attribute": "birth_date",
            "relation": "lte",
            "bound": {"kind": "before_day", "years": years},
            "text": {"en": text, "zh-CN": text},
        }

    body = {
        "service": forum,
        "context_id": forum,
        "permissions": {
            "disclose": {"realdid:medical:v1": ["blood_type"]},
            "predicates": [
                predicate("adult", 18, "You are 18 or older"),
                predicate("senior", years, "senior"),
            ],
            "pseudonym": True,
            "escrow": "required",
            "purposes": ["registration"],
        },
    }
    prev = registry.latest_index(f"service:{forum}")
    return WORLD.authority.sign(EntryType.SERVICE, body, T0 + 100, prev)


R1 = _registration(65)  # signed by the authority, never on the honest log
R2 = _registration(60)  # what the honest log holds at index N


def _snapshot(registry: Registry) -> dict[str, Any]:
    """Every field of the registry, by value (the state tree by its root and its values)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(registry):
        value = getattr(registry, f.name)
        if isinstance(value, SparseMerkleTree):
            out[f.name] = (value.root, dict(value._values))
        else:
            out[f.name] = copy.deepcopy(value)
    return out


def _assert_unchanged(before: dict[str, Any], record: WitnessRecord | None) -> None:
    assert record is not None
    after = _snapshot(record.registry)
    for name, value in before.items():
        assert after[name] == value, f"Registry.{name} changed by a refused checkpoint"


class _LosingState(MemoryWitnessState):
    """A store where every update loses the race (another request got there first)."""

    def compare_and_set(self, origin: str, old: WitnessRecord | None, new: WitnessRecord) -> bool:
        if old is None:
            return super().compare_and_set(origin, old, new)
        return False


def _offer(witness: Any, entries: list[bytes], *, state: bytes | None = None) -> None:
    proof = consistency_proof(_tree(entries), N, len(entries))
    note = _signed(entries, len(entries), state=state)
    witness.add_checkpoint(N, proof, note, entries[N:])


@pytest.mark.parametrize(
    ("case", "keep_refused"),
    [
        ("state root mismatch", False),
        ("state root mismatch", True),
        ("refused entry", False),
        ("lost race", False),
        ("lost race", True),
    ],
)
def test_a_refused_checkpoint_changes_no_field_of_the_record(case: str, keep_refused: bool) -> None:
    state = _LosingState() if case == "lost race" else MemoryWitnessState()
    witness = _witness(state=state, keep_refused=keep_refused)
    witness.add_checkpoint(0, [], _signed(SETUP, N), SETUP)
    before = _snapshot(witness.state.get(ORIGIN).registry)  # type: ignore[union-attr]
    offered, state_root = {
        "state root mismatch": ([*SETUP, R1], os.urandom(32)),
        "refused entry": ([*SETUP, R1, R1], None),  # R1 applies, then its replay is refused
        "lost race": ([*SETUP, R1], None),
    }[case]
    with pytest.raises(WitnessRefusalError) as caught:
        _offer(witness, offered, state=state_root)
    assert caught.value.status == (409 if case == "lost race" else 422)
    _assert_unchanged(before, witness.state.get(ORIGIN))
    assert "senior" not in witness.state.get(ORIGIN).registry.predicates[WORLD.forum.did]  # type: ignore[union-attr]


@pytest.mark.parametrize("keep_refused", [False, True])
def test_after_a_refused_draft_the_honest_checkpoint_is_cosigned_and_no_other(
    keep_refused: bool,
) -> None:
    """The review's attack: the log offers R1 (a draft) with a bogus state root; it is
    refused. Then the honest R2 (the same predicate id, another bound) must be cosigned
    with the state root it gives, and the state root of "R2 refused" must not be."""
    witness = _witness(keep_refused=keep_refused)
    witness.add_checkpoint(0, [], _signed(SETUP, N), SETUP)
    with pytest.raises(WitnessRefusalError):
        _offer(witness, [*SETUP, R1], state=os.urandom(32))
    honest = [*SETUP, R2]
    registry = Registry()
    registry.replay(honest)  # R2 is valid on the honest log
    with pytest.raises(WitnessRefusalError) as caught:
        _offer(witness, honest, state=_state_root(SETUP))  # as if R2 were refused
    assert caught.value.status == 422
    _offer(witness, honest)
    record = witness.state.get(ORIGIN)
    assert record is not None
    assert record.checkpoint.state_root == registry.state.root
    assert record.registry.predicates[WORLD.forum.did]["senior"].semantics() == (
        registry.predicates[WORLD.forum.did]["senior"].semantics()
    )


def _mutable_ids(value: object) -> Iterator[int]:
    """The ids of every mutable container reachable from ``value`` (frozen values skipped)."""
    if isinstance(value, SparseMerkleTree):
        yield from (id(value), id(value._nodes), id(value._values))
    elif isinstance(value, dict):
        yield id(value)
        for item in value.values():
            yield from _mutable_ids(item)
    elif isinstance(value, list | set | bytearray):
        yield id(value)
        for item in value if not isinstance(value, bytearray) else ():
            yield from _mutable_ids(item)
    elif isinstance(value, tuple):
        for item in value:
            yield from _mutable_ids(item)


def test_a_registry_copy_shares_no_mutable_container() -> None:
    """Every field, nested containers included: a new container field must be copied too."""
    registry = Registry()
    registry.replay([*SETUP, R2])
    twin = registry.copy()
    for f in dataclasses.fields(registry):
        ours = set(_mutable_ids(getattr(registry, f.name)))
        theirs = set(_mutable_ids(getattr(twin, f.name)))
        assert not ours & theirs, f"Registry.{f.name}: the copy shares a container"
    assert _snapshot(twin) == _snapshot(registry)


def test_registration_replaces_a_services_predicates_instead_of_updating_them() -> None:
    """Copy on write in Registry.apply: a shallow twin taken before the registration
    keeps the old predicates (the second guard, whatever copy a caller makes)."""
    registry = Registry()
    registry.replay(SETUP)
    twin = dataclasses.replace(registry, predicates=dict(registry.predicates))
    twin.state = registry.state.copy()
    twin.apply(R2)
    assert "senior" in twin.predicates[WORLD.forum.did]
    assert "senior" not in registry.predicates[WORLD.forum.did]
