"""The SDK asks only the predicates its registration fixes, and the verifier checks every
proof against the bound it recomputes from the ledger, whatever the request says."""

from __future__ import annotations

import copy
import dataclasses
import datetime
from pathlib import Path
from typing import Any

import pytest

from realdid.authority.population import Person, resident_id
from realdid.credentials.exchange import answer
from realdid.credentials.request import Ask, CredentialQuery, Predicate, PresentationRequest
from realdid.credentials.schemas import IDENTITY
from realdid.errors import (
    InvalidArgumentError,
    PermissionDeniedError,
    RealDIDError,
    ReplayError,
    StatementError,
)
from realdid.ledger.entries import EntryType, b64url
from realdid.ledger.predicates import DayBound, PredicateSpec, fixed_bounds
from realdid.sandbox import SERVICES, Clock, Nation, build_nation
from realdid.trustee.opening import file_opening_request
from tests.people import new_citizen
from tests.snapshots import dump

ADULT = Ask(id="identity", schema_id=IDENTITY.schema_id, predicates=("adult",))


def _person(name: str, born: datetime.date, sequence: int) -> Person:
    return Person(resident_id("320102", born, sequence), name, born, "F", "Nanjing")


def test_the_sdk_has_no_way_to_ask_a_free_bound(nation: Nation) -> None:
    forum = nation.services["forum-a"]
    assert {f.name for f in dataclasses.fields(Ask)} == {
        "id", "schema_id", "disclose", "predicates", "equal"
    }  # fmt: skip
    free = CredentialQuery(
        id="identity",
        schema_id=IDENTITY.schema_id,
        predicates=(Predicate(id="adult", attribute="birth_date", lte="2010-01-01"),),
    )
    with pytest.raises(InvalidArgumentError, match="not from bounds"):
        forum.request([free], purpose="registration")  # type: ignore[list-item]
    with pytest.raises(InvalidArgumentError, match="not from bounds"):
        PresentationRequest.fresh(registration=nation.view().service(forum.did),
                                  purpose="registration", credentials=[free],  # type: ignore[list-item]
                                  now=int(nation.clock()), ttl=60)  # fmt: skip
    with pytest.raises(InvalidArgumentError, match="ask not an id"):  # a typed error
        forum.request([dataclasses.replace(ADULT, id="not an id")], purpose="login")
    with pytest.raises(PermissionDeniedError, match="teen: not registered"):
        forum.request([dataclasses.replace(ADULT, predicates=("teen",))], purpose="login")
    request = forum.request([ADULT], purpose="registration")
    assert request.credentials[0].predicates == (
        Predicate(id="adult", attribute="birth_date", lte="2008-11-24"),
    )


def test_the_verifier_checks_the_bound_it_recomputes_not_the_requests(
    nation: Nation, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A request carrying another bound (a compromised front end wrote it into the
    nonce store) answered by a wallet that agreed to it: the proof is for that bound,
    and the verifier refuses it because the registration fixes another."""
    minor = _person("少年", datetime.date(2012, 5, 1), 901)
    nation.authority.registry.add([minor])
    wallet = nation.enroll(minor)
    forum = nation.services["forum-b"]
    honest = forum.request([ADULT], purpose="registration")
    (query,) = honest.credentials
    view = nation.view()
    spec = view.predicates(forum.did)["adult"]
    loose: PredicateSpec = spec.model_copy(update={"bound": DayBound(kind="before_day", years=10)})
    loose_predicate = Predicate(id="adult", attribute="birth_date", lte="2016-11-24")
    forged = honest.model_copy(update={
        "nonce": b64url(b"\x07" * 16),
        "credentials": (query.model_copy(update={"predicates": (loose_predicate,)}),),
    })  # fmt: skip
    forum.nonces.remember(forged)
    with pytest.raises(StatementError):  # with the ledger's bound, a minor proves nothing
        answer(forged.model_copy(update={"credentials": honest.credentials}), wallet.held(), view)

    def predicates(did: str, *, historic: bool = False) -> dict[str, PredicateSpec]:
        return {"adult": loose}

    monkeypatch.setattr(view, "predicates", predicates)
    document, proved = answer(forged, wallet.held(), view)  # a proof for the looser bound
    assert proved.statement.ranges[1].upper == datetime.date(2016, 11, 24)
    before = dump(forum.accounts.engine)
    with pytest.raises(PermissionDeniedError, match="fixes birth_date <= 2008-11-24"):
        forum.sign_in(document)
    assert dump(forum.accounts.engine) == before
    assert forum.nonces.pending(forged.nonce, int(nation.clock())) == forged


def test_the_verifier_checks_an_answer_only_on_the_day_its_request_was_made_for(
    nation: Nation,
) -> None:
    """The bounds an answer is checked against are the stored request's day's; a request
    stored for another day (crafted by a front end, or made before midnight) is not
    answered, even by a wallet that does not check the day, and its nonce stays unused."""
    wallet = nation.enroll(new_citizen(nation))
    forum = nation.services["forum-b"]
    honest = forum.request([ADULT], purpose="registration")
    view = nation.view()
    spec = view.predicates(forum.did)["adult"]
    now = int(nation.clock())
    tomorrow = nation.clock.today() + datetime.timedelta(days=1)
    gte, lte = fixed_bounds(spec, tomorrow)
    (query,) = honest.credentials
    crafted = honest.model_copy(update={
        "nonce": b64url(b"\x09" * 16),
        "valid_on": tomorrow.isoformat(),
        "expires_at": now + 3 * 86400,
        "credentials": (query.model_copy(update={
            "predicates": (Predicate(id="adult", attribute="birth_date", gte=gte, lte=lte),)
        }),),
    })  # fmt: skip
    forum.nonces.remember(crafted)
    document, proved = answer(crafted, wallet.held(), view)  # a wallet without the check
    assert proved.statement.ranges[1].upper == datetime.date.fromisoformat(str(lte))
    before = dump(forum.accounts.engine)
    with pytest.raises(ReplayError, match=f"made for {tomorrow.isoformat()}, answered on"):
        forum.sign_in(document)
    assert dump(forum.accounts.engine) == before
    assert forum.nonces.pending(crafted.nonce, now + 86400) == crafted  # unused
    # The day's own request is checked against the bounds stored with it.
    signed = forum.sign_in(wallet.present(honest))
    assert signed.presentation.request == honest
    assert signed.presentation.statement.ranges[1].upper == datetime.date.fromisoformat(
        str(fixed_bounds(spec, nation.clock.today())[1])
    )


def test_the_age_bound_around_29_february_end_to_end(tmp_path: Path) -> None:
    """Born 29 February 2008: not 18 on 28 February 2026, 18 on 1 March (docs/ledger.md)."""
    leapling = _person("闰日", datetime.date(2008, 2, 29), 229)
    start = datetime.datetime(2026, 2, 28, 9, 0, tzinfo=datetime.UTC).timestamp()
    clock = Clock(start)
    nation = build_nation(lambda name: f"sqlite:///{tmp_path / name}.db", [leapling], clock=clock)
    wallet = nation.enroll(leapling)
    site = nation.services["adults-1"]
    eve = site.request([ADULT], purpose="registration")
    assert eve.credentials[0].predicates[0].lte == "2008-02-28"
    with pytest.raises(StatementError):
        wallet.present(eve)
    clock.advance(1)
    wallet.view.refresh()
    day = site.request([ADULT], purpose="registration")
    assert day.credentials[0].predicates[0].lte == "2008-03-01"
    assert site.sign_in(wallet.present(day)).created


def _register(nation: Nation, key: str, body: dict[str, Any] | None) -> None:
    """The authority publishes ``key``'s registration anew (None: retires it)."""
    did = nation.institutions[key].did
    prev = nation.view().latest_index(f"service:{did}")
    entry: dict[str, Any]
    if body is None:
        kind, entry = EntryType.RETIRE, {"state_key": f"service:{did}", "reason": "test"}
    else:
        kind, entry = EntryType.SERVICE, {"service": did, "context_id": did, "permissions": body}
    signed = nation.authority.identity.sign(kind, entry, int(nation.clock()), prev)
    nation.ledger.append(signed)


def test_an_opening_reviews_the_bound_fixed_when_the_request_was_made(nation: Nation) -> None:
    """The trustees recompute an old request's bound from the registration it was made
    under: the service may since have dropped the predicate, or been retired."""
    forum = nation.services["forum-b"]
    wallet = nation.enroll(new_citizen(nation))
    signed = forum.sign_in(wallet.present(forum.request([ADULT], purpose="registration")))
    evidence = forum.accounts.evidence(signed.account.id)[0]
    original = copy.deepcopy(SERVICES["forum-b"][1])
    try:
        for case, change in (("C-1", {**original, "predicates": []}), ("C-2", None)):
            _register(nation, "forum-b", change)
            filed = file_opening_request(nation.court, nation.ledger, view=nation.view(),
                                         case=case, warrant=b"w", service=forum.did,
                                         evidence=evidence, clock=nation.clock)  # fmt: skip
            review = nation.trustees[0].review(filed.index, filed.evidence)
            assert review.verified.statement.ranges[1].upper == datetime.date(2008, 11, 24)
        with pytest.raises(RealDIDError):  # and it may no longer ask it
            forum.request([ADULT], purpose="login")
    finally:
        _register(nation, "forum-b", original)


def test_an_integer_interval_with_constant_bounds_end_to_end(nation: Nation) -> None:
    site = nation.services["adults-1"]
    original = copy.deepcopy(SERVICES["adults-1"][1])
    first = {"id": "first-enrollment", "schema_id": IDENTITY.schema_id, "attribute": "enrollment",
             "relation": "between", "bound": {"kind": "constant", "value": 1},
             "upper": {"kind": "constant", "value": 2},
             "text": {"en": "Enrolled once or twice", "zh-CN": "您登记过一次或两次"}}  # fmt: skip
    _register(nation, "adults-1", {**original, "predicates": [*original["predicates"], first]})
    try:
        wallet = nation.enroll(new_citizen(nation))
        ask = dataclasses.replace(ADULT, predicates=("adult", "first-enrollment"))
        request = site.request([ask], purpose="registration")
        assert request.credentials[0].predicates[1] == Predicate(
            id="first-enrollment", attribute="enrollment", gte=1, lte=2
        )
        assert (
            "  prove 您登记过一次或两次 (1 ≤ enrollment ≤ 2)"
            in wallet.consent(request, language="zh-CN").lines()
        )
        with pytest.raises(PermissionDeniedError, match="fixes 1 <= enrollment <= 2"):
            wallet.present(_with_upper(request, 3))
        signed = site.sign_in(wallet.present(request))
        ranges = signed.presentation.statement.ranges
        assert [(r.ref.attribute, r.lower, r.upper) for r in ranges[1:]] == [
            ("birth_date", None, datetime.date(2008, 11, 24)),
            ("enrollment", 1, 2),
        ]
    finally:
        _register(nation, "adults-1", original)


def _with_upper(request: PresentationRequest, upper: int) -> PresentationRequest:
    (query,) = request.credentials
    adult, first = query.predicates
    moved = (adult, first.model_copy(update={"lte": upper}))
    return request.model_copy(
        update={"credentials": (query.model_copy(update={"predicates": moved}),)}
    )
