"""What the ledger shows of an opening: that it happened, for which case and service,
with every step's proof — and nothing that names the person or links two openings
(docs/crypto.md §11). Every field is read as the public would, encodings undone."""

from __future__ import annotations

from collections.abc import Iterable

from realdid.authority.population import Person
from realdid.credentials.opening import OpeningEvidence
from realdid.credentials.request import Ask
from realdid.credentials.schemas import IDENTITY
from realdid.ledger.entries import Entry, b64url
from realdid.sandbox import Nation
from realdid.trustee.opening import OpeningFiling, check_opening, file_opening_request
from realdid.wallet.wallet import Wallet
from tests.people import new_citizen
from tests.published import published, shows, unfold

WINDOW = 32


def _sign_in(nation: Nation, wallet: Wallet) -> tuple[int, bytes, OpeningEvidence]:
    """A bank account sign-in that shows the bank the resident id (its permission)."""
    bank = nation.services["bank-1"]
    query = [Ask(id="identity", schema_id=IDENTITY.schema_id, disclose=("resident_id",))]
    signed = bank.sign_in(wallet.present(bank.request(query, purpose="account")))
    latest = bank.accounts.evidence(signed.account.id)[-1]
    return signed.account.id, signed.account.pseudonym, OpeningEvidence(*latest)


def _open(nation: Nation, evidence: OpeningEvidence, case: str) -> list[Entry]:
    """A whole opening; returns its entries (request, blinding, three shares)."""
    filed: OpeningFiling = file_opening_request(
        nation.court, nation.ledger, view=nation.view(), case=case, warrant=case.encode(),
        service=nation.services["bank-1"].did, evidence=evidence, clock=nation.clock,
    )  # fmt: skip
    blinding = nation.authority.blind_opening(filed.index, evidence)
    shares = [t.approve(t.review(filed.index, evidence), blinding) for t in nation.trustees[:3]]
    check_opening(nation.view(), filed.index, blinding, shares)
    view = nation.view()
    return [view.entry(i) for i in (filed.index, blinding, *shares)]


def _windows(fields: Iterable[bytes]) -> set[bytes]:
    return {f[i : i + WINDOW] for f in fields for i in range(len(f) - WINDOW + 1)}


def test_two_openings_of_one_account_show_no_person_and_nothing_linking(
    nation: Nation,
) -> None:
    person: Person = new_citizen(nation)
    wallet = nation.enroll(person)
    account, pseudonym, first = _sign_in(nation, wallet)
    again, _, second = _sign_in(nation, wallet)  # a later sign-in: same account, new proof
    assert again == account
    assert first != second
    other_person = new_citizen(nation)
    _, other_pseudonym, third = _sign_in(nation, nation.enroll(other_person))
    secrets = (pseudonym, person.resident_id.encode(), person.name.encode())
    # The evidence holds all of them, and the decoder finds them there (a live probe).
    for secret in secrets[:2]:
        assert shows(unfold(b64url(first.presentation)), secret)
    assert shows(unfold(b64url(third.presentation)), other_pseudonym)

    openings = [_open(nation, ev, case) for ev, case in ((first, "K-1"), (second, "K-2"),
                                                         (third, "K-3"))]  # fmt: skip
    public = [published(entries) for entries in openings]
    for fields in public[:2]:
        for secret in secrets:
            assert not shows(fields, secret)
        assert not shows(fields, first.presentation[:64])
    assert not shows(public[2], other_pseudonym)
    assert not shows(public[2], other_person.resident_id.encode())
    # What two openings of one account have in common (32-byte strings, group elements
    # included) is no more than what an opening of someone else shares with the first:
    # field names, DIDs, the service, the trustee set — constants, not a person.
    # (Field by field: the JSON around them would add chance matches of a few letters.)
    by_field = [published(entries, raw=False) for entries in openings]
    same = _windows(by_field[0]) & _windows(by_field[1])
    unrelated = _windows(by_field[0]) & _windows(by_field[2])
    assert same <= unrelated
    # The same comparison over the evidence (what the ledger held before) finds the link.
    evidence = [_windows(unfold(b64url(e.presentation))) for e in (first, second)]
    assert pseudonym[:WINDOW] in evidence[0] & evidence[1]


def test_the_request_entry_carries_only_digests_the_ciphertext_and_the_case(
    nation: Nation,
) -> None:
    _, _, evidence = _sign_in(nation, nation.enroll(new_citizen(nation)))
    request = _open(nation, evidence, "K-4")[0]
    assert set(request.body) == {
        "case", "warrant_digest", "service", "trustees", "evidence_digest", "escrow",
    }  # fmt: skip
    assert request.body["evidence_digest"] == b64url(evidence.digest)
