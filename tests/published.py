"""What the public can read in ledger entries, every encoding undone: for the tests
that show an opening names nobody and links nothing (docs/crypto.md §11)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from realdid.credentials.opening import OpeningEvidence
from realdid.errors import DecodeError
from realdid.ledger.entries import Entry, EntryType, OpeningRequestBody, b64url, unb64url
from realdid.sandbox import Nation


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def unfold(text: str) -> Iterator[bytes]:
    yield text.encode()
    try:
        raw = unb64url(text)
    except DecodeError:
        return
    yield raw
    try:
        inner = json.loads(raw)
    except ValueError:
        return
    for s in _strings(inner):
        yield from unfold(s)


def published(entries: Iterable[Entry], *, raw: bool = True) -> list[bytes]:
    """Each entry's canonical bytes (unless ``raw`` is False), and every string in its
    JSON with each base64url value decoded (and any JSON inside decoded again)."""
    out: list[bytes] = []
    for entry in entries:
        if raw:
            out.append(entry.encode())
        for text in _strings(entry.model_dump(mode="json")):
            out.extend(unfold(text))
    return out


def shows(haystack: Iterable[bytes], needle: bytes) -> bool:
    return any(needle in h for h in haystack)


def file_by_hand(
    nation: Nation,
    *,
    case: str,
    service: str,
    evidence: OpeningEvidence,
    escrow: bytes,
    trustees: int | None = None,
) -> int:
    """A court's opening.request built without the court's own check of the evidence:
    what a careless court could file, for the trustees' and the authority's review
    to refuse. ``escrow`` is any well-formed ciphertext (the ledger checks it)."""
    view = nation.view()
    body = OpeningRequestBody(
        case=case,
        warrant_digest=b64url(bytes(32)),
        service=service,
        trustees=view.trustee_sets()[-1][0] if trustees is None else trustees,
        evidence_digest=b64url(evidence.digest),
        escrow=b64url(escrow),
    )
    entry = nation.court.sign(EntryType.OPENING_REQUEST, body, int(nation.clock()))
    return nation.ledger.append(entry)
