"""The log operator: appends admitted entries, signs checkpoints, serves proofs.

1. ``append``: inside the store's write transaction, bring the registry up
   to the index the entry will get (other processes may have written), then
   check the entry against it; the store commits, and only then is the
   entry acknowledged and applied.
2. ``checkpoint``: sign (origin, size, root, ``realdid-state`` root) as a
   C2SP note and keep a snapshot of the state tree for lookups against it.
   One text per size: at a size already checkpointed it returns the stored
   note, cosignatures and all, and never signs a second text.
3. ``cosign``: offer the checkpoint to each witness with a consistency proof
   from the size it last cosigned and the entries since then (the witness
   re-derives the state root); attach the cosignatures it returns.
4. Proofs: inclusion, consistency, and lookups (an entry, its inclusion
   proof and its state proof, against one checkpoint).

The log is trusted for nothing: everything it serves is checked by the
light client (:mod:`realdid.ledger.client`).
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from realdid.errors import InvalidArgumentError, NotFoundError, VerificationError
from realdid.ledger.checkpoint import STATE_EXTENSION, Checkpoint
from realdid.ledger.entries import decode_entry
from realdid.ledger.note import Note, NoteSigner, sign_note
from realdid.ledger.registry import Registry
from realdid.ledger.rfc9162 import consistency_proof, inclusion_proof
from realdid.ledger.smt import SparseMerkleTree
from realdid.ledger.stores.base import LedgerStore
from realdid.ledger.witness import Witness, WitnessRefusalError

__all__ = ["Log", "Lookup"]


@dataclass(frozen=True, slots=True)
class Lookup:
    """A state key's latest entry (or its absence), with every proof, at one checkpoint."""

    checkpoint: bytes  # the signed (cosigned) note
    key: str
    index: int | None
    entry: bytes | None
    inclusion: tuple[bytes, ...]
    state_proof: bytes


class Log:
    def __init__(self, store: LedgerStore, signer: NoteSigner) -> None:
        self.store = store
        self.signer = signer
        self.registry = Registry()
        self._lock = threading.RLock()
        self._snapshots: dict[int, tuple[bytes, SparseMerkleTree]] = {}
        self._sync_to(store.size())

    @property
    def origin(self) -> str:
        if self.registry.origin is None:
            raise InvalidArgumentError("log: no genesis entry yet")
        return self.registry.origin

    def _sync_to(self, size: int) -> None:
        """Replay entries other writers committed, up to ``size``."""
        if self.registry.size < size:
            for octets in self.store.entries(self.registry.size, size):
                self.registry.apply_committed(octets)

    def append(self, entry: bytes) -> int:
        """Append ``entry`` if its author may write it; returns its index once committed.

        1. ``decode_entry``: size, strict JSON, envelope, canonical form, body,
           signature encoding — nothing that needs state, so it runs before
           any lock and junk traffic never queues behind (or delays) a write;
        2. under the log's lock and inside the store's write transaction:
           the stateful admission (author, key, signature, rules, ``prev``).

        Raises what Registry.check raises (nothing is written then), or StoreError.
        """
        decoded = decode_entry(entry)
        with self._lock:

            def validate(index: int) -> None:
                self._sync_to(index)
                self.registry.check(entry, decoded)

            index = self.store.append(entry, validate)
            self.registry.apply(entry, decoded)
            return index

    def checkpoint(self) -> bytes:
        """Sign a checkpoint of the current log and registry state; returns the note."""
        with self._lock:
            size = self.store.size()
            self._sync_to(size)
            state = base64.b64encode(self.registry.state.root).decode()
            cp = Checkpoint(
                self.origin, size, self.store.root(size), (f"{STATE_EXTENSION} {state}",)
            )
            latest = self.store.latest_checkpoint()
            stored = None if latest is None else Note.parse(latest).text
            if latest is not None and stored and Checkpoint.parse(stored).size == size:
                if stored != cp.text():  # the log never signs two texts for one size
                    raise VerificationError(
                        f"log: size {size} is already checkpointed with another text"
                    )
                if size not in self._snapshots:
                    self._snapshots = {size: (latest, self.registry.state.copy())}
                return latest  # unchanged: keep the cosignatures it gathered
            note = sign_note(cp.text(), [self.signer])
            self.store.save_checkpoint(size, note)
            self._snapshots = {size: (note, self.registry.state.copy())}
            return note

    def cosign(self, witnesses: Sequence[Witness]) -> bytes:
        """Collect cosignatures on the latest checkpoint; store and return the cosigned note.

        A witness that refuses (it saw a different history, or is behind and
        the retry fails too) simply adds no cosignature: clients requiring a
        quorum then refuse the checkpoint.
        """
        with self._lock:
            note = self.store.latest_checkpoint()
            if note is None:
                note = self.checkpoint()
            parsed = Note.parse(note)
            cp = Checkpoint.parse(parsed.text)
            signatures = list(parsed.signatures)
            for witness in witnesses:
                mine = (witness.signer.verifier.name, witness.signer.verifier.key_id)
                stored = witness.state.get(cp.origin)
                old = 0 if stored is None else stored.size
                try:
                    proof = consistency_proof(self.store, old, cp.size) if 0 < old < cp.size else []
                    entries = self.store.entries(old, cp.size) if old < cp.size else []
                    cosignature = witness.add_checkpoint(old, proof, note, entries)
                except (WitnessRefusalError, InvalidArgumentError):
                    continue
                if witness.signer.verifier.verify(parsed.text, cosignature):  # only good ones
                    signatures = [s for s in signatures if (s.name, s.key_id) != mine]
                    signatures.append(cosignature)  # a fresher time replaces the old line
            cosigned = Note(parsed.text, tuple(signatures)).encode()
            self.store.save_checkpoint(cp.size, cosigned)
            if cp.size in self._snapshots:
                self._snapshots[cp.size] = (cosigned, self._snapshots[cp.size][1])
            return cosigned

    def latest_checkpoint(self) -> bytes:
        note = self.store.latest_checkpoint()
        return self.checkpoint() if note is None else note

    def entry(self, index: int) -> bytes:
        return self.store.entry(index)

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        return inclusion_proof(self.store, index, size)

    def consistency_proof(self, size1: int, size2: int) -> list[bytes]:
        """RFC 9162 §2.1.4.1; NotFoundError if the log holds fewer than ``size2`` entries
        (a light client trusting ``size2`` then knows the log lost entries)."""
        held = self.store.size()
        if size2 > held:
            raise NotFoundError(f"consistency proof: got size {size2}, the log holds {held}")
        return consistency_proof(self.store, size1, size2)

    def lookup(self, key: str) -> Lookup:
        """``key``'s latest entry at the latest checkpoint, with inclusion and state proofs."""
        with self._lock:
            note = self.latest_checkpoint()
            cp = Checkpoint.parse(Note.parse(note).text)
            snapshot = self._snapshots.get(cp.size)
            if snapshot is None:  # e.g. after a restart: rebuild the state at that size
                replayed = Registry()
                for octets in self.store.entries(0, cp.size):
                    replayed.apply_committed(octets)
                snapshot = (note, replayed.state)
                self._snapshots[cp.size] = snapshot
            state = snapshot[1]
            value = state.get(key)
            proof = state.prove(key).encode()
            if value is None:
                return Lookup(note, key, None, None, (), proof)
            index = int.from_bytes(value[:8], "big")
            inclusion = tuple(inclusion_proof(self.store, index, cp.size))
            return Lookup(note, key, index, self.store.entry(index), inclusion, proof)
