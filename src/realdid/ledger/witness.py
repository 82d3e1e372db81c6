"""A witness: cosigns a checkpoint only if it extends the last one it cosigned
*and* carries the registry state that the log's entries determine.

C2SP tlog-witness (https://c2sp.org/tlog-witness), with one RealDID
extension. Each trustee runs one. A plain tlog witness vouches for the tree
only (size and root, by the consistency proof); a RealDID checkpoint also
carries the registry's state root (``realdid-state``, :mod:`.checkpoint`),
and a cosignature on it must mean that root is right, or a log could show a
quorum-cosigned checkpoint of the honest tree whose state has a retired
service live. So for every origin the witness keeps a :class:`WitnessRecord`
— the checkpoint it last cosigned and its snapshot of the log (the entries,
the tree's frontier, and the registry re-derived from them) — and the add-checkpoint request
carries, after the consistency proof, the entries since the old size (one
``realdid-entry <base64>`` line each, :func:`format_add_checkpoint`). The
witness:

1. parses the checkpoint (400), knows its origin (404), verifies the log's
   signature (403), and checks old size <= size (400);
2. requires old size = the size it last cosigned (409, answering its size);
3. at that same size, cosigns again only the very text it cosigned before
   (409 otherwise: one checkpoint text per size — a second state root for a
   tree it already vouched for is refused);
4. checks the consistency proof (422), as any tlog witness does;
5. requires the extension's entries, exactly size - old of them (400, 422),
   and recomputes the RFC 9162 root from its stored frontier and their leaf
   hashes: it must be the checkpoint's root (422), so the entries are the log's;
6. applies them to a copy of its registry with the registry's own admission
   rules (:meth:`Registry.apply`): a refused entry is a refused checkpoint
   (422). A witness of a log on a chain, where a refused entry keeps its place
   and changes nothing, sets ``keep_refused`` (:meth:`Registry.apply_committed`,
   as every reader of such a log does);
7. requires the re-derived state root to equal ``realdid-state`` (422);
8. stores the new record — checkpoint and snapshot together — with one
   atomic compare-and-set (409 if another request won), then cosigns.

A standard tlog witness sent the extended request refuses it (400: a
``realdid-entry`` line is not a proof hash), so it never cosigns having
skipped the extension; sent the plain request, it cosigns the tree only, and
its key therefore belongs in no RealDID trust policy (``docs/ledger.md`` §4).
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Protocol

from realdid.errors import DecodeError, RealDIDError
from realdid.ledger.checkpoint import Checkpoint, CosignatureSigner, is_canonical_decimal
from realdid.ledger.note import Note, NoteVerifier, Signature, decode_base64, open_note
from realdid.ledger.registry import Registry
from realdid.ledger.rfc9162 import (
    EMPTY_ROOT,
    HASH_SIZE,
    hash_children,
    hash_leaf,
    verify_consistency,
)

__all__ = [
    "ENTRY_LINE",
    "AddCheckpointRequest",
    "MemoryWitnessState",
    "Witness",
    "WitnessRecord",
    "WitnessRefusalError",
    "WitnessState",
    "format_add_checkpoint",
    "parse_add_checkpoint",
    "same_record",
]

#: The RealDID extension line of an add-checkpoint request: one log entry, base64.
ENTRY_LINE: Final = "realdid-entry"
#: tlog-witness: "The client MUST NOT send more than 63 consistency proof lines."
_MAX_PROOF: Final = 63


class WitnessRefusalError(RealDIDError):
    """The witness will not cosign; ``status`` is tlog-witness's HTTP code."""

    def __init__(self, status: int, message: str, *, stored_size: int | None = None) -> None:
        self.status = status
        self.stored_size = stored_size
        super().__init__(message)


@dataclass(frozen=True)
class WitnessRecord:
    """What a witness holds for one origin, stored as one unit: the checkpoint it
    last cosigned and the snapshot behind it (the entries up to its size, the
    tree's frontier, and the registry they give). Never mutated once recorded."""

    checkpoint: Checkpoint
    entries: tuple[bytes, ...]
    #: The roots of the perfect subtrees that make up the tree, largest first (one per
    #: set bit of the size): enough to append leaves and recompute the root.
    frontier: tuple[bytes, ...] = field(repr=False)
    registry: Registry = field(repr=False, compare=False)

    @property
    def size(self) -> int:
        return self.checkpoint.size

    @property
    def text(self) -> str:
        return self.checkpoint.text()

    @classmethod
    def replay(
        cls, checkpoint: Checkpoint, entries: Sequence[bytes], *, keep_refused: bool = False
    ) -> WitnessRecord:
        """Rebuild a record from its checkpoint and entries (a witness restarting from
        what it persisted); raises WitnessRefusalError(422) if they do not agree."""
        return _derive(None, checkpoint, entries, keep_refused=keep_refused)


def _derive(
    base: WitnessRecord | None,
    checkpoint: Checkpoint,
    entries: Sequence[bytes],
    *,
    keep_refused: bool,
) -> WitnessRecord:
    """Steps 5–7 of the module doc: ``base`` plus ``entries`` must give ``checkpoint``."""
    old_size = 0 if base is None else base.size
    if len(entries) != checkpoint.size - old_size:
        raise WitnessRefusalError(
            422, f"entries: got {len(entries)}, want {checkpoint.size - old_size} (new - old size)"
        )
    frontier = () if base is None else base.frontier
    for i, octets in enumerate(entries, start=old_size):
        frontier = _append_leaf(frontier, i, hash_leaf(octets))
    if _frontier_root(frontier) != checkpoint.root_hash:
        raise WitnessRefusalError(422, "entries: they do not give the checkpoint's root")
    registry = Registry() if base is None else base.registry.copy()  # never the recorded one
    for i, octets in enumerate(entries, start=old_size):
        if keep_refused:
            registry.apply_committed(octets)
            continue
        try:
            registry.apply(octets)
        except RealDIDError as exc:
            raise WitnessRefusalError(
                422, f"entry {i} is one the registry refuses ({exc.__class__.__name__}: {exc})"
            ) from None
    if checkpoint.size > 0 and registry.origin != checkpoint.origin:
        # The entries must be this log's: another deployment's (or this log's previous
        # generation's) entries, re-signed under a new origin, are not its history.
        raise WitnessRefusalError(
            422, f"origin: got {checkpoint.origin!r}, the genesis entry names {registry.origin!r}"
        )
    if checkpoint.state_root is None:
        raise WitnessRefusalError(422, "checkpoint: no realdid-state line")
    if registry.state.root != checkpoint.state_root:
        raise WitnessRefusalError(422, "realdid-state: not the state root the entries give")
    old_entries = () if base is None else base.entries
    return WitnessRecord(checkpoint, (*old_entries, *entries), frontier, registry)


def _append_leaf(frontier: tuple[bytes, ...], size: int, leaf_hash: bytes) -> tuple[bytes, ...]:
    """The frontier after appending leaf number ``size``: like a binary increment, each
    carry merges two equal perfect subtrees (RFC 9162 §2.1.1's tree, built left to right)."""
    nodes = list(frontier)
    node = leaf_hash
    while size & 1:
        node = hash_children(nodes.pop(), node)
        size >>= 1
    nodes.append(node)
    return tuple(nodes)


def _frontier_root(frontier: tuple[bytes, ...]) -> bytes:
    """MTH of the whole tree: the perfect subtrees merged from the right (the split at
    the largest power of two below n puts the biggest subtree on the left)."""
    if not frontier:
        return EMPTY_ROOT
    node = frontier[-1]
    for left in reversed(frontier[:-1]):
        node = hash_children(left, node)
    return node


class WitnessState(Protocol):
    """Where a witness keeps, per origin, the record of what it last cosigned.

    ``compare_and_set`` replaces ``old`` by ``new`` atomically (the checkpoint
    and its snapshot together) and returns False if the stored record is no
    longer ``old`` — tlog-witness's required check-and-persist."""

    def get(self, origin: str) -> WitnessRecord | None: ...

    def compare_and_set(
        self, origin: str, old: WitnessRecord | None, new: WitnessRecord
    ) -> bool: ...


def same_record(a: WitnessRecord | None, b: WitnessRecord | None) -> bool:
    """Two records are the same state if they hold the same checkpoint text (its root
    fixes the entries, and the entries the registry)."""
    if a is None or b is None:
        return a is b
    return a.text == b.text


class MemoryWitnessState:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state: dict[str, WitnessRecord] = {}

    def get(self, origin: str) -> WitnessRecord | None:
        with self._lock:
            return self._state.get(origin)

    def compare_and_set(self, origin: str, old: WitnessRecord | None, new: WitnessRecord) -> bool:
        with self._lock:
            if not same_record(self._state.get(origin), old):
                return False
            self._state[origin] = new
            return True


@dataclass
class Witness:
    signer: CosignatureSigner
    logs: Mapping[str, NoteVerifier]
    state: WitnessState = field(default_factory=MemoryWitnessState)
    clock: Callable[[], int] = field(default=lambda: int(time.time()))
    #: The log's store is a chain: an entry the registry refuses keeps its place and
    #: changes nothing (Registry.apply_committed) instead of refusing the checkpoint.
    keep_refused: bool = field(default=False, kw_only=True)

    def add_checkpoint(
        self,
        old_size: int,
        proof: Sequence[bytes],
        signed_checkpoint: bytes,
        entries: Sequence[bytes] | None = None,
    ) -> Signature:
        """Cosign ``signed_checkpoint`` if it extends the stored checkpoint and ``entries``
        (those since ``old_size``) give its root and state root (steps in the module doc)."""
        try:
            checkpoint = Checkpoint.parse(Note.parse(signed_checkpoint).text)
        except RealDIDError as exc:
            raise WitnessRefusalError(400, f"malformed checkpoint: {exc}") from None
        log = self.logs.get(checkpoint.origin)
        if log is None:
            raise WitnessRefusalError(404, "unknown log origin")
        try:
            note, _ = open_note(signed_checkpoint, [log])
        except RealDIDError:
            raise WitnessRefusalError(403, "checkpoint not signed by the log's key") from None
        if type(old_size) is not int or not 0 <= old_size <= checkpoint.size:
            raise WitnessRefusalError(400, "old size is above the new size")
        stored = self.state.get(checkpoint.origin)
        stored_size = 0 if stored is None else stored.size
        if old_size != stored_size:
            raise WitnessRefusalError(409, "old size is not the witness's", stored_size=stored_size)
        if stored is not None and checkpoint.size == stored.size:
            if note.text != stored.text:  # tlog-witness: same size, other root -> 409
                raise WitnessRefusalError(
                    409, f"another checkpoint text at size {stored.size}, which it cosigned",
                    stored_size=stored.size,
                )  # fmt: skip
            if proof or entries:
                raise WitnessRefusalError(400, "same size: want no proof and no entries")
            return self.signer.cosign(note.text, self.clock())
        self._check_consistency(old_size, proof, stored, checkpoint)
        if entries is None and checkpoint.size > old_size:
            raise WitnessRefusalError(
                400, f"no {ENTRY_LINE} lines: this witness re-derives the state from the entries"
            )
        new = _derive(stored, checkpoint, entries or (), keep_refused=self.keep_refused)
        if not self.state.compare_and_set(checkpoint.origin, stored, new):
            current = self.state.get(checkpoint.origin)
            raise WitnessRefusalError(
                409, "raced with another update", stored_size=current.size if current else 0
            )
        return self.signer.cosign(note.text, self.clock())

    @staticmethod
    def _check_consistency(
        old_size: int, proof: Sequence[bytes], stored: WitnessRecord | None, cp: Checkpoint
    ) -> None:
        """Step 4: the consistency proof from the stored checkpoint (tlog-witness: 422)."""
        if stored is None:
            if proof:
                raise WitnessRefusalError(422, "a proof from the empty tree must be empty")
            return
        try:
            verify_consistency(old_size, cp.size, proof, stored.checkpoint.root_hash, cp.root_hash)
        except RealDIDError as exc:
            raise WitnessRefusalError(422, f"consistency proof fails: {exc}") from None


@dataclass(frozen=True, slots=True)
class AddCheckpointRequest:
    """An add-checkpoint body: tlog-witness's fields, and the RealDID entries (None:
    a plain tlog-witness request, without the extension)."""

    old_size: int
    proof: tuple[bytes, ...]
    checkpoint: bytes
    entries: tuple[bytes, ...] | None = None


def format_add_checkpoint(
    old_size: int,
    proof: Sequence[bytes],
    signed_checkpoint: bytes,
    entries: Sequence[bytes] | None = None,
) -> bytes:
    """The add-checkpoint request body: ``old <n>``, the proof lines, then (the RealDID
    extension) one ``realdid-entry <base64>`` line per entry since the old size, an
    empty line, and the signed checkpoint."""
    lines = [f"old {old_size}", *(base64.b64encode(p).decode() for p in proof)]
    lines += [f"{ENTRY_LINE} {base64.b64encode(e).decode()}" for e in entries or ()]
    return ("\n".join(lines) + "\n\n").encode() + signed_checkpoint


def parse_add_checkpoint(body: bytes) -> AddCheckpointRequest:
    """Parse an add-checkpoint body (raises WitnessRefusalError(400)). Proof lines
    come first, then entry lines; every base64 value must be canonical."""
    head, sep, checkpoint = body.partition(b"\n\n")
    if not sep:
        raise WitnessRefusalError(400, "request: no empty line before the checkpoint")
    try:
        lines = head.decode().split("\n")
    except UnicodeDecodeError:
        raise WitnessRefusalError(400, "request: not UTF-8") from None
    if not lines[0].startswith("old ") or not is_canonical_decimal(lines[0][4:]):
        raise WitnessRefusalError(400, "request: malformed old size line")
    proof: list[bytes] = []
    entries: list[bytes] | None = None
    try:
        for line in lines[1:]:
            name, space, value = line.partition(" ")
            if space and name == ENTRY_LINE:
                entries = [] if entries is None else entries
                entries.append(decode_base64(value, "entry"))
            elif entries is None:
                proof.append(decode_base64(line, "proof"))
            else:
                raise WitnessRefusalError(400, "request: a proof line after the entries")
    except DecodeError as exc:
        raise WitnessRefusalError(400, f"request: {exc}") from None
    if len(proof) > _MAX_PROOF or any(len(p) != HASH_SIZE for p in proof):
        raise WitnessRefusalError(400, "request: want at most 63 proof lines of 32 bytes")
    return AddCheckpointRequest(
        int(lines[0][4:]), tuple(proof), checkpoint, None if entries is None else tuple(entries)
    )
