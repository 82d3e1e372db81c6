"""A witness's state in one file: per origin, the checkpoint it last cosigned and the
snapshot behind it (the entries up to that size), replaced as one unit.

tlog-witness requires the check of the old size and the persisting of the new
checkpoint to be atomic; a RealDID witness must also never record a checkpoint
without the registry it re-derived for it, nor the reverse. Both live in one
JSON document, and :meth:`FileWitnessState.compare_and_set` rewrites it under
an exclusive ``flock`` (so two processes cannot both advance from one state):
written to a temporary file, fsynced, renamed over the old one (POSIX rename
is atomic), and the directory fsynced — a crash leaves the old record or the
new one, never half of each. On load the registry is rebuilt by replaying the
entries, which must give the recorded checkpoint's root and state root.

    {"v": 1, "logs": {"<origin>": {"checkpoint": "<text>", "entries": ["<base64>", ...]}}}
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from realdid import strictjson
from realdid.db import StoreError
from realdid.errors import RealDIDError
from realdid.ledger.checkpoint import Checkpoint
from realdid.ledger.note import decode_base64
from realdid.ledger.witness import WitnessRecord, same_record

__all__ = ["FileWitnessState"]


class FileWitnessState:
    """:class:`realdid.ledger.witness.WitnessState` in one file (see module doc)."""

    def __init__(self, path: Path, *, keep_refused: bool = False) -> None:
        self.path = path
        self.keep_refused = keep_refused
        self._cache: dict[str, WitnessRecord] = {}

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock

    def _read(self) -> dict[str, tuple[str, list[str]]]:
        if not self.path.exists():
            return {}
        try:
            data = strictjson.loads(self.path.read_bytes(), what="witness state")
            if not isinstance(data, dict) or data.get("v") != 1:
                raise ValueError
            logs = data["logs"]
            out = {}
            for origin, record in logs.items():
                text, entries = record["checkpoint"], record["entries"]
                if not isinstance(text, str) or not isinstance(entries, list):
                    raise ValueError
                if not all(isinstance(e, str) for e in entries):
                    raise ValueError
                out[origin] = (text, list(entries))
        except (RealDIDError, ValueError, KeyError, TypeError, AttributeError, OSError):
            raise StoreError(f"witness state {self.path.name}: unreadable") from None
        return out

    def _record(self, origin: str, text: str, entries: list[str]) -> WitnessRecord:
        cached = self._cache.get(origin)
        if cached is not None and cached.text == text:
            return cached
        try:
            checkpoint = Checkpoint.parse(text)
            if checkpoint.origin != origin:
                raise StoreError(f"witness state {self.path.name}: a checkpoint of another log")
            record = WitnessRecord.replay(
                checkpoint,
                [decode_base64(e, "entry") for e in entries],
                keep_refused=self.keep_refused,
            )
        except RealDIDError as exc:
            raise StoreError(f"witness state {self.path.name}: {exc}") from None
        self._cache[origin] = record
        return record

    def get(self, origin: str) -> WitnessRecord | None:
        with self._locked():
            stored = self._read().get(origin)
        return None if stored is None else self._record(origin, *stored)

    def compare_and_set(self, origin: str, old: WitnessRecord | None, new: WitnessRecord) -> bool:
        with self._locked():
            logs = self._read()
            stored = logs.get(origin)
            current = None if stored is None else self._record(origin, *stored)
            if not same_record(current, old):
                return False
            logs[origin] = (new.text, [base64.b64encode(e).decode() for e in new.entries])
            self._write(logs)
            self._cache[origin] = new
            return True

    def _write(self, logs: dict[str, tuple[str, list[str]]]) -> None:
        body = {"v": 1, "logs": {o: {"checkpoint": t, "entries": e} for o, (t, e) in logs.items()}}
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(body, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)
        directory = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
