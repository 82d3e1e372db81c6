"""did:realdid resolution (DID Core §7.1) from the ledger, with proofs."""

from __future__ import annotations

from realdid.credentials.did import DID_CONTEXT, parse_did, resolve
from realdid.ledger.entries import EntryType
from realdid.ledger.identity import LedgerIdentity
from realdid.sandbox import Nation


def test_an_institution_resolves_with_its_metadata(nation: Nation) -> None:
    result = resolve(nation.view(), "did:realdid:bank-1")
    assert result.did_resolution_metadata == {"contentType": "application/did+ld+json"}
    assert result.did_document is not None
    assert result.did_document["@context"] == list(DID_CONTEXT)
    assert result.did_document["id"] == "did:realdid:bank-1"
    assert result.did_document["name"] == "National Bank"
    meta = result.did_document_metadata
    assert meta["created"] == meta["updated"]
    assert "deactivated" not in meta
    assert int(meta["versionId"]) > 0


def test_the_method_specific_id() -> None:
    assert parse_did("did:realdid:forum-a") == "forum-a"


def test_not_found_invalid_updated_and_deactivated(nation: Nation) -> None:
    view = nation.view()
    assert resolve(view, "did:realdid:nobody").did_resolution_metadata == {"error": "notFound"}
    for bad in ("did:web:example.com", "did:realdid:UPPER", "did:realdid:", "realdid:x"):
        assert resolve(view, bad).did_resolution_metadata == {"error": "invalidDid"}
    # The court rotates its key, then the authority deactivates it.
    court = nation.court
    rotated = LedgerIdentity.generate(court.did, court.name, "ledger-2")
    key = f"did:{court.did}"
    view.refresh()
    nation.ledger.append(
        court.sign(
            EntryType.DID_UPDATE,
            {"document": rotated.document().model_dump(mode="json")},
            int(nation.clock()),
            view.latest_index(key),
        )
    )
    view.refresh()
    updated = resolve(view, court.did)
    assert updated.did_document is not None
    assert updated.did_document["authentication"] == [f"{court.did}#ledger-2"]
    version = updated.did_document_metadata["versionId"]
    nation.ledger.append(
        nation.authority.identity.sign(
            EntryType.RETIRE,
            {"state_key": key, "reason": "closed"},
            int(nation.clock()),
            view.latest_index(key),
        )
    )
    view.refresh()
    gone = resolve(view, court.did)
    assert gone.did_document_metadata["deactivated"] is True
    assert gone.did_document_metadata["versionId"] == version  # the last document is kept
    assert gone.did_document == updated.did_document
