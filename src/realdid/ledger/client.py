"""The light client: trusts a log only as far as it can check it.

It keeps the last checkpoint it trusted and, on every read:

1. accepts a checkpoint only with the log's signature and at least ``quorum``
   cosignatures from its configured witnesses;
2. moves forward only with a consistency proof from the trusted checkpoint
   (equal size: the same text) — a rewritten, reordered or forked log fails
   here, and the two conflicting signed checkpoints are kept as
   :attr:`LightClient.evidence`; a log that now serves fewer entries than the
   client trusts, and cannot prove its checkpoint a prefix of the trusted one,
   is a :class:`LogRollbackError` (truncated or rolled back: two checkpoints
   of different sizes are not, by themselves, evidence of a fork);
3. checks every entry it returns with an inclusion proof against the
   trusted root, and every lookup with a state proof against the trusted
   checkpoint's ``realdid-state`` root.

An error fetching a proof (a 503, a truncated answer) is not a failed
proof: it propagates as it is, and no fork or rollback is claimed.

Clients that gossip checkpoints (:meth:`LightClient.compare`) also catch a
log showing them different views; with a witness quorum such a split view
cannot even be cosigned.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from realdid.errors import DecodeError, InvalidArgumentError, NotFoundError, VerificationError
from realdid.ledger.checkpoint import Checkpoint, CosignatureVerifier
from realdid.ledger.entries import Entry, decode_entry
from realdid.ledger.log import Lookup
from realdid.ledger.note import Note, NoteVerifier, Signature, open_note
from realdid.ledger.registry import Registry, state_key_of
from realdid.ledger.rfc9162 import EMPTY_ROOT, hash_leaf, verify_consistency, verify_inclusion
from realdid.ledger.smt import SmtProof, lookup_value, verify_lookup

__all__ = [
    "CLOCK_SKEW",
    "ForkDetectedError",
    "LightClient",
    "LogRollbackError",
    "LogSource",
    "TrustPolicy",
]

#: Seconds a cosignature's time may lie ahead of the client's clock and still count
#: under ``max_age`` (clocks differ a little; a cosignature from the future does not).
CLOCK_SKEW = 60


class ForkDetectedError(VerificationError):
    """Two signed checkpoints that cannot both be true; ``evidence`` holds both notes."""

    def __init__(self, message: str, evidence: tuple[bytes, bytes]) -> None:
        self.evidence = evidence
        super().__init__(message)


class LogRollbackError(VerificationError):
    """The log serves a checkpoint smaller than the trusted one and cannot prove it a
    prefix of it: entries were lost (a truncated store, a restored backup) or the
    log rolled back. ``served`` and ``trusted`` are the two sizes."""

    def __init__(self, served: int, trusted: int) -> None:
        self.served = served
        self.trusted = trusted
        super().__init__(
            f"log rollback: it serves size {served} without proof that it is a prefix"
            f" of the trusted size {trusted} (truncated or rolled back)"
        )


class LogSource(Protocol):
    """Where a client reads from: the log in process, or its HTTP API."""

    def latest_checkpoint(self) -> bytes: ...

    def consistency_proof(self, size1: int, size2: int) -> list[bytes]: ...

    def inclusion_proof(self, index: int, size: int) -> list[bytes]: ...

    def entry(self, index: int) -> bytes: ...

    def lookup(self, key: str) -> Lookup: ...


@dataclass(frozen=True)
class TrustPolicy:
    """What a client is configured with: the origin, the log's key, witnesses, quorum.

    List only witnesses that run RealDID's protocol (they re-derive the
    ``realdid-state`` root before cosigning, :mod:`realdid.ledger.witness`): a
    standard tlog witness's cosignature vouches for the tree, not the state."""

    origin: str
    log_key: NoteVerifier
    witnesses: tuple[CosignatureVerifier, ...] = ()
    quorum: int = 0
    #: Seconds: count only cosignatures at most this old (tlog-cosignature's time line),
    #: which bounds how stale a view a log can show even a client that trusts nothing yet.
    max_age: int | None = None

    def __post_init__(self) -> None:
        keys = [w.public_key for w in self.witnesses]
        if len(set(keys)) != len(keys):
            raise InvalidArgumentError("trust policy: one witness key listed twice")
        if not 0 <= self.quorum <= len(keys):
            raise InvalidArgumentError("trust policy: quorum must be between 0 and the witnesses")


@dataclass
class LightClient:
    policy: TrustPolicy
    source: LogSource
    trusted: Checkpoint | None = None
    trusted_note: bytes | None = None
    evidence: list[tuple[bytes, bytes]] = field(default_factory=list)
    clock: Callable[[], int] = field(default=lambda: int(time.time()))

    def verify_checkpoint(self, note: bytes) -> Checkpoint:
        """The log's signature and a quorum of witness cosignatures, or VerificationError."""
        cp, parsed = self._log_signed(note)
        self._require_quorum(parsed)
        return cp

    def _log_signed(self, note: bytes) -> tuple[Checkpoint, Note]:
        """The checkpoint, if the log signed it for our origin (cosignatures not counted)."""
        try:
            parsed, _ = open_note(note, [self.policy.log_key])
            cp = Checkpoint.parse(parsed.text)
        except DecodeError as exc:
            raise VerificationError(f"checkpoint: {exc}") from None
        if cp.origin != self.policy.origin:
            raise VerificationError("checkpoint: another log's origin")
        return cp, parsed

    def _require_quorum(self, parsed: Note) -> None:
        cosigned = self._count_cosignatures(parsed.text, parsed.signatures)
        if cosigned < self.policy.quorum:
            raise VerificationError(
                f"checkpoint: {cosigned} witness cosignatures, want {self.policy.quorum}"
            )

    def _count_cosignatures(self, text: str, signatures: Sequence[Signature]) -> int:
        """Distinct configured witnesses whose cosignature verifies.

        Lines are checked one by one: a corrupt or forged line from one
        witness (or from whoever relayed the note) must not cancel the
        others', so it is ignored rather than failing the whole note.
        """
        keys = {(w.name, w.key_id): w for w in self.policy.witnesses}
        now = self.clock()
        oldest = None if self.policy.max_age is None else now - self.policy.max_age
        valid = set()
        for signature in signatures:
            witness = keys.get((signature.name, signature.key_id))
            if witness is None or not witness.verify(text, signature):
                continue
            if oldest is not None and not (
                oldest <= witness.timestamp(signature) <= now + CLOCK_SKEW
            ):
                continue  # too old to say anything about the log's present, or from the future
            valid.add(witness.public_key)
        return len(valid)

    def _fork(self, message: str, other: bytes) -> ForkDetectedError:
        assert self.trusted_note is not None
        pair = (self.trusted_note, other)
        self.evidence.append(pair)
        return ForkDetectedError(message, pair)

    def accept(self, note: bytes) -> Checkpoint:
        """Move the trusted checkpoint to ``note`` if it extends it (or equals it).

        Two log-signed texts for the trusted size are a fork whatever their
        cosignatures: the log's own signatures are the evidence."""
        cp, parsed = self._log_signed(note)
        old = self.trusted
        if old is not None and cp.size == old.size and cp.text() != old.text():
            raise self._fork("two different checkpoints of the same size", note)  # one per size
        self._require_quorum(parsed)
        if old is None:
            self.trusted, self.trusted_note = cp, note
            return cp
        if cp.size < old.size:
            try:
                extends = self._extends(cp, old)
            except NotFoundError:  # the log itself says it holds no tree of the trusted size
                extends = False
            if not extends:
                # Not evidence of a fork: a log that lost entries fails here too.
                raise LogRollbackError(cp.size, old.size)
            return old  # an old view: keep ours
        if cp.size == old.size:
            return old  # the same text (checked above)
        if not self._extends(old, cp):
            raise self._fork("the new checkpoint does not extend the trusted one", note)
        self.trusted, self.trusted_note = cp, note
        return cp

    def _extends(self, first: Checkpoint, second: Checkpoint) -> bool:
        """Whether ``second``'s tree extends ``first``'s (``first.size < second.size``).

        Only a proof that fails to verify says no. Fetching it is not checking
        it: a transport error (a 503, a lagging replica's 404, a truncated
        answer) proves nothing either way, so it propagates unchanged and no
        fork or rollback is claimed. Every tree extends the empty one, which
        has no consistency proof (RFC 9162 §2.1.4: 0 < first size): from size
        0 the answer is whether ``first`` holds the empty tree's root.
        """
        if first.size == 0:
            return first.root_hash == EMPTY_ROOT
        proof = self.source.consistency_proof(first.size, second.size)  # errors propagate
        try:
            verify_consistency(first.size, second.size, proof, first.root_hash, second.root_hash)
        except VerificationError:
            return False
        return True

    def update(self) -> Checkpoint:
        return self.accept(self.source.latest_checkpoint())

    def compare(self, peer_note: bytes) -> None:
        """Gossip: check a checkpoint another client trusts against ours."""
        self.accept(peer_note)

    def entry(self, index: int) -> Entry:
        """Entry ``index``, proved included in the trusted tree."""
        return decode_entry(self.entry_bytes(index))

    def entry_bytes(self, index: int) -> bytes:
        """Leaf ``index`` as stored, proved included (even one a reader would refuse:
        on a chain a refused entry keeps its place, and replay must see it)."""
        cp = self._current()
        octets = self.source.entry(index)
        proof = self.source.inclusion_proof(index, cp.size)
        verify_inclusion(index, cp.size, hash_leaf(octets), proof, cp.root_hash)
        return octets

    def _current(self) -> Checkpoint:
        return self.update() if self.trusted is None else self.trusted

    def lookup(self, key: str) -> Entry | None:
        """``key``'s latest entry (None: no such key), with inclusion and state proofs."""
        found = self.locate(key)
        return None if found is None else found[1]

    def locate(self, key: str) -> tuple[int, Entry] | None:
        """``key``'s latest entry and its log index (what a new entry's ``prev`` names)."""
        self._current()  # a client with nothing trusted yet first takes the log's latest view
        answer = self.source.lookup(key)
        # accept() first: it checks the log's signature, one text per size (a second
        # text at the trusted size is a fork, kept as evidence, quorum or not), then the
        # quorum and the consistency with what we trust (older, equal or newer).
        self.accept(answer.checkpoint)
        cp, _ = self._log_signed(answer.checkpoint)
        assert self.trusted is not None
        if cp.size < self.trusted.size:  # an old state could hide a retirement we already saw
            raise VerificationError(
                f"lookup: answered at size {cp.size}, older than the trusted {self.trusted.size}"
            )
        state_root = cp.state_root
        if state_root is None or answer.key != key:
            raise VerificationError("lookup: no state root, or an answer for another key")
        proof = SmtProof.decode(answer.state_proof)
        if answer.index is None or answer.entry is None:
            verify_lookup(state_root, key, None, proof)
            return None
        leaf = hash_leaf(answer.entry)
        verify_lookup(state_root, key, lookup_value(answer.index, leaf), proof)
        verify_inclusion(answer.index, cp.size, leaf, answer.inclusion, cp.root_hash)
        entry = decode_entry(answer.entry)
        if state_key_of(entry) != key:
            raise VerificationError("lookup: the entry is not for that key")
        return answer.index, entry

    def entries(self, indexes: Sequence[int]) -> list[Entry]:
        return [self.entry(i) for i in indexes]

    def replay(self) -> Registry:
        """The registry the trusted checkpoint's entries give, each proved included,
        checked against the checkpoint: its ``realdid-state`` root, and its origin named
        by the genesis entry (another deployment's entries, or this log's previous
        generation's, under this origin are not this log's history). VerificationError
        otherwise. Entries a reader refuses keep their place (as on a chain)."""
        cp = self._current()
        registry = Registry()
        for index in range(cp.size):
            registry.apply_committed(self.entry_bytes(index))
        if cp.size > 0 and registry.origin != cp.origin:
            raise VerificationError(
                f"origin: got {cp.origin!r}, the genesis entry names {registry.origin!r}"
            )
        if cp.state_root != registry.state.root:
            raise VerificationError("realdid-state: not the state root the entries give")
        return registry
