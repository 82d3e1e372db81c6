"""``realdid demo``: the national story on embedded defaults, printing what each party saw.

Every party is the real library on its own SQLite database in a temporary
directory; the ledger is the embedded log, cosigned by the five trustees'
witnesses. Anonymous at the front desk, real name at the back end:
services see proofs and pseudonyms, the authority sees who enrolled, and
only a lawful opening, public on the ledger, connects the two.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

from realdid.authority.population import generate
from realdid.cli._terminal import Terminal
from realdid.credentials.exchange import VerifiedPresentation
from realdid.credentials.request import Ask
from realdid.credentials.schemas import BADGE, CREDIT, IDENTITY, MEDICAL
from realdid.crypto.escrow import handle_index_key
from realdid.crypto.threshold import NotEnoughSharesError
from realdid.errors import DecodeError, PermissionDeniedError, RevokedError, StatementError
from realdid.ledger.entries import Entry, EntryType, b64url, decode_entry, unb64url
from realdid.sandbox import ORIGIN, Cast, Clock, Nation, build_nation, cast
from realdid.trustee.opening import check_opening, file_opening_request
from realdid.wallet.wallet import Wallet

__all__ = ["run"]

T = TypeVar("T")
IDENTITY_ONLY = Ask(id="identity", schema_id=IDENTITY.schema_id)
#: The forums' and the adults-only site's registered predicate: its bound is on the ledger.
ADULT = Ask(id="identity", schema_id=IDENTITY.schema_id, predicates=("adult",))


def _timed(fn: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = fn()
    return result, (time.perf_counter() - start) * 1000


def _short(data: bytes) -> str:
    return b64url(data)[:22] + "…"


def _text(value: object) -> str:
    return b64url(value) if isinstance(value, bytes) else str(value)


def _saw(
    term: Terminal, who: str, seen: VerifiedPresentation, extra: list[tuple[str, str]]
) -> None:
    rows = []
    for query in seen.request.credentials:
        values = seen.disclosed[query.id]
        shown = ", ".join(f"{k} = {_text(v)}" for k, v in values.items()) or "nothing disclosed"
        rows.append((query.id, shown))
        rows.append(("", f"proved valid on {seen.request.valid_on} (expiry not revealed)"))
        for p in query.predicates:
            low = "" if p.gte is None else f"{p.gte} <= "
            high = "" if p.lte is None else f" <= {p.lte}"
            rows.append(("", f"proved {p.id}: {low}{p.attribute}{high} (value not revealed)"))
    rows.append(("pseudonym", "none" if seen.pseudonym is None else _short(seen.pseudonym)))
    rows.append(("escrow", "sealed for the trustees" if seen.escrow else "none"))
    term.table(f"what {who} saw", rows + extra)


def run() -> None:
    """Run the whole story and print what each party saw."""
    term = Terminal()
    with tempfile.TemporaryDirectory(prefix="realdid-demo-") as tmp:
        root = Path(tmp)
        clock = Clock(now=time.time())  # the story runs from today (then 40 days on)
        people = cast(clock.today())
        nation, ms = _timed(
            lambda: build_nation(
                lambda name: f"sqlite:///{root / name}.db",
                [*generate(200, today=clock.today()), people.alice, people.bob, people.carol],
                clock=clock,
            )
        )
        _setup(term, nation, ms)
        wallets = _enrollment(term, nation, people)
        _forums(term, nation, wallets[people.alice.name])
        _sector(term, nation, wallets[people.alice.name], people)
        _refusals(term, nation, wallets, people)
        _opening(term, nation)
        _new_epoch(term, nation, wallets, people)


def _setup(term: Terminal, nation: Nation, ms: float) -> None:
    term.heading("The nation, on embedded defaults")
    trustees = nation.view().trustees()
    term.table(
        "set up",
        [
            (
                "ledger",
                f"{ORIGIN}: {nation.ledger.log.store.size()} entries, cosigned by "
                f"{len(nation.ledger.witnesses)} witnesses (quorum {nation.ledger.quorum})",
            ),
            ("institutions", ", ".join(sorted(nation.institutions))),
            (
                "trustees",
                f"{len(trustees.members)} (any {trustees.threshold} can open; the key "
                "came from a distributed ceremony whose transcript is on the ledger)",
            ),
            ("population", f"{nation.authority.registry.count()} citizens in the registry"),
            ("time", f"{ms:.0f} ms, every party on its own SQLite database"),
        ],
    )


def _enrollment(term: Terminal, nation: Nation, people: Cast) -> dict[str, Wallet]:
    term.heading("1. Enrollment at the identity authority")
    wallets = {}
    for person in (people.alice, people.bob, people.carol):
        wallet, ms = _timed(partial(nation.enroll, person))
        wallets[person.name] = wallet
    held = wallets[people.alice.name].held()[0]
    term.table(
        "what the authority saw",
        [
            (
                "citizen",
                f"{people.alice.name}, {people.alice.resident_id} (checked against the registry "
                "with a one-time activation code)",
            ),
            ("holder secret", "only a hiding commitment (it signed blindly)"),
            ("escrow handle", "a random value it indexes as handle·Q -> citizen"),
            ("time", f"{ms:.0f} ms per enrollment (code, blind issuance, index)"),
        ],
    )
    term.table(
        "what Alice's wallet holds",
        [
            ("credential", f"{held.schema.schema_id}, {len(held.schema.attributes)} attributes"),
            ("checked", f"signature against {held.key_id}, read from the ledger with proofs"),
            ("secrets", "holder secret and nym part derived from her recovery secret"),
        ],
    )
    return wallets


def _forums(term: Terminal, nation: Nation, alice: Wallet) -> None:
    term.heading("2. Registration at two forums")
    nyms = {}
    for key in ("forum-a", "forum-b"):
        forum = nation.services[key]
        request = forum.request([ADULT], purpose="registration")
        if key == "forum-a":
            screen = alice.consent(request, language="zh-CN").lines()
            term.table("Alice's consent screen (the predicate in the ledger's words)",
                       [("", line) for line in screen])  # fmt: skip
        answer, t_prove = _timed(partial(alice.present, request))
        signed, t_verify = _timed(partial(forum.sign_in, answer))
        nyms[key] = signed.account.pseudonym
        _saw(
            term,
            nation.view().service(forum.did).name,
            signed.presentation,
            [
                ("account", f"#{signed.account.id} (new)"),
                (
                    "cost",
                    f"prove {t_prove:.0f} ms, verify {t_verify:.0f} ms with ledger reads, "
                    f"{len(answer)} bytes",
                ),
            ],
        )
    forum = nation.services["forum-a"]
    request = forum.request([ADULT], purpose="login")
    again = forum.sign_in(alice.present(request))
    term.table(
        "pseudonyms",
        [
            ("Forum A != Forum B", "yes" if nyms["forum-a"] != nyms["forum-b"] else "NO"),
            (
                "Forum A, second visit",
                f"account #{again.account.id}, the same one"
                if not again.created
                else "a NEW account (wrong)",
            ),
        ],
    )


def _sector(term: Terminal, nation: Nation, alice: Wallet, people: Cast) -> None:
    term.heading("3. Sector credentials, bound to the same holder")
    hospital, bank = nation.issuers["hospital-1"], nation.issuers["bank-1"]
    hospital.add_record(
        people.alice.resident_id,
        {"blood_type": "AB+", "allergies": "penicillin", "chronic_conditions": "asthma"},
    )
    bank.add_record(people.alice.resident_id, {"credit_standing": "good", "credit_limit": 200_000})
    nation.obtain(alice, "hospital-1")
    nation.obtain(alice, "bank-1")
    alice.accept(
        nation.authority.issue_badge(alice.apply(nation.authority.badge_request(), BADGE.schema_id))
    )
    care = nation.services["hospital-1"]
    seen = care.sign_in(
        alice.present(
            care.request(
                [
                    IDENTITY_ONLY,
                    Ask(
                        id="medical",
                        schema_id=MEDICAL.schema_id,
                        disclose=("blood_type", "allergies"),
                    ),
                ],
                purpose="care",
            )
        )
    ).presentation
    _saw(term, "the hospital", seen, [("finances", "not asked, not proved, not sent")])
    rp = nation.services["bank-1"]
    queries = [
        IDENTITY_ONLY,
        Ask(id="credit", schema_id=CREDIT.schema_id, disclose=("credit_standing",)),
    ]
    account = rp.sign_in(alice.present(rp.request(queries, purpose="account")))
    transfer = json.dumps({"to": "CN12 3456", "amount": "50000.00", "currency": "CNY"}).encode()
    rp.confirm(
        account.account, transfer, alice.present(rp.step_up(transfer, queries, purpose="transfer"))
    )
    _saw(
        term,
        "the bank",
        account.presentation,
        [
            ("transfer 50,000 CNY", "approved with a fresh presentation bound to its digest"),
        ],
    )
    platform = nation.services["influencer-1"]
    seen = platform.sign_in(
        alice.present(
            platform.request(
                [
                    Ask(id="identity", schema_id=IDENTITY.schema_id, disclose=("name",)),
                    Ask(id="badge", schema_id=BADGE.schema_id, disclose=("badge",)),
                ],
                purpose="verified-profile",
            )
        )
    ).presentation
    _saw(term, "the influencer platform", seen, [])


def _refusals(term: Terminal, nation: Nation, wallets: dict[str, Wallet], people: Cast) -> None:
    term.heading("4. Refusals")
    site = nation.services["adults-1"]
    request = site.request([ADULT], purpose="registration")
    try:
        wallets[people.bob.name].present(request)
        bob = "sent a proof (wrong)"
    except StatementError:
        bob = "his wallet cannot prove it, so it sends nothing"
    forum = nation.services["forum-a"]
    honest = forum.request([ADULT], purpose="login")
    query = honest.credentials[0]
    greedy = honest.model_copy(
        update={"credentials": (query.model_copy(update={"disclose": ("name",)}),)}
    )
    try:
        wallets[people.alice.name].consent(greedy)
        alice = "consented (wrong)"
    except PermissionDeniedError as exc:
        alice = f"refused: {exc}"
    # Moving the age bound a day at a time would narrow her birth date: the bound is the
    # ledger's, so any other one is refused before anything is computed or sent.
    (adult,) = query.predicates
    assert isinstance(adult.lte, str)
    probe = datetime.date.fromisoformat(adult.lte) - datetime.timedelta(days=1)
    narrower = honest.model_copy(
        update={"credentials": (query.model_copy(update={"predicates": (
            adult.model_copy(update={"lte": probe.isoformat()}),)}),)}
    )  # fmt: skip
    try:
        wallets[people.alice.name].present(narrower)
        probed = "answered (wrong)"
    except PermissionDeniedError as exc:
        probed = f"refused: {exc}"
    term.table(
        "what the adults-only site saw",
        [
            ("Bob, 16", bob),
            ("the site", f"{site.accounts.count()} accounts, no answer, no age"),
        ],
    )
    term.table("a forum asking for Alice's name", [("her wallet", alice)])
    term.table("a forum asking with another age bound", [("her wallet", probed)])


def _opening(term: Terminal, nation: Nation) -> None:
    term.heading("5. A lawful opening")
    forum = nation.services["forum-a"]
    filed = file_opening_request(
        nation.court,
        nation.ledger,
        view=nation.view(),
        case="2026-CR-0815",
        warrant=b"warrant",
        service=forum.did,
        evidence=forum.accounts.evidence(1)[0],
        clock=nation.clock,
    )
    index, evidence = filed.index, filed.evidence  # the evidence goes off the ledger
    blinding = nation.authority.blind_opening(index, evidence)
    shares = [t.approve(t.review(index, evidence), blinding) for t in nation.trustees[:2]]
    try:
        check_opening(nation.view(), index, blinding, shares)
        two = "opened (wrong)"
    except NotEnoughSharesError:
        two = "refused: not enough shares"
    shares.append(nation.trustees[2].approve(nation.trustees[2].review(index, evidence), blinding))
    check_opening(nation.view(), index, blinding, shares)  # anyone can: every step was right
    person = nation.authority.identify_opening(index, blinding, shares)
    store = nation.ledger.log.store
    entries = [decode_entry(e) for e in store.entries(0, store.size())]
    openings = [e for e in entries if e.type is EntryType.OPENING_REQUEST]
    share_count = sum(e.type is EntryType.OPENING_SHARE for e in entries)
    point = handle_index_key(nation.authority.registry.escrow_handle(person.resident_id))
    pseudonym = forum.accounts.get(1).pseudonym
    public = _published(entries)  # every field, base64url undone
    named = (person.name.encode(), person.resident_id.encode(), point, pseudonym)
    leaked = any(secret in field for secret in named for field in public)
    term.table(
        "the opening",
        [
            (
                "court",
                "filed case 2026-CR-0815 for a Forum A account: warrant and evidence"
                " digests, the escrow ciphertext; the evidence went to the authority and"
                " the trustees",
            ),
            ("authority", "published a blinded, re-randomised copy of the escrow, with its proof"),
            (
                "trustees",
                "each checked the presentation, that the ciphertext names Forum A, "
                "and the blinding's proof; then decrypted only the copy",
            ),
            ("with two trustees", two),
            ("with three", "b·handle·Q: a random point; only the authority knows b"),
            ("authority's index says", person.name),
        ],
    )
    term.table(
        "what the ledger shows",
        [
            (
                "openings",
                f"{len(openings)}: "
                + ", ".join(f"{e.body['case']} at {e.body['service']}" for e in openings),
            ),
            ("steps", f"1 blinding and {share_count} shares, each with its proof: all verify"),
            (
                "whom it named",
                "nowhere: no name, no resident id, no pseudonym, not the handle point"
                " (what would link two openings of one citizen); the evidence itself"
                " went to the authority and the trustees, its digest to the ledger"
                if not leaked
                else "LEAKED (wrong)",
            ),
        ],
    )


def _published(entries: list[Entry]) -> list[bytes]:
    """Each entry's body strings, and those that are base64url decoded."""
    out: list[bytes] = []
    for entry in entries:
        for value in entry.body.values():
            if isinstance(value, str):
                out.append(value.encode())
                with contextlib.suppress(DecodeError):
                    out.append(unb64url(value))
    return out


def _new_epoch(term: Terminal, nation: Nation, wallets: dict[str, Wallet], people: Cast) -> None:
    term.heading("6. A new epoch")
    nation.clock.advance(30)
    epoch = nation.authority.start_epoch()
    nation.authority.revoke(people.carol.resident_id)
    alice = wallets[people.alice.name]
    alice.view.refresh()
    alice.accept(
        nation.authority.renew(alice.apply(nation.authority.renewal_request(), IDENTITY.schema_id))
    )
    forum = nation.services["forum-a"]
    forum.view.refresh()
    again = forum.sign_in(alice.present(forum.request([ADULT], purpose="login")))
    carol = wallets[people.carol.name]
    carol.view.refresh()
    try:
        nation.authority.renew(carol.apply(nation.authority.renewal_request(), IDENTITY.schema_id))
        refused = "renewed (wrong)"
    except RevokedError:
        refused = "refused: revoked citizens are not renewed"
    nation.clock.advance(10)
    bob = wallets[people.bob.name]
    bob.view.refresh()
    try:
        bob.present(forum.request([IDENTITY_ONLY], purpose="login"))
        expired = "presented (wrong)"
    except StatementError:
        expired = "his wallet cannot prove 'valid today'; nothing is sent, no date revealed"
    term.table(
        f"epoch {epoch}",
        [
            (
                "Alice renews",
                f"same pseudonym at Forum A: account #{again.account.id}"
                f"{' (the same)' if not again.created else ' (NEW: wrong)'}",
            ),
            ("Carol", refused),
            ("Bob, not renewed, day 40", expired),
        ],
    )
