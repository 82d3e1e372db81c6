"""Entries from outside: hostile JSON is a DecodeError, and everything that needs no
state is checked before the log takes its write lock or opens a write transaction."""

from __future__ import annotations

import re
from pathlib import Path
from types import TracebackType

import pytest
from tools.ledger_world import T0, ledger_world

from realdid.errors import DecodeError
from realdid.ledger.entries import EntryType, b64url, decode_entry
from realdid.ledger.log import Log
from realdid.ledger.note import NoteSigner
from realdid.ledger.stores.base import Validator
from realdid.ledger.stores.sql import SqlStore

KEY = NoteSigner.generate("realdid-log")


def _good() -> bytes:
    """The next epoch, as the authority signs it after the world's setup."""
    prev = len(ledger_world().setup) - 1
    return ledger_world().authority.sign(
        EntryType.EPOCH, {"epoch": 12, "starts": "2026-12-01"}, T0, prev
    )


def _hostile() -> dict[str, tuple[bytes, str]]:
    """Malformed entries, each with what the DecodeError must say."""
    good = _good()
    match = re.search(rb'"sig":"([A-Za-z0-9_-]+)"', good)
    assert match is not None
    sig = match.group(1)
    return {
        "4 KB of brackets": (b"[" * 2048 + b"]" * 2048, "nested deeper"),
        "deep objects": (b'{"a":' * 500 + b"1" + b"}" * 500, "nested deeper"),
        "a 5000-digit integer": (b'{"time":1' + b"0" * 5000 + b"}", "integer outside"),
        "an unsafe integer": (good.replace(b'"time":', b'"time":9007199254740992,"x":'), "outside"),
        "1e400": (good.replace(b'"body":{', b'"body":{"a":1e400,'), "number out of range"),
        "NaN": (good.replace(b'"prev":', b'"prev":NaN,"x":'), "NaN"),
        "a repeated member": (good.replace(b'{"author"', b'{"author":"x","author"'), "twice"),
        "not UTF-8": (good.replace(b"2026-12-01", b"2026-12-\xff1"), "UTF-8"),
        "not JSON": (b'{"v":1,', "not JSON"),
        "a list": (b"[]", "entry"),
        "a 63-byte signature": (good.replace(sig, b64url(bytes(63)).encode()), "64 bytes"),
        "a non-canonical signature": (good.replace(sig, sig[:-1] + b"B"), "base64url"),
        "a non-canonical entry": (good.replace(b'"v":1', b'"v": 1'), "canonical"),
    }


@pytest.mark.parametrize("name", list(_hostile()))
def test_hostile_entries_are_decode_errors(name: str) -> None:
    octets, says = _hostile()[name]
    with pytest.raises(DecodeError, match=says):
        decode_entry(octets)


def test_the_good_entry_decodes() -> None:
    """The control for the replacements above: each edits a real, valid entry."""
    good = _good()
    assert decode_entry(good).encode() == good
    for octets, _ in _hostile().values():
        assert octets != good


class _WatchedStore(SqlStore):
    """Counts write transactions: a malformed body must never open one."""

    appends = 0

    def append(self, entry: bytes, validate: Validator | None = None) -> int:
        self.appends += 1
        return super().append(entry, validate)


class _NoLockForJunk:
    """Stands in for the log's write lock and fails any attempt to take it."""

    taken = 0

    def __enter__(self) -> None:
        self.taken += 1
        raise AssertionError("the write lock was taken")

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None


def _log(tmp_path: Path) -> tuple[Log, _WatchedStore]:
    store = _WatchedStore.sqlite(tmp_path / "ledger.db")
    assert isinstance(store, _WatchedStore)
    log = Log(store, KEY)
    for entry in ledger_world().setup:
        log.append(entry)
    store.appends = 0
    return log, store


def test_malformed_bodies_never_reach_the_write_transaction(tmp_path: Path) -> None:
    log, store = _log(tmp_path)
    size = store.size()
    for octets, says in _hostile().values():
        with pytest.raises(DecodeError, match=says):
            log.append(octets)
    assert store.appends == 0
    assert log.append(_good()) == size
    assert store.appends == 1


def test_malformed_bodies_never_take_the_log_lock(tmp_path: Path) -> None:
    log, _ = _log(tmp_path)
    lock = _NoLockForJunk()
    log._lock = lock  # type: ignore[assignment]  # instrumented: the lock the log holds to write
    for octets, says in _hostile().values():
        with pytest.raises(DecodeError, match=says):
            log.append(octets)
    assert lock.taken == 0
    with pytest.raises(AssertionError, match="lock was taken"):  # a real write does take it
        log.append(_good())
    assert lock.taken == 1
