"""Trustees review before they release anything; they decrypt only the authority's
blinded copy, checked against the request; a share only ever opens what was asked;
anyone can audit an opening and name who cheated."""

from __future__ import annotations

import pytest
from tools.ledger_world import trustees_body

from realdid.credentials.opening import OpeningEvidence, seal_of
from realdid.credentials.request import Ask
from realdid.credentials.schemas import IDENTITY
from realdid.crypto._backend import Scalar
from realdid.crypto.escrow_blinding import BlindedCiphertext, _prove
from realdid.crypto.groups import escrow_base
from realdid.crypto.randomness import random_scalar
from realdid.crypto.threshold import NotEnoughSharesError, PartialDecryption
from realdid.errors import InvalidArgumentError, VerificationError
from realdid.ledger.entries import (
    EntryType,
    OpeningBlindingBody,
    OpeningShareBody,
    b64url,
    unb64url,
)
from realdid.sandbox import Nation
from realdid.trustee.opening import (
    BadBlindingError,
    BadShareError,
    OpeningFiling,
    check_opening,
    file_opening_request,
)
from realdid.verifier.relying_party import RelyingParty
from tests.people import new_citizen
from tests.published import file_by_hand


def _account_evidence(nation: Nation, rp: RelyingParty) -> tuple[int, OpeningEvidence]:
    wallet = nation.enroll(new_citizen(nation))
    query = [Ask(id="identity", schema_id=IDENTITY.schema_id)]
    signed = rp.sign_in(wallet.present(rp.request(query, purpose="account")))
    return signed.account.id, OpeningEvidence(*rp.accounts.evidence(signed.account.id)[0])


def _escrow(nation: Nation, evidence: OpeningEvidence) -> bytes:
    escrow = seal_of(nation.view(), evidence)[2].escrow
    assert escrow is not None
    return escrow.encode()


def test_trustees_refuse_what_is_not_a_proper_opening_request(nation: Nation) -> None:
    bank, forum = nation.services["bank-1"], nation.services["forum-a"]
    _, evidence = _account_evidence(nation, bank)
    trustee = nation.trustees[0]
    with pytest.raises(InvalidArgumentError):  # entry 0 is the genesis, not a request
        trustee.review(0, evidence)
    # The court checks before filing: evidence for another service, or a presentation
    # that is not the one made for that request, is not filed.
    with pytest.raises(InvalidArgumentError, match="another service"):
        file_opening_request(nation.court, nation.ledger, view=nation.view(), case="C-1",
                             warrant=b"w", service=forum.did, evidence=evidence)  # fmt: skip
    _, other = _account_evidence(nation, bank)
    swapped = OpeningEvidence(evidence.statement, other.presentation)
    with pytest.raises(VerificationError):
        file_opening_request(nation.court, nation.ledger, view=nation.view(), case="C-2",
                             warrant=b"w", service=bank.did, evidence=swapped)  # fmt: skip
    # The ledger refuses a ciphertext labelled for another service than the request's.
    with pytest.raises(InvalidArgumentError, match="labelled for another service"):
        file_by_hand(nation, case="C-1", service=forum.did, evidence=evidence,
                     escrow=_escrow(nation, evidence))  # fmt: skip
    # A careless court files the swapped evidence with the genuine ciphertext: the
    # trustees and the authority find the presentation is not for that request.
    filed = file_by_hand(nation, case="C-2", service=bank.did, evidence=swapped,
                         escrow=_escrow(nation, evidence))  # fmt: skip
    with pytest.raises(VerificationError):
        trustee.review(filed, swapped)
    with pytest.raises(VerificationError):  # the authority reviews as the trustees do
        nation.authority.blind_opening(filed, swapped)


def test_evidence_must_be_the_requests_own(nation: Nation) -> None:
    """The evidence travels off the ledger: the request's digest and ciphertext pin it."""
    bank = nation.services["bank-1"]
    _, evidence_a = _account_evidence(nation, bank)
    _, evidence_b = _account_evidence(nation, bank)
    a = _file(nation, evidence_a, "C-11")
    trustee = nation.trustees[0]
    # Another account's (valid) evidence handed over with A's request: wrong digest.
    for attempt in (
        lambda: trustee.review(a.index, evidence_b),
        lambda: nation.authority.blind_opening(a.index, evidence_b),
    ):
        with pytest.raises(VerificationError, match="not the one the request names"):
            attempt()
    # A request whose digest is B's evidence but whose ciphertext is A's (well formed,
    # labelled for the bank): blinding it would decrypt A under B's review.
    mixed = file_by_hand(nation, case="C-12", service=bank.did, evidence=evidence_b,
                         escrow=_escrow(nation, evidence_a))  # fmt: skip
    for attempt in (
        lambda: trustee.review(mixed, evidence_b),
        lambda: nation.authority.blind_opening(mixed, evidence_b),
    ):
        with pytest.raises(VerificationError, match="escrow is not the request's ciphertext"):
            attempt()
    trustee.review(a.index, evidence_a)  # the right evidence passes
    with pytest.raises(InvalidArgumentError):  # not the evidence type at all
        trustee.review(a.index, (evidence_a.statement, evidence_a.presentation))  # type: ignore[arg-type]


def _file(nation: Nation, evidence: OpeningEvidence, case: str) -> OpeningFiling:
    return file_opening_request(
        nation.court,
        nation.ledger,
        view=nation.view(),
        case=case,
        warrant=b"w",
        service=nation.services["bank-1"].did,
        evidence=evidence,
        clock=nation.clock,
    )


def _approve(nation: Nation, filed: OpeningFiling, blinding: int, trustees: range) -> list[int]:
    desks = [nation.trustees[i] for i in trustees]
    return [t.approve(t.review(filed.index, filed.evidence), blinding) for t in desks]


def test_a_share_opens_only_its_own_request(nation: Nation) -> None:
    bank = nation.services["bank-1"]
    person_a = new_citizen(nation)
    wallet = nation.enroll(person_a)
    query = [Ask(id="identity", schema_id=IDENTITY.schema_id)]
    signed = bank.sign_in(wallet.present(bank.request(query, purpose="account")))
    evidence_a = OpeningEvidence(*bank.accounts.evidence(signed.account.id)[0])
    _, evidence_b = _account_evidence(nation, bank)
    filed_a, filed_b = _file(nation, evidence_a, "C-3"), _file(nation, evidence_b, "C-4")
    a, b = filed_a.index, filed_b.index
    blind_a = nation.authority.blind_opening(a, evidence_a)
    blind_b = nation.authority.blind_opening(b, evidence_b)
    shares_a = _approve(nation, filed_a, blind_a, range(3))
    with pytest.raises(InvalidArgumentError):  # A's shares are not B's
        check_opening(nation.view(), b, blind_b, shares_a)
    with pytest.raises(InvalidArgumentError):  # nor is A's blinding B's
        nation.trustees[3].approve(nation.trustees[3].review(b, evidence_b), blind_a)
    check_opening(nation.view(), a, blind_a, shares_a)
    assert nation.authority.identify_opening(a, blind_a, shares_a) == person_a
    shares_b = _approve(nation, filed_b, blind_b, range(2, 5))  # any three
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
    a, b = _file(nation, evidence_a, "C-6").index, _file(nation, evidence_b, "C-7").index
    good_b = nation.authority.blind_opening(b, evidence_b)
    view, trustee = nation.view(), nation.trustees[0]
    copy_of_b = BlindedCiphertext.decode(unb64url(view.entry(good_b).body["blinded"]))
    # A blinding of another request's ciphertext, filed for A: the authority would get B
    # decrypted under A's warrant. The trustees refuse before decrypting, and say who.
    wrong = _sign_blinding(nation, a, copy_of_b)
    with pytest.raises(BadBlindingError) as named:
        trustee.approve(trustee.review(a, evidence_a), wrong)
    assert (named.value.author, named.value.entry) == (nation.authority.did, wrong)
    with pytest.raises(BadBlindingError):  # anyone auditing says the same
        check_opening(nation.view(), a, wrong, [])
    # The same blinded copy refiled under a second request for the same evidence: the
    # proof is bound to the request's entry hash.
    again = _file(nation, evidence_b, "C-8").index
    reused = _sign_blinding(nation, again, copy_of_b)
    with pytest.raises(BadBlindingError):
        trustee.approve(trustee.review(again, evidence_b), reused)


def test_a_blinding_by_zero_is_named_when_the_shares_are_combined(nation: Nation) -> None:
    """b = 0 passes the proof of knowledge (the trustees cannot see it) and reveals
    nothing (the shares give s·y = V'); the combination refuses it, naming the author."""
    _, evidence = _account_evidence(nation, nation.services["bank-1"])
    index = _file(nation, evidence, "C-10").index
    opening = nation.trustees[0].review(index, evidence)
    zero = _prove(opening.ciphertext, opening.trustees.joint_key, opening.entry_hash,
                  Scalar(0), Scalar(5))  # fmt: skip
    blinding = _sign_blinding(nation, index, zero)
    shares = [t.approve(t.review(index, evidence), blinding) for t in nation.trustees[:3]]
    for attempt in (
        lambda: check_opening(nation.view(), index, blinding, shares),
        lambda: nation.authority.identify_opening(index, blinding, shares),
    ):
        with pytest.raises(BadBlindingError, match="b = 0") as named:
            attempt()
        assert named.value.author == nation.authority.did


def test_fewer_than_k_shares_open_nothing_even_for_the_authority(nation: Nation) -> None:
    _, evidence = _account_evidence(nation, nation.services["bank-1"])
    filed = _file(nation, evidence, "C-9")
    index = filed.index
    blinding = nation.authority.blind_opening(index, evidence)
    shares = _approve(nation, filed, blinding, range(2))
    for attempt in (
        lambda: check_opening(nation.view(), index, blinding, shares),
        lambda: nation.authority.identify_opening(index, blinding, shares),
    ):
        with pytest.raises(NotEnoughSharesError) as refused:
            attempt()
        assert refused.value.threshold == 3


def _forged_share(request: int, blinding: int, index: int) -> OpeningShareBody:
    """A well-formed share under ``index`` whose proof does not verify."""
    forged = PartialDecryption(
        index, escrow_base() * random_scalar(), random_scalar(), random_scalar()
    )
    return OpeningShareBody(request=request, blinding=blinding, share=b64url(forged.to_bytes()))


def test_evidence_sealed_to_a_former_trustee_set_still_opens_with_that_set(
    nation: Nation,
) -> None:
    """A new ceremony re-assigns the indexes (the same trustees, reversed): shares are
    checked against the set the escrow was sealed to, by the ledger and by anyone, so
    honest shares count and a forged one names its true author (docs/crypto.md §11)."""
    bank = nation.services["bank-1"]
    _, evidence = _account_evidence(nation, bank)
    view = nation.view()
    ids = tuple(t.identity for t in nation.trustees)
    body = trustees_body(tuple(reversed(ids)), 3)  # trustee-5 is now 1, ..., trustee-1 is 5
    prev = view.latest_index("trustees")
    entry = nation.authority.identity.sign(EntryType.TRUSTEES, body, int(nation.clock()), prev)
    nation.ledger.append(entry)
    filed = _file(nation, evidence, "C-5")
    index = filed.index
    review = nation.trustees[0].review(index, evidence)
    assert review.trustees.joint_key != nation.view().trustees().joint_key  # the old set
    blinding = nation.authority.blind_opening(index, evidence)
    t5 = nation.trustees[4]
    honest = _approve(nation, filed, blinding, range(2))  # t1, t2: indexes 1, 2 when sealed
    # trustee-5 posts a share under index 1 (its index in the new set, trustee-1's in the
    # sealed one): the ledger refuses it.
    share = _forged_share(index, blinding, 1)
    with pytest.raises(InvalidArgumentError, match="got index 1, want 5"):
        nation.ledger.append(t5.identity.sign(EntryType.OPENING_SHARE, share, 0))
    # Under its own sealed index it is admitted, and the audit names trustee-5.
    forged5 = PartialDecryption(
        5, escrow_base() * random_scalar(), random_scalar(), random_scalar()
    )
    share5 = OpeningShareBody(request=index, blinding=blinding, share=b64url(forged5.to_bytes()))
    bad = nation.ledger.append(t5.identity.sign(EntryType.OPENING_SHARE, share5, 0))
    with pytest.raises(BadShareError) as named:
        check_opening(nation.view(), index, blinding, [*honest, bad])
    assert named.value.trustees == (t5.identity.did,)
    honest += _approve(nation, filed, blinding, range(2, 3))
    check_opening(nation.view(), index, blinding, honest)
    assert nation.authority.identify_opening(index, blinding, honest)
