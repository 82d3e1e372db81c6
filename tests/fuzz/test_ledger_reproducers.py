"""The campaign's escapes in the ledger package, minimised by hand. The ledger helpers own
``realdid.ledger``; these stay strict xfails until ``decode_entry`` reads entries with
:mod:`realdid.strictjson` (then they pass and the marks must go). The full reproducers
are in ``tests/fuzz/corpus/ledger.entry/``."""

from __future__ import annotations

import pytest

from realdid.errors import RealDIDError
from realdid.ledger.entries import decode_entry

OWNED = pytest.mark.xfail(strict=True, reason="owned by ledger helper")


@OWNED
@pytest.mark.parametrize(
    "octets",
    [
        pytest.param(b"[" * 5000 + b"]" * 5000, id="deep-json-RecursionError"),
        pytest.param(b'{"v":' + b"1" * 5000 + b"}", id="int-digit-limit-ValueError"),
    ],
)
def test_decode_entry_raises_only_typed_errors(octets: bytes) -> None:
    with pytest.raises(RealDIDError):
        decode_entry(octets)
