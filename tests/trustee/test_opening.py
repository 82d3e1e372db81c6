"""Trustees review before they release anything; they decrypt only the authority's
blinded copy, checked against the request; a share only ever opens what was asked;
anyone can audit an opening and name who cheated."""

from __future__ import annotations

import pytest

from realdid.credentials.request import Ask
from realdid.credentials.schemas import IDENTITY
from realdid.crypto._backend import Scalar
from realdid.crypto.escrow_blinding import BlindedCiphertext, _prove
from realdid.crypto.threshold import NotEnoughSharesError
from realdid.errors import InvalidArgumentError, VerificationError
from realdid.ledger.entries import EntryType, OpeningBlindingBody, b64url, unb64url
from realdid.sandbox import Nation
from realdid.trustee.opening import BadBlindingError, check_opening, file_opening_request
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
    for bad in (moved, swapped):  # the authority reviews as the trustees do: no blinding
        with pytest.raises(VerificationError):
            nation.authority.blind_opening(bad)


def _file(nation: Nation, evidence: tuple[bytes, bytes], case: str) -> int:
    return file_opening_request(
        nation.court,
        nation.ledger,
        case=case,
        warrant=b"w",
        service=nation.services["bank-1"].did,
        evidence=evidence,
        clock=nation.clock,
    )


def test_a_share_opens_only_its_own_request(nation: Nation) -> None:
    bank = nation.services["bank-1"]
    person_a = new_citizen(nation)
    wallet = nation.enroll(person_a)
    query = [Ask(id="identity", schema_id=IDENTITY.schema_id)]
    signed = bank.sign_in(wallet.present(bank.request(query, purpose="account")))
    evidence_a = bank.accounts.evidence(signed.account.id)[0]
    _, evidence_b = _account_evidence(nation, bank)
    a, b = _file(nation, evidence_a, "C-3"), _file(nation, evidence_b, "C-4")
    blind_a, blind_b = nation.authority.blind_opening(a), nation.authority.blind_opening(b)
    shares_a = [t.approve(t.review(a), blind_a) for t in nation.trustees[:3]]
    with pytest.raises(InvalidArgumentError):  # A's shares are not B's
        check_opening(nation.view(), b, blind_b, shares_a)
    with pytest.raises(InvalidArgumentError):  # nor is A's blinding B's
        nation.trustees[3].approve(nation.trustees[3].review(b), blind_a)
    check_opening(nation.view(), a, blind_a, shares_a)
    assert nation.authority.identify_opening(a, blind_a, shares_a) == person_a
    shares_b = [t.approve(t.review(b), blind_b) for t in nation.trustees[2:]]  # any three
    check_opening(nation.view(), b, blind_b, shares_b)
    other = nation.authority.identify_opening(b, blind_b, shares_b)
    assert other != person_a


def _sign_blinding(nation: Nation, request: int, blinded: BlindedCiphertext) -> int:
    body = OpeningBlindingBody(request=request, blinded=b64url(blinded.encode()))
    authority = nation.authority.identity
    return nation.ledger.append(authority.sign(EntryType.OPENING_BLINDING, body, 0))


def test_a_wrong_blinding_is_refused_by_trustees_and_names_the_authority(nation: Nation) -> None:
    bank = nation.services["bank-1"]
    _, evidence_a = _account_evidence(nation, bank)
    _, evidence_b = _account_evidence(nation, bank)
    a, b = _file(nation, evidence_a, "C-6"), _file(nation, evidence_b, "C-7")
    good_b = nation.authority.blind_opening(b)
    view, trustee = nation.view(), nation.trustees[0]
    copy_of_b = BlindedCiphertext.decode(unb64url(view.entry(good_b).body["blinded"]))
    # A blinding of another request's ciphertext, filed for A: the authority would get B
    # decrypted under A's warrant. The trustees refuse before decrypting, and say who.
    wrong = _sign_blinding(nation, a, copy_of_b)
    with pytest.raises(BadBlindingError) as named:
        trustee.approve(trustee.review(a), wrong)
    assert (named.value.author, named.value.entry) == (nation.authority.did, wrong)
    with pytest.raises(BadBlindingError):  # anyone auditing says the same
        check_opening(nation.view(), a, wrong, [])
    # The same blinded copy refiled under a second request for the same evidence: the
    # proof is bound to the request's entry hash.
    again = _file(nation, evidence_b, "C-8")
    reused = _sign_blinding(nation, again, copy_of_b)
    with pytest.raises(BadBlindingError):
        trustee.approve(trustee.review(again), reused)


def test_a_blinding_by_zero_is_named_when_the_shares_are_combined(nation: Nation) -> None:
    """b = 0 passes the proof of knowledge (the trustees cannot see it) and reveals
    nothing (the shares give s·y = V'); the combination refuses it, naming the author."""
    _, evidence = _account_evidence(nation, nation.services["bank-1"])
    index = _file(nation, evidence, "C-10")
    opening = nation.trustees[0].review(index)
    zero = _prove(opening.ciphertext, opening.trustees.joint_key, opening.entry_hash,
                  Scalar(0), Scalar(5))  # fmt: skip
    blinding = _sign_blinding(nation, index, zero)
    shares = [t.approve(t.review(index), blinding) for t in nation.trustees[:3]]
    for attempt in (
        lambda: check_opening(nation.view(), index, blinding, shares),
        lambda: nation.authority.identify_opening(index, blinding, shares),
    ):
        with pytest.raises(BadBlindingError, match="b = 0") as named:
            attempt()
        assert named.value.author == nation.authority.did


def test_fewer_than_k_shares_open_nothing_even_for_the_authority(nation: Nation) -> None:
    _, evidence = _account_evidence(nation, nation.services["bank-1"])
    index = _file(nation, evidence, "C-9")
    blinding = nation.authority.blind_opening(index)
    shares = [t.approve(t.review(index), blinding) for t in nation.trustees[:2]]
    for attempt in (
        lambda: check_opening(nation.view(), index, blinding, shares),
        lambda: nation.authority.identify_opening(index, blinding, shares),
    ):
        with pytest.raises(NotEnoughSharesError) as refused:
            attempt()
        assert refused.value.threshold == 3


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
    blinding = nation.authority.blind_opening(index)
    shares = [t.approve(t.review(index), blinding) for t in nation.trustees[:3]]
    check_opening(nation.view(), index, blinding, shares)
    assert nation.authority.identify_opening(index, blinding, shares)
