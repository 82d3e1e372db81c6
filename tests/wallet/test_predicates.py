"""The wallet asks the ledger, not the service, what bound a predicate has: any other bound,
or a predicate the service did not register, is refused with the reason and nothing is
sent; the consent screen speaks in the registration's words."""

from __future__ import annotations

import copy
import datetime
from typing import Any

import pytest

from realdid.authority.population import Person, resident_id
from realdid.credentials.request import Ask, CredentialQuery, Predicate, PresentationRequest
from realdid.credentials.schemas import IDENTITY
from realdid.errors import InvalidArgumentError, PermissionDeniedError, StatementError
from realdid.ledger.entries import EntryType
from realdid.ledger.predicates import day_before, fixed_bounds
from realdid.sandbox import SERVICES, Nation
from realdid.wallet.wallet import Wallet
from tests.people import new_citizen

ADULT = Ask(id="identity", schema_id=IDENTITY.schema_id, predicates=("adult",))


@pytest.fixture
def person(nation: Nation) -> Person:
    return new_citizen(nation)


def _with_predicate(request: PresentationRequest, **change: Any) -> PresentationRequest:
    (query,) = request.credentials
    (predicate,) = query.predicates
    moved = predicate.model_copy(update=change)
    return request.model_copy(
        update={"credentials": (query.model_copy(update={"predicates": (moved,)}),)}
    )


def test_another_bound_or_an_unregistered_predicate_is_refused_and_nothing_is_sent(
    nation: Nation, person: Person
) -> None:
    wallet = nation.enroll(person)
    forum = nation.services["forum-a"]
    honest = forum.request([ADULT], purpose="registration")
    (adult,) = honest.credentials[0].predicates
    assert (adult.gte, adult.lte) == (None, "2008-11-24")  # 18 years before 2026-11-24
    fixed = "the registration fixes birth_date <= 2008-11-24 on 2026-11-24"
    cases: dict[str, tuple[dict[str, Any], str]] = {
        # Moving the bound a day at a time would find the birth date by bisection.
        "narrower": ({"lte": "2008-11-23"}, fixed),
        "wider": ({"lte": "2009-11-24"}, fixed),
        "another relation": ({"lte": None, "gte": "2008-11-24"}, fixed),
        "a second end": ({"gte": "2008-01-01"}, fixed),
        "an integer": ({"lte": 20081124}, fixed),
        "another attribute": ({"attribute": "enrollment"}, "registered on birth_date"),
        "unregistered": ({"id": "teen"}, "predicate teen: not registered for this service"),
    }
    for name, (change, reason) in cases.items():
        request = _with_predicate(honest, **change)
        for ask in (wallet.consent, wallet.present):
            with pytest.raises(PermissionDeniedError, match=reason):
                ask(request)
        assert wallet.accounts == {}, name
    # A registered id of another service is not this service's predicate either.
    other = nation.services["adults-1"].request([ADULT], purpose="registration")
    assert other.credentials[0].predicates == honest.credentials[0].predicates
    with pytest.raises(PermissionDeniedError, match="no-such: not registered"):
        wallet.present(_with_predicate(honest, id="no-such"))
    # Nothing was sent: the forum's request is still open and it has no account.
    assert forum.nonces.pending(honest.nonce, int(nation.clock())) == honest
    assert forum.accounts.count() == 0
    forum.sign_in(wallet.present(honest))  # the bound the ledger fixes is answered


def _on_day(
    nation: Nation, request: PresentationRequest, day: datetime.date
) -> PresentationRequest:
    """``request`` as its service could write it for another ``day``: the same nonce, each
    bound exactly what the registration fixes for that day (so only the day is wrong)."""
    registered = nation.view().predicates(request.service)
    queries = []
    for query in request.credentials:
        moved = []
        for predicate in query.predicates:
            gte, lte = fixed_bounds(registered[predicate.id], day)
            moved.append(predicate.model_copy(update={"gte": gte, "lte": lte}))
        queries.append(query.model_copy(update={"predicates": tuple(moved)}))
    return request.model_copy(update={"valid_on": day.isoformat(), "credentials": tuple(queries)})


def test_a_request_about_another_day_than_today_is_refused_and_nothing_is_sent(
    nation: Nation, person: Person
) -> None:
    """The day fixes the bounds: with valid_on tomorrow, "adult" would admit someone 18
    only tomorrow, and yesterday's validity an expired credential. A wallet answers
    only about its own today, whatever else in the request is right for the day."""
    wallet = nation.enroll(person)
    forum = nation.services["forum-a"]
    honest = forum.request([ADULT], purpose="registration")
    accounts = forum.accounts.count()
    today = nation.clock.today()
    assert honest.valid_on == today.isoformat()
    for shift in (-1, 1):
        day = today + datetime.timedelta(days=shift)
        shifted = _on_day(nation, honest, day)
        assert (
            shifted.credentials[0].predicates[0].lte
            == day_before(day, years=18, months=0, days=0).isoformat()
        )  # what the registration fixes for that day
        for ask in (wallet.consent, wallet.present):
            with pytest.raises(
                PermissionDeniedError,
                match=f"asks about {day.isoformat()}, want today \\({today.isoformat()}\\)",
            ):
                ask(shifted)
    assert wallet.accounts == {}  # nothing sent, no account recorded
    assert forum.nonces.pending(honest.nonce, int(nation.clock())) == honest
    assert forum.accounts.count() == accounts
    assert forum.sign_in(wallet.present(honest)).created  # today's request is answered


def test_a_minor_is_not_an_adult_on_tomorrows_bound(nation: Nation) -> None:
    """18 tomorrow: today's request fails the proof; tomorrow's is not even attempted."""
    tomorrow = nation.clock.today() + datetime.timedelta(days=1)
    born = day_before(tomorrow, years=18, months=0, days=0)
    minor = Person(resident_id("320102", born, 777), "明天成年", born, "M", "Nanjing")
    nation.authority.registry.add([minor])
    wallet = nation.enroll(minor)
    site = nation.services["adults-1"]
    honest = site.request([ADULT], purpose="registration")
    with pytest.raises(StatementError):
        wallet.present(honest)
    with pytest.raises(PermissionDeniedError, match="asks about"):
        wallet.present(_on_day(nation, honest, tomorrow))
    assert wallet.accounts == {}
    assert site.nonces.pending(honest.nonce, int(nation.clock())) == honest


def _register(nation: Nation, key: str, permissions: dict[str, Any]) -> None:
    authority = nation.authority.identity
    did = nation.institutions[key].did
    view = nation.view()
    prev = view.latest_index(f"service:{did}")
    body = {"service": did, "context_id": did, "permissions": permissions}
    nation.ledger.append(authority.sign(EntryType.SERVICE, body, int(nation.clock()), prev))


def test_the_consent_screen_reads_the_registrations_text(nation: Nation, person: Person) -> None:
    wallet = nation.enroll(person)
    site = nation.services["adults-1"]
    request = site.request([ADULT], purpose="registration")
    english = wallet.consent(request).lines()
    assert "  prove You are 18 or older (birth_date ≤ 2008-11-24)" in english
    assert (
        "  prove 您已年满18周岁 (birth_date ≤ 2008-11-24)"
        in wallet.consent(request, language="zh-CN").lines()
    )
    with pytest.raises(InvalidArgumentError):
        wallet.consent(request, language="fr")
    # The authority rewords the registration: the next screen says so, same bound.
    permissions = copy.deepcopy(SERVICES["adults-1"][1])
    permissions["predicates"][0]["text"] = {"en": "Born at least 18 years ago",
                                            "zh-CN": "出生已满18年"}  # fmt: skip
    _register(nation, "adults-1", permissions)
    again = site.request([ADULT], purpose="registration")
    assert "  prove Born at least 18 years ago (birth_date ≤ 2008-11-24)" in (
        wallet.consent(again).lines()
    )
    assert (
        "  prove 出生已满18年 (birth_date ≤ 2008-11-24)"
        in wallet.consent(again, language="zh-CN").lines()
    )
    assert site.sign_in(wallet.present(again)).created


def test_a_registration_without_predicates_asks_none(nation: Nation, person: Person) -> None:
    wallet: Wallet = nation.enroll(person)
    platform = nation.services["influencer-1"]  # may see the name, may not test the age
    with pytest.raises(PermissionDeniedError, match="adult: not registered"):
        platform.request([ADULT], purpose="verified-profile")
    honest = platform.request(
        [Ask(id="identity", schema_id=IDENTITY.schema_id, disclose=("name",))],
        purpose="verified-profile",
    )
    free = Predicate(id="adult", attribute="birth_date", lte="2008-11-24")
    (query,) = honest.credentials
    asking: CredentialQuery = query.model_copy(update={"predicates": (free,)})
    with pytest.raises(PermissionDeniedError, match="adult: not registered"):
        wallet.present(honest.model_copy(update={"credentials": (asking,)}))
