"""Trustees review before they release anything; a share only ever opens what was asked."""

from __future__ import annotations

import pytest

from realdid.credentials.request import Ask
from realdid.credentials.schemas import IDENTITY
from realdid.errors import InvalidArgumentError, VerificationError
from realdid.sandbox import Nation
from realdid.trustee.opening import combine, file_opening_request
from realdid.verifier.relying_party import RelyingParty
from tests.people import new_citizen


def _account_evidence(nation: Nation, rp: RelyingParty) -> tuple[int, tuple[bytes, bytes]]:
    wallet = nation.enroll(new_citizen(nation))
    query = [Ask(id="identity", schema_id=IDENTITY.schema_id)]
    signed = rp.sign_in(wallet.present(rp.request(query, purpose="account")))
    return signed.account.id, rp.accounts.evidence(signed.account.id)[0]


def test_trustees_refuse_what_is_not_a_proper_opening_request(nation: Nation) -> None:
    bank = nation.services["bank-1"]
    _, (request, presentation) = _account_evidence(nation, bank)
    trustee = nation.trustees[0]
    with pytest.raises(InvalidArgumentError):  # entry 0 is the genesis, not a request
        trustee.review(0)
    # Evidence filed under another service: the ciphertext's label names the bank.
    moved = file_opening_request(nation.court, nation.ledger, case="C-1", warrant=b"w",
                                 service=nation.services["forum-a"].did,
                                 evidence=(request, presentation), clock=nation.clock)  # fmt: skip
    with pytest.raises(VerificationError):
        trustee.review(moved)
    # A presentation that is not the one made for that request.
    _, (_, other_presentation) = _account_evidence(nation, bank)
    swapped = file_opening_request(nation.court, nation.ledger, case="C-2", warrant=b"w",
                                   service=bank.did, evidence=(request, other_presentation),
                                   clock=nation.clock)  # fmt: skip
    with pytest.raises(VerificationError):
        trustee.review(swapped)


def test_a_share_opens_only_its_own_request(nation: Nation) -> None:
    bank = nation.services["bank-1"]
    _, evidence_a = _account_evidence(nation, bank)
    _, evidence_b = _account_evidence(nation, bank)
    a = file_opening_request(
        nation.court,
        nation.ledger,
        case="C-3",
        warrant=b"w",
        service=bank.did,
        evidence=evidence_a,
        clock=nation.clock,
    )
    b = file_opening_request(nation.court, nation.ledger, case="C-4", warrant=b"w",
                             service=bank.did, evidence=evidence_b, clock=nation.clock)  # fmt: skip
    shares_a = [t.approve(t.review(a)) for t in nation.trustees[:3]]
    with pytest.raises(InvalidArgumentError):  # A's shares are not B's
        combine(nation.view(), b, shares_a)
    first = combine(nation.view(), a, shares_a)
    shares_b = [t.approve(t.review(b)) for t in nation.trustees[2:]]
    second = combine(nation.view(), b, shares_b)  # any three of five
    assert first != second


def test_evidence_sealed_to_a_former_trustee_set_still_opens_with_that_set(
    nation: Nation,
) -> None:
    from tools.ledger_world import trustees_body

    from realdid.ledger.entries import EntryType

    bank = nation.services["bank-1"]
    _, evidence = _account_evidence(nation, bank)
    view = nation.view()
    body = trustees_body(tuple(t.identity for t in nation.trustees), 3)  # a new ceremony
    prev = view.latest_index("trustees")
    entry = nation.authority.identity.sign(EntryType.TRUSTEES, body, int(nation.clock()), prev)
    nation.ledger.append(entry)
    index = file_opening_request(
        nation.court, nation.ledger, case="C-5", warrant=b"w", service=bank.did,
        evidence=evidence, clock=nation.clock,
    )  # fmt: skip
    review = nation.trustees[0].review(index)
    assert review.trustees.joint_key != nation.view().trustees().joint_key  # the old set
    shares = [t.approve(t.review(index)) for t in nation.trustees[:3]]
    assert combine(nation.view(), index, shares)
