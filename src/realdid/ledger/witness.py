"""A witness: cosigns a log's checkpoint only if it extends the last one it cosigned.

https://c2sp.org/tlog-witness. Each trustee runs one. For every origin it
knows, the witness keeps the (size, root) it last cosigned; a request
carries the size it believes the witness holds, a consistency proof from
there, and the new signed checkpoint. The outcomes, with tlog-witness's HTTP
status codes:

    404  unknown origin               403  not signed by the log's key
    400  malformed, or old size > new 409  old size is not the stored size
    422  the consistency proof fails  200  the cosignature

Check and store are one atomic compare-and-set, so two concurrent requests
cannot both advance from the same state; a witness therefore never cosigns
two checkpoints that are not consistent, which is what lets clients that
see k cosignatures trust that nobody was shown a different history.
"""

from __future__ import annotations

import base64
import binascii
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from realdid.errors import RealDIDError
from realdid.ledger.checkpoint import Checkpoint, CosignatureSigner, is_canonical_decimal
from realdid.ledger.note import Note, NoteVerifier, Signature, open_note
from realdid.ledger.rfc9162 import EMPTY_ROOT, HASH_SIZE, verify_consistency

__all__ = [
    "MemoryWitnessState",
    "Witness",
    "WitnessRefusalError",
    "WitnessState",
    "format_add_checkpoint",
    "parse_add_checkpoint",
]


class WitnessRefusalError(RealDIDError):
    """The witness will not cosign; ``status`` is tlog-witness's HTTP code."""

    def __init__(self, status: int, message: str, *, stored_size: int | None = None) -> None:
        self.status = status
        self.stored_size = stored_size
        super().__init__(message)


class WitnessState(Protocol):
    """Where a witness keeps, per origin, the (size, root) it last cosigned."""

    def get(self, origin: str) -> tuple[int, bytes] | None: ...

    def compare_and_set(
        self, origin: str, old: tuple[int, bytes] | None, new: tuple[int, bytes]
    ) -> bool: ...


class MemoryWitnessState:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state: dict[str, tuple[int, bytes]] = {}

    def get(self, origin: str) -> tuple[int, bytes] | None:
        with self._lock:
            return self._state.get(origin)

    def compare_and_set(
        self, origin: str, old: tuple[int, bytes] | None, new: tuple[int, bytes]
    ) -> bool:
        with self._lock:
            if self._state.get(origin) != old:
                return False
            self._state[origin] = new
            return True


@dataclass
class Witness:
    signer: CosignatureSigner
    logs: Mapping[str, NoteVerifier]
    state: WitnessState = field(default_factory=MemoryWitnessState)
    clock: Callable[[], int] = field(default=lambda: int(time.time()))

    def add_checkpoint(
        self, old_size: int, proof: Sequence[bytes], signed_checkpoint: bytes
    ) -> Signature:
        """Cosign ``signed_checkpoint`` if it extends the stored checkpoint (see module doc)."""
        try:
            checkpoint = Checkpoint.parse(Note.parse(signed_checkpoint).text)
        except RealDIDError as exc:
            raise WitnessRefusalError(400, f"malformed checkpoint: {exc}") from None
        log = self.logs.get(checkpoint.origin)
        if log is None:
            raise WitnessRefusalError(404, "unknown log origin")
        try:
            open_note(signed_checkpoint, [log])
        except RealDIDError:
            raise WitnessRefusalError(403, "checkpoint not signed by the log's key") from None
        if type(old_size) is not int or not 0 <= old_size <= checkpoint.size:
            raise WitnessRefusalError(400, "old size is above the new size")
        stored = self.state.get(checkpoint.origin)
        stored_size, stored_root = stored if stored is not None else (0, EMPTY_ROOT)
        if old_size != stored_size:
            raise WitnessRefusalError(409, "old size is not the witness's", stored_size=stored_size)
        new = (checkpoint.size, checkpoint.root_hash)
        if checkpoint.size == 0 and checkpoint.root_hash != EMPTY_ROOT:
            raise WitnessRefusalError(422, "size 0 with a non-empty root")
        try:
            if old_size == 0:
                if proof:
                    raise WitnessRefusalError(422, "a proof from the empty tree must be empty")
            else:
                verify_consistency(
                    old_size, checkpoint.size, proof, stored_root, checkpoint.root_hash
                )
        except RealDIDError as exc:
            if isinstance(exc, WitnessRefusalError):
                raise
            raise WitnessRefusalError(422, f"consistency proof fails: {exc}") from None
        if not self.state.compare_and_set(checkpoint.origin, stored, new):
            current = self.state.get(checkpoint.origin)
            raise WitnessRefusalError(
                409, "raced with another update", stored_size=current and current[0]
            )
        note = Note.parse(signed_checkpoint)
        return self.signer.cosign(note.text, self.clock())


def format_add_checkpoint(old_size: int, proof: Sequence[bytes], signed_checkpoint: bytes) -> bytes:
    """The tlog-witness add-checkpoint request body."""
    lines = [f"old {old_size}"] + [base64.b64encode(p).decode() for p in proof]
    return ("\n".join(lines) + "\n\n").encode() + signed_checkpoint


def parse_add_checkpoint(body: bytes) -> tuple[int, list[bytes], bytes]:
    """Parse a tlog-witness add-checkpoint body (raises WitnessRefusalError(400))."""
    head, sep, checkpoint = body.partition(b"\n\n")
    if not sep:
        raise WitnessRefusalError(400, "request: no empty line before the checkpoint")
    try:
        lines = head.decode().split("\n")
        if not lines[0].startswith("old "):
            raise ValueError
        size = lines[0][4:]
        if not is_canonical_decimal(size):
            raise ValueError
        proof = [base64.b64decode(line, validate=True) for line in lines[1:]]
    except (UnicodeDecodeError, ValueError, binascii.Error):
        raise WitnessRefusalError(400, "request: malformed old size or proof") from None
    if len(proof) > 64 or any(len(p) != HASH_SIZE for p in proof):
        raise WitnessRefusalError(400, "request: malformed proof")
    return int(size), proof, checkpoint
