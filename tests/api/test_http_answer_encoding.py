"""HttpLogSource bounds the bytes a server sends, not what a decoder makes of them
(docs/ledger.md §8): it asks for identity and refuses a compressed answer unread.

Before, httpx inflated each network chunk in full before the 1 MiB check: one
64 KiB chunk of gzip was 64 MiB of zeros, 192 MB at the peak.
"""

from __future__ import annotations

import tracemalloc
import zlib
from collections.abc import Iterator

import httpx
import pytest

from realdid.errors import DecodeError
from realdid.ledger.http import MAX_ANSWER_BYTES, HttpLogSource, LedgerHttpError

CHUNK = 64 * 1024


def _gzip_bomb(size: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: the gzip format
    return compressor.compress(bytes(size)) + compressor.flush()


BOMB = _gzip_bomb(200 << 20)  # 200 MiB of zeros in about 200 KiB


class _CountingStream(httpx.SyncByteStream):
    """The body in network-sized chunks, counting how many the client pulled."""

    def __init__(self, body: bytes) -> None:
        self.body, self.pulled = body, 0

    def __iter__(self) -> Iterator[bytes]:
        for start in range(0, len(self.body), CHUNK):
            self.pulled += 1
            yield self.body[start : start + CHUNK]


class _Server:
    def __init__(self, body: bytes, encoding: str | None, status: int = 200) -> None:
        self.body, self.encoding, self.status = body, encoding, status
        self.requests: list[httpx.Request] = []
        self.streams: list[_CountingStream] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        stream = _CountingStream(self.body)
        self.streams.append(stream)
        headers = {"content-type": "text/plain"}
        if self.encoding is not None:
            headers["content-encoding"] = self.encoding
        return httpx.Response(self.status, headers=headers, stream=stream)

    def source(self) -> HttpLogSource:
        client = httpx.Client(base_url="http://ledger.test", transport=httpx.MockTransport(self))
        return HttpLogSource("http://ledger.test", client)


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br", "GZIP", "gzip, identity"])
def test_a_compressed_answer_is_refused_unread(encoding: str) -> None:
    server = _Server(BOMB, encoding)
    tracemalloc.start()
    try:
        with pytest.raises(DecodeError, match="Content-Encoding"):
            server.source().latest_checkpoint()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert server.requests[0].headers["accept-encoding"] == "identity"
    assert server.streams[0].pulled == 0  # not one byte of the body read
    assert peak < 8 << 20, f"peak {peak >> 20} MiB while refusing a gzip answer"


def test_a_compressed_error_answer_is_still_an_http_error() -> None:
    server = _Server(BOMB, "gzip", status=503)
    with pytest.raises(LedgerHttpError, match=r"^ledger API 503: $"):
        server.source().latest_checkpoint()
    assert server.streams[0].pulled == 0


def test_an_identity_answer_is_read_up_to_the_bound_as_sent() -> None:
    """Identity (named or implied) is read raw; the bound counts bytes on the wire."""
    for encoding in (None, "identity", " Identity "):
        server = _Server(b"checkpoint text\n", encoding)
        assert server.source().latest_checkpoint() == b"checkpoint text\n"
    server = _Server(bytes(4 * MAX_ANSWER_BYTES), None)
    with pytest.raises(DecodeError, match="larger than"):
        server.source().latest_checkpoint()
    assert server.streams[0].pulled <= MAX_ANSWER_BYTES // CHUNK + 1
