"""One account per pseudonym, whatever the timing (issue 9, section 3).

Many first sign-ins of one pseudonym start together, each thread with its own engine
(so its own connection and transaction), on PostgreSQL and on SQLite: exactly one
account row, every caller told the same account, exactly one told it was created,
every login counted and every evidence row kept, no exception.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from tools.postgres import fresh_database, postgres_server

from realdid import db
from realdid.credentials.nonces import NonceStore
from realdid.credentials.request import Ask
from realdid.credentials.schemas import IDENTITY
from realdid.errors import RevokedError
from realdid.sandbox import Nation
from realdid.verifier.accounts import Account, AccountStore
from realdid.verifier.relying_party import RelyingParty, SignIn
from tests.people import new_citizen
from tests.snapshots import dump

RACERS = 24  # below PostgreSQL's default 100 connections, shared with other test workers


@pytest.fixture(scope="module")
def postgres_admin() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_admin: str
) -> Iterator[str]:
    if request.param == "sqlite":
        yield db.sqlite_url(tmp_path / "accounts.db")
    else:
        with fresh_database(postgres_admin) as url:
            yield url


def _race(stores: list[AccountStore], work: Callable[[int, AccountStore], object]) -> list[object]:
    """Run ``work(i, stores[i])`` on one thread each, released together by a barrier;
    the list of what each returned or raised."""
    barrier = threading.Barrier(len(stores))
    results: list[object] = [None] * len(stores)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i, stores[i])
        except Exception as exc:  # noqa: BLE001 - collected and asserted on below
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(stores))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _stores(url: str, n: int) -> tuple[list[AccountStore], list[Engine]]:
    engines = [db.open_engine(url) for _ in range(n)]
    return [AccountStore(e) for e in engines], engines


def test_concurrent_first_sign_ins_land_on_one_account(database_url: str) -> None:
    stores, engines = _stores(database_url, RACERS)
    pseudonym = secrets.token_bytes(48)
    try:
        results = _race(
            stores,
            lambda i, s: s.sign_in(pseudonym, 1000 + i, evidence=(b"req%d" % i, b"vp%d" % i)),
        )
        errors = [r for r in results if isinstance(r, BaseException)]
        assert errors == []
        signed = [r for r in results if isinstance(r, tuple)]
        ids = {account.id for account, _ in signed}
        assert len(ids) == 1  # every caller is told the same account
        assert sum(created for _, created in signed) == 1  # and exactly one created it
        store = stores[0]
        assert store.count() == 1
        (account_id,) = ids
        account = store.get(account_id)
        assert account.pseudonym == pseudonym
        assert account.logins == RACERS  # no lost update
        assert account.last_seen == 1000 + RACERS - 1  # the latest time, whatever the order
        assert sorted(store.evidence(account_id)) == sorted(
            (b"req%d" % i, b"vp%d" % i) for i in range(RACERS)
        )
    finally:
        for e in engines:
            e.dispose()


def test_concurrent_sign_ins_of_many_pseudonyms_make_one_account_each(database_url: str) -> None:
    stores, engines = _stores(database_url, RACERS)
    pseudonyms = [secrets.token_bytes(48) for _ in range(4)]
    try:
        results = _race(stores, lambda i, s: s.sign_in(pseudonyms[i % 4], 1000))
        assert [r for r in results if isinstance(r, BaseException)] == []
        by_nym: dict[bytes, set[int]] = {}
        for result in results:
            assert isinstance(result, tuple)
            account: Account = result[0]
            by_nym.setdefault(account.pseudonym, set()).add(account.id)
        assert sorted(by_nym) == sorted(pseudonyms)
        assert all(len(ids) == 1 for ids in by_nym.values())
        assert stores[0].count() == 4
    finally:
        for e in engines:
            e.dispose()


def test_a_ban_racing_sign_ins_records_nothing_after_it(database_url: str) -> None:
    """Sign-ins that commit after the ban are refused and leave no trace: the ban is read
    inside the sign-in's own transaction, under the row's lock."""
    stores, engines = _stores(database_url, RACERS)
    pseudonym = secrets.token_bytes(48)
    try:
        first, _ = stores[0].sign_in(pseudonym, 1000)
        stores[0].ban(first.id)
        before = dump(stores[0].engine)
        results = _race(stores, lambda i, s: s.sign_in(pseudonym, 2000, evidence=(b"r", b"p")))
        assert all(isinstance(r, RevokedError) for r in results)
        assert dump(stores[0].engine) == before
    finally:
        for e in engines:
            e.dispose()


def test_sign_in_reports_the_stored_account(tmp_path: Path) -> None:
    store = AccountStore(db.open_engine(db.sqlite_url(tmp_path / "a.db")))
    nym = b"n" * 48
    account, created = store.sign_in(nym, 10)
    assert created
    assert account == Account(account.id, nym, 10, 10, 1, False)
    again, created = store.sign_in(nym, 5)  # a clock that went back keeps the later time
    assert not created
    assert again == Account(account.id, nym, 10, 10, 2, False)
    assert store.find(nym) == again
    assert store.find(b"m" * 48) is None
    store.ban(account.id)
    with pytest.raises(RevokedError):
        store.sign_in(nym, 20)
    assert store.get(account.id) == Account(account.id, nym, 10, 10, 2, True)
    assert store.evidence(account.id) == []


def test_a_ban_racing_sign_ins_leaves_a_consistent_account(database_url: str) -> None:
    """One thread bans while the others sign in: each sign-in either committed before the
    ban (counted, its evidence kept) or is refused and left nothing."""
    stores, engines = _stores(database_url, RACERS)
    pseudonym = secrets.token_bytes(48)
    try:
        first, _ = stores[0].sign_in(pseudonym, 1000)

        def work(i: int, s: AccountStore) -> object:
            if i == RACERS // 2:
                s.ban(first.id)
                return "ban"
            return s.sign_in(pseudonym, 2000, evidence=(b"r%d" % i, b"p"))

        results = _race(stores, work)
        signed = [r for r in results if isinstance(r, tuple)]
        refused = [r for r in results if isinstance(r, RevokedError)]
        assert len(signed) + len(refused) == RACERS - 1  # nothing else, no store error
        account = stores[0].get(first.id)
        assert account.banned
        assert account.logins == 1 + len(signed)
        assert len(stores[0].evidence(first.id)) == len(signed)
    finally:
        for e in engines:
            e.dispose()


def test_racing_sign_ins_through_the_relying_party_share_one_account(
    nation: Nation, database_url: str
) -> None:
    """Several service workers (each its own ledger view and engine, one database) get
    first answers of one citizen at once: one account, every caller told it."""
    forum = nation.services["forum-b"]
    wallet = nation.enroll(new_citizen(nation))
    workers, engines = [], []
    for _ in range(8):
        engine = db.open_engine(database_url)
        engines.append(engine)
        workers.append(
            RelyingParty(
                did=forum.did,
                view=nation.view(),
                nonces=NonceStore(engine),
                accounts=AccountStore(engine),
                clock=nation.clock,
            )
        )
    queries = [Ask(id="identity", schema_id=IDENTITY.schema_id)]
    answers = [wallet.present(w.request(queries, purpose="registration")) for w in workers]
    try:
        barrier = threading.Barrier(len(workers))
        results: list[object] = [None] * len(workers)

        def run(i: int) -> None:
            barrier.wait()
            try:
                results[i] = workers[i].sign_in(answers[i])
            except Exception as exc:  # noqa: BLE001 - asserted on below
                results[i] = exc

        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(workers))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert [type(r).__name__ for r in results] == ["SignIn"] * len(workers)
        signed = [r for r in results if isinstance(r, SignIn)]
        assert len({s.account.id for s in signed}) == 1
        assert sum(s.created for s in signed) == 1
        assert workers[0].accounts.count() == 1
    finally:
        for e in engines:
            e.dispose()
