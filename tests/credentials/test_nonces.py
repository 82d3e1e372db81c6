"""Single-use, expiring requests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from realdid import db
from realdid.credentials.nonces import NonceStore
from realdid.credentials.request import PresentationRequest
from realdid.errors import NotFoundError, ReplayError
from tests.credentials.test_request import GOOD


def test_a_nonce_is_answered_once_and_not_after_it_expires(tmp_path: Path) -> None:
    store = NonceStore(db.open_engine(f"sqlite:///{tmp_path / 'n.db'}"))
    request = PresentationRequest.parse(json.dumps({**GOOD, "expires_at": 100}))
    store.remember(request)
    assert store.pending(request.nonce, 50) == request
    assert store.pending(request.nonce, 50) == request  # looking changes nothing
    with pytest.raises(ReplayError):
        store.pending(request.nonce, 101)
    with pytest.raises(ReplayError):
        store.consume(request.nonce, 101)
    store.consume(request.nonce, 50)
    with pytest.raises(ReplayError):
        store.consume(request.nonce, 50)
    with pytest.raises(ReplayError):
        store.pending(request.nonce, 50)
    with pytest.raises(NotFoundError):
        store.pending("never-issued", 50)
    assert store.purge(99) == 0
    assert store.purge(101) == 1
    with pytest.raises(NotFoundError):
        store.pending(request.nonce, 50)
