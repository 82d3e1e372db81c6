"""Single-use, expiring requests, answered on their own day only."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from realdid import db
from realdid.credentials.nonces import NonceStore
from realdid.credentials.request import PresentationRequest
from realdid.errors import NotFoundError, ReplayError
from tests.credentials.test_request import GOOD

#: 2026-11-24 00:00 UTC, the day GOOD is about.
DAY = int(datetime.datetime(2026, 11, 24, tzinfo=datetime.UTC).timestamp())


def test_a_nonce_is_answered_once_and_not_after_it_expires(tmp_path: Path) -> None:
    store = NonceStore(db.open_engine(f"sqlite:///{tmp_path / 'n.db'}"))
    request = PresentationRequest.parse(json.dumps({**GOOD, "expires_at": DAY + 100}))
    store.remember(request)
    assert store.pending(request.nonce, DAY + 50) == request
    assert store.pending(request.nonce, DAY + 50) == request  # looking changes nothing
    with pytest.raises(ReplayError):
        store.pending(request.nonce, DAY + 101)
    with pytest.raises(ReplayError):
        store.consume(request.nonce, DAY + 101)
    store.consume(request.nonce, DAY + 50)
    with pytest.raises(ReplayError):
        store.consume(request.nonce, DAY + 50)
    with pytest.raises(ReplayError):
        store.pending(request.nonce, DAY + 50)
    with pytest.raises(NotFoundError):
        store.pending("never-issued", DAY + 50)
    assert store.purge(DAY + 99) == 0
    assert store.purge(DAY + 101) == 1
    with pytest.raises(NotFoundError):
        store.pending(request.nonce, DAY + 50)


def test_a_request_is_answered_on_its_own_day_only(tmp_path: Path) -> None:
    """The stored day fixes the bounds an answer is checked against: a request made for
    another day than the verifier's today (crafted, or made before midnight) is refused,
    unexpired or not, and stays unused."""
    store = NonceStore(db.open_engine(f"sqlite:///{tmp_path / 'n.db'}"))
    request = PresentationRequest.parse(json.dumps({**GOOD, "expires_at": DAY + 3 * 86400}))
    store.remember(request)
    for now, day in ((DAY - 1, "2026-11-23"), (DAY + 86400, "2026-11-25")):
        with pytest.raises(ReplayError, match=f"made for 2026-11-24, answered on {day}"):
            store.pending(request.nonce, now)
    assert store.pending(request.nonce, DAY) == request  # the first and last second count
    assert store.pending(request.nonce, DAY + 86399) == request
    store.consume(request.nonce, DAY + 86399)
