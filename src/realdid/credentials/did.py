"""The ``did:realdid`` method: institutions' DIDs, resolved from the ledger with proofs.

Specification: docs/did-method.md. In short::

    did-realdid = "did:realdid:" id
    id          = alnum *63( lowercase / DIGIT / "." / "-" )      (1 to 64 characters)

Create is the authority's ``authority.admit`` (or its own genesis), update is
``did.update``, deactivate is ``retire`` of ``did:<did>``; read is a lookup of
the state key ``did:<did>`` through the light client, so every resolution
carries an inclusion proof and a state proof (and "not found" is proved
too). Citizens have no DIDs: they appear nowhere on the ledger.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any, Final

from realdid.credentials.view import LedgerView
from realdid.errors import DecodeError
from realdid.ledger.entries import (
    DID_PATTERN,
    AdmitBody,
    DidUpdateBody,
    Entry,
    EntryType,
    GenesisBody,
)

__all__ = ["DID_CONTEXT", "Resolution", "parse_did", "resolve"]

DID_CONTEXT: Final = ("https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1")
_DID: Final = re.compile(DID_PATTERN)


def parse_did(did: str) -> str:
    """The method-specific id of a conformant ``did:realdid`` DID (DecodeError otherwise)."""
    if not isinstance(did, str) or not _DID.fullmatch(did):
        raise DecodeError("DID: not a did:realdid DID")
    return did.split(":", 2)[2]


@dataclass(frozen=True)
class Resolution:
    """DID Core §7.1's three outputs."""

    did_document: dict[str, Any] | None
    did_document_metadata: dict[str, Any] = field(default_factory=dict)
    did_resolution_metadata: dict[str, Any] = field(default_factory=dict)


def _time(entry: Entry) -> str:
    return datetime.datetime.fromtimestamp(entry.time, datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _document(entry: Entry) -> dict[str, Any]:
    body = entry.typed_body()
    assert isinstance(body, GenesisBody | AdmitBody | DidUpdateBody)
    return {"@context": list(DID_CONTEXT), **body.document.model_dump(mode="json")}


def resolve(view: LedgerView, did: str) -> Resolution:
    """Resolve ``did`` against the ledger (DID Core §7.1; errors as resolution metadata)."""
    try:
        parse_did(did)
    except DecodeError:
        return Resolution(None, {}, {"error": "invalidDid"})
    key = f"did:{did}"
    found = view.locate(key)
    if found is None:
        return Resolution(None, {}, {"error": "notFound"})
    index, latest = found
    chain = [(index, latest)]
    while chain[-1][1].prev is not None:
        prev = chain[-1][1].prev
        assert prev is not None
        chain.append((prev, view.entry(prev)))
    versions = [(i, e) for i, e in chain if e.type is not EntryType.RETIRE]
    current_index, current = versions[0]
    metadata: dict[str, Any] = {
        "created": _time(chain[-1][1]),
        "updated": _time(current),
        "versionId": str(current_index),
    }
    if latest.type is EntryType.RETIRE:
        metadata["deactivated"] = True
    return Resolution(_document(current), metadata, {"contentType": "application/did+ld+json"})
