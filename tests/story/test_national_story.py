"""The national story, end to end, on real stores (SQLite, then PostgreSQL).

Every party is the real library on its own database; the ledger is the
embedded log with five trustee witnesses; time moves on a shared clock.
Each chapter is one function, told in order by ``test_the_story``:

1. A small population enrolls (a wrong activation code changes nothing).
2. Alice registers at two forums: two pseudonyms; her second login and a
   second registration land on the same account; a replay is refused.
3. The hospital issues her medical summary and later sees blood type and
   allergies plus "verified resident" — nothing financial.
4. The bank issues her credit standing, sees it with escrow, and a transfer
   needs a step-up presentation bound to that transfer.
5. An influencer platform sees her name and the real-name badge.
6. Bob, 16, is refused by an adults-only site, which learns nothing.
7. A service asking beyond its registration is refused by the wallet: another
   attribute, or its registered age question with another bound.
8. Lawful openings of her two forum accounts name Alice to the authority
   with 3 trustees, fail with 2, name the trustee who sent a bad share, and
   are public on the ledger — which never says whom they named, nor that
   both named the same person.
9. A new epoch: Alice renews and keeps her pseudonyms; a revoked citizen
   cannot renew; an expired credential is refused without revealing when it
   expired.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from tools.postgres import fresh_database, postgres_server

from realdid.authority.population import generate
from realdid.credentials.opening import combine_opening
from realdid.credentials.request import Ask, PresentationRequest
from realdid.credentials.schemas import BADGE, CREDIT, IDENTITY, MEDICAL
from realdid.crypto._backend import encode_g1
from realdid.crypto.escrow import handle_index_key
from realdid.crypto.groups import escrow_base
from realdid.crypto.randomness import random_scalar
from realdid.crypto.threshold import NotEnoughSharesError, PartialDecryption
from realdid.errors import (
    AuthenticationError,
    PermissionDeniedError,
    ReplayError,
    RevokedError,
    StatementError,
    VerificationError,
)
from realdid.ledger.entries import (
    EntryType,
    OpeningBlindingBody,
    OpeningShareBody,
    b64url,
    decode_entry,
    unb64url,
)
from realdid.sandbox import ALICE, BOB, CAROL, DAVE, Nation, build_nation
from realdid.trustee.opening import BadShareError, check_opening, file_opening_request
from realdid.wallet.wallet import Wallet
from tests.published import published, shows

TODAY = datetime.date(2026, 11, 24)


ADULT = "adult"  # the forums' and the adults-only site's registered predicate


@dataclasses.dataclass
class Story:
    nation: Nation
    wallets: dict[str, Wallet] = dataclasses.field(default_factory=dict)
    forum_accounts: dict[str, int] = dataclasses.field(default_factory=dict)
    pseudonyms: dict[str, bytes] = dataclasses.field(default_factory=dict)


@contextlib.contextmanager
def _databases(backend: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    """One database per party: SQLite files, or fresh PostgreSQL databases."""
    names = [
        "ledger",
        "authority",
        "hospital-1",
        "bank-1",
        "telecom-1",
        "university-1",
        *(
            f"rp-{s}"
            for s in (
                "forum-a",
                "forum-b",
                "influencer-1",
                "adults-1",
                "hospital-1",
                "bank-1",
                "telecom-1",
                "university-1",
            )
        ),
    ]
    if backend == "sqlite":
        yield {n: f"sqlite:///{tmp_path / n}.db" for n in names}
        return
    with postgres_server() as admin, contextlib.ExitStack() as stack:
        yield {n: stack.enter_context(fresh_database(admin)) for n in names}


def _identity_query(*predicates: str, disclose: tuple[str, ...] = ()) -> Ask:
    return Ask(id="identity", schema_id=IDENTITY.schema_id, disclose=disclose,
               predicates=predicates)  # fmt: skip


def _forum_request(story: Story, forum: str, purpose: str = "registration") -> PresentationRequest:
    return story.nation.services[forum].request([_identity_query(ADULT)], purpose=purpose)


# --------------------------------------------------------------------------- chapters


def enrollment(story: Story) -> None:
    n = story.nation
    for person in generate(12, today=TODAY):  # the neighbours: the same counter, the same steps
        n.enroll(person)
    for person in (ALICE, BOB, CAROL, DAVE):
        wallet = n.wallet()
        code = n.authority.activation_code(person.resident_id)
        if person is ALICE:  # a wrong code first: refused, nothing but the attempt recorded
            with pytest.raises(AuthenticationError):
                n.authority.enroll(
                    wallet.enrollment_request(person.resident_id, person.name, "WRONGCODE1")
                )
            assert n.authority.registry.issued(person.resident_id) == []
        held = wallet.accept(
            n.authority.enroll(wallet.enrollment_request(person.resident_id, person.name, code))
        )
        assert held.credential.values["resident_id"] == person.resident_id
        story.wallets[person.name] = wallet
    everyone = [*generate(12, today=TODAY), ALICE, BOB, CAROL, DAVE]
    assert all(n.authority.registry.current_generation(p.resident_id) == 1 for p in everyone)
    with pytest.raises(AuthenticationError):  # a code works once
        n.authority.enroll(
            story.wallets[ALICE.name].enrollment_request(ALICE.resident_id, ALICE.name, "ANYTHING")
        )


def forums(story: Story) -> None:
    n, alice = story.nation, story.wallets[ALICE.name]
    for forum in ("forum-a", "forum-b"):
        request = _forum_request(story, forum)
        consent = alice.consent(request)
        assert consent.reveals == ()  # nothing but proofs: adult, valid, a pseudonym, escrow
        # The age question in the ledger's words, with the bound the wallet recomputed.
        assert "You are 18 or older (birth_date ≤ 2008-11-24)" in consent.proves
        assert any(
            "您已年满18周岁" in line for line in alice.consent(request, language="zh-CN").lines()
        )
        assert consent.escrow
        sign_in = n.services[forum].sign_in(alice.present(request))
        assert sign_in.created
        assert sign_in.presentation.disclosed == {"identity": {}}
        story.forum_accounts[forum] = sign_in.account.id
        story.pseudonyms[forum] = sign_in.account.pseudonym
    assert story.pseudonyms["forum-a"] != story.pseudonyms["forum-b"]  # unlinkable
    for purpose in ("login", "registration"):  # same account on her return, and if she re-registers
        request = _forum_request(story, "forum-a", purpose)
        vp = alice.present(request)
        again = n.services["forum-a"].sign_in(vp)
        assert (again.account.id, again.created) == (story.forum_accounts["forum-a"], False)
        with pytest.raises(ReplayError):  # the same answer twice
            n.services["forum-a"].sign_in(vp)
    assert n.services["forum-a"].accounts.count() == 1


def hospital(story: Story) -> None:
    n, alice = story.nation, story.wallets[ALICE.name]
    issuer = n.issuers["hospital-1"]
    issuer.add_record(
        ALICE.resident_id,
        {"blood_type": "AB+", "allergies": "penicillin", "chronic_conditions": "asthma"},
    )
    alice.accept(issuer.issue(alice.apply(issuer.offer(), MEDICAL.schema_id)))
    portal = n.services["hospital-1"]
    request = portal.request(
        [
            _identity_query(),
            Ask(id="medical", schema_id=MEDICAL.schema_id, disclose=("blood_type", "allergies")),
        ],
        purpose="care",
        pseudonym=True,
    )
    seen = portal.sign_in(alice.present(request)).presentation
    assert seen.disclosed == {
        "identity": {},
        "medical": {"blood_type": "AB+", "allergies": "penicillin"},
    }
    schemas = {q.schema_id for q in seen.request.credentials}
    assert CREDIT.schema_id not in schemas  # nothing financial was even asked


def bank(story: Story) -> None:
    n, alice = story.nation, story.wallets[ALICE.name]
    issuer, rp = n.issuers["bank-1"], n.services["bank-1"]
    issuer.add_record(ALICE.resident_id, {"credit_standing": "good", "credit_limit": 200_000})
    alice.accept(issuer.issue(alice.apply(issuer.offer(), CREDIT.schema_id)))
    queries = [
        _identity_query(),
        Ask(id="credit", schema_id=CREDIT.schema_id, disclose=("credit_standing",)),
    ]
    request = rp.request(queries, purpose="account")
    assert request.escrow  # the bank's registration requires it
    account = rp.sign_in(alice.present(request))
    assert account.presentation.disclosed["credit"] == {"credit_standing": "good"}
    assert account.presentation.escrow is not None
    transfer = json.dumps({"to": "CN12 3456", "amount": "50000.00", "currency": "CNY"}).encode()
    step_up = rp.step_up(transfer, queries, purpose="transfer")
    consent = alice.consent(step_up, transaction=transfer)  # she sees what she approves
    assert consent.transaction is not None
    assert "50000.00" in consent.transaction
    with pytest.raises(PermissionDeniedError):  # a different transaction shown than signed
        alice.consent(step_up, transaction=transfer.replace(b"50000", b"500"))
    with pytest.raises(PermissionDeniedError):  # a transaction shown that nothing signs
        alice.consent(request, transaction=transfer)
    rp.confirm(account.account, transfer, alice.present(step_up))
    other = rp.step_up(transfer, queries, purpose="transfer")
    with pytest.raises(VerificationError):  # bound to its transaction: not another one
        rp.confirm(account.account, transfer + b" (altered)", alice.present(other))


def influencer(story: Story) -> None:
    n, alice = story.nation, story.wallets[ALICE.name]
    alice.accept(n.authority.issue_badge(alice.apply(n.authority.badge_request(), BADGE.schema_id)))
    platform = n.services["influencer-1"]
    request = platform.request(
        [
            _identity_query(disclose=("name",)),
            Ask(id="badge", schema_id=BADGE.schema_id, disclose=("badge",)),
        ],
        purpose="verified-profile",
    )
    seen = platform.sign_in(alice.present(request)).presentation
    assert seen.disclosed == {
        "identity": {"name": ALICE.name},
        "badge": {"badge": "real-name verified"},
    }


def minors(story: Story) -> None:
    n, bob = story.nation, story.wallets[BOB.name]
    site = n.services["adults-1"]
    request = site.request([_identity_query(ADULT)], purpose="registration")
    with pytest.raises(StatementError):  # the wallet cannot prove it, so sends nothing
        bob.present(request)
    assert site.accounts.count() == 0
    site.nonces.pending(request.nonce, int(n.clock()))  # the site got no answer at all


def overreach(story: Story) -> None:
    n, alice = story.nation, story.wallets[ALICE.name]
    with pytest.raises(PermissionDeniedError):  # the SDK will not even build it
        n.services["forum-a"].request([_identity_query(disclose=("name",))], purpose="login")
    honest = _forum_request(story, "forum-a")
    (query,) = honest.credentials
    greedy = honest.model_copy(
        update={"credentials": (query.model_copy(update={"disclose": ("name",)}),)}
    )
    with pytest.raises(PermissionDeniedError, match="may not ask to see name"):
        alice.consent(greedy)
    with pytest.raises(PermissionDeniedError):
        alice.present(greedy)
    # Its registered age question, with the bound moved one day: over many requests that
    # would narrow her birth date to the day. The wallet refuses, names why, sends nothing.
    (adult,) = query.predicates
    narrower = honest.model_copy(update={"credentials": (query.model_copy(update={
        "predicates": (adult.model_copy(update={"lte": "2008-11-23"}),)}),)})  # fmt: skip
    before = n.services["forum-a"].accounts.count()
    with pytest.raises(
        PermissionDeniedError, match="the registration fixes birth_date <= 2008-11-24"
    ):
        alice.present(narrower)
    assert n.services["forum-a"].accounts.count() == before
    assert alice.accounts[n.services["forum-a"].did].visits == 3  # no visit recorded either


def _public_points(n: Nation, request: int) -> set[bytes]:
    """Every group element the ledger shows for an opening: the blinded copy and the
    trustees' decryption shares (the request itself was public before the opening)."""
    store = n.ledger.log.store
    points: set[bytes] = set()
    for entry in (decode_entry(e) for e in store.entries(0, store.size())):
        body = entry.typed_body()
        if isinstance(body, OpeningBlindingBody) and body.request == request:
            raw = unb64url(body.blinded)
            points |= {raw[:48], raw[48:96]}
        if isinstance(body, OpeningShareBody) and body.request == request:
            points.add(unb64url(body.share)[2:50])
    return points


def opening(story: Story) -> None:
    n = story.nation
    forum = n.services["forum-a"]
    account = story.forum_accounts["forum-a"]
    filed = file_opening_request(
        n.court,
        n.ledger,
        view=n.view(),
        case="2026-CR-0815",
        warrant=b"warrant text",
        service=forum.did,
        evidence=forum.accounts.evidence(account)[0],
        clock=n.clock,
    )
    # The evidence goes to the authority and the trustees, not onto the ledger.
    index, evidence = filed.index, filed.evidence
    blinding = n.authority.blind_opening(index, evidence)
    t1, t2, t3, t4, t5 = n.trustees
    shares = [t.approve(t.review(index, evidence), blinding) for t in (t1, t2)]
    with pytest.raises(NotEnoughSharesError):  # two of five open nothing
        check_opening(n.view(), index, blinding, shares)
    with pytest.raises(NotEnoughSharesError):  # not even for the authority
        n.authority.identify_opening(index, blinding, shares)
    forged = PartialDecryption(4, escrow_base() * random_scalar(), random_scalar(), random_scalar())
    bad = OpeningShareBody(request=index, blinding=blinding, share=b64url(forged.to_bytes()))
    bad_index = n.ledger.append(t4.identity.sign(EntryType.OPENING_SHARE, bad, int(n.clock())))
    with pytest.raises(BadShareError) as named:  # trustee 4 cheats, and anyone can say so
        check_opening(n.view(), index, blinding, [*shares, bad_index])
    assert named.value.trustees == (t4.identity.did,)
    shares.append(t3.approve(t3.review(index, evidence), blinding))
    check_opening(n.view(), index, blinding, shares)  # every step was correct
    assert n.authority.identify_opening(index, blinding, shares) == ALICE
    # A second case: Alice's account at Forum B, same epoch, other trustees.
    forum_b = n.services["forum-b"]
    filed_b = file_opening_request(
        n.court,
        n.ledger,
        view=n.view(),
        case="2026-CR-0816",
        warrant=b"warrant 2",
        service=forum_b.did,
        evidence=forum_b.accounts.evidence(story.forum_accounts["forum-b"])[0],
        clock=n.clock,
    )
    index_b = filed_b.index
    blinding_b = n.authority.blind_opening(index_b, filed_b.evidence)
    shares_b = [t.approve(t.review(index_b, filed_b.evidence), blinding_b) for t in (t2, t4, t5)]
    check_opening(n.view(), index_b, blinding_b, shares_b)
    assert n.authority.identify_opening(index_b, blinding_b, shares_b) == ALICE
    # The ledger shows both openings — case, service, each step's proof — and neither
    # whom they named nor that they named the same person.
    entries = [decode_entry(e) for e in n.ledger.log.store.entries(0, n.ledger.log.store.size())]
    requests = [e for e in entries if e.type is EntryType.OPENING_REQUEST]
    assert [(e.body["case"], e.body["service"]) for e in requests] == [
        ("2026-CR-0815", forum.did),
        ("2026-CR-0816", forum_b.did),
    ]
    blinders = [e.author for e in entries if e.type is EntryType.OPENING_BLINDING]
    assert blinders == [n.authority.did] * 2
    first, second = _public_points(n, index), _public_points(n, index_b)
    assert (len(first), len(second)) == (2 + 4, 2 + 3)  # U', V' and each share (4 with t4's)
    assert not first & second  # two openings of one citizen share no group element
    alice_point = handle_index_key(n.authority.registry.escrow_handle(ALICE.resident_id))
    cases = ((index, blinding, shares), (index_b, blinding_b, shares_b))
    combined = {encode_g1(combine_opening(n.view(), *case)[1]) for case in cases}
    assert len(combined) == 2  # what anyone can combine: b·M, a different point each time
    assert alice_point not in first | second | combined
    # Every field decoded (base64url undone, JSON inside read): no name, no resident id,
    # no pseudonym, no handle point, no evidence.
    public = published(entries)
    for secret in (
        ALICE.name.encode(),
        ALICE.resident_id.encode(),
        alice_point,
        story.pseudonyms["forum-a"],
        story.pseudonyms["forum-b"],
        evidence.presentation,
        filed_b.evidence.statement,
    ):
        assert not shows(public, secret)
    assert shows(public, forum.did.encode())  # the decoder does look inside (a live probe)


def renewal_and_expiry(story: Story) -> None:
    n = story.nation
    alice, carol, dave = (story.wallets[p.name] for p in (ALICE, CAROL, DAVE))
    n.clock.advance(30)
    n.authority.start_epoch()
    assert n.view().epoch().reenrollments == 0  # counted in public, never named
    n.authority.revoke(CAROL.resident_id)
    for wallet in (alice, carol):
        wallet.view.refresh()
        assert wallet.needs_renewal()
    alice.accept(n.authority.renew(alice.apply(n.authority.renewal_request(), IDENTITY.schema_id)))
    assert not alice.needs_renewal()
    with pytest.raises(RevokedError):
        n.authority.renew(carol.apply(n.authority.renewal_request(), IDENTITY.schema_id))
    for forum in ("forum-a", "forum-b"):  # the same pseudonyms after renewal
        n.services[forum].view.refresh()
        again = n.services[forum].sign_in(alice.present(_forum_request(story, forum, "login")))
        assert again.account.pseudonym == story.pseudonyms[forum]
        assert not again.created
    n.clock.advance(10)  # day 40: Dave never renewed; his epoch-1 credential has expired
    dave.view.refresh()
    with pytest.raises(StatementError):  # his wallet cannot prove "valid today", sends nothing
        dave.present(_forum_request(story, "forum-b"))


CHAPTERS = (
    enrollment,
    forums,
    hospital,
    bank,
    influencer,
    minors,
    overreach,
    opening,
    renewal_and_expiry,
)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_the_story(backend: str, tmp_path: Path) -> None:
    with _databases(backend, tmp_path) as urls:
        population = [*generate(12, today=TODAY), ALICE, BOB, CAROL, DAVE]
        story = Story(build_nation(urls.__getitem__, population))
        for chapter in CHAPTERS:
            chapter(story)
