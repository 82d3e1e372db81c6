"""The relying-party SDK at its boundary: every bad answer is a typed error and leaves the
service's database exactly as it was."""

from __future__ import annotations

import json

import pytest

from realdid.credentials.request import Ask
from realdid.credentials.schemas import IDENTITY
from realdid.errors import (
    DecodeError,
    NotFoundError,
    RealDIDError,
    ReplayError,
    RevokedError,
    VerificationError,
)
from realdid.sandbox import Nation
from realdid.verifier.relying_party import RelyingParty
from realdid.wallet.wallet import Wallet
from tests.people import new_citizen
from tests.snapshots import dump


@pytest.fixture
def citizen(nation: Nation) -> Wallet:
    return nation.enroll(new_citizen(nation))


def _query(nation: Nation) -> list[Ask]:
    return [Ask(id="identity", schema_id=IDENTITY.schema_id, predicates=("adult",))]


def _forum(nation: Nation) -> RelyingParty:
    return nation.services["forum-b"]


def test_malformed_answers_are_typed_errors_and_change_nothing(
    nation: Nation, citizen: Wallet
) -> None:
    forum = _forum(nation)
    request = forum.request(_query(nation), purpose="registration")
    good = citizen.present(request)
    document = json.loads(good)
    proof = document["proof"]["proofValue"]
    flipped = proof[:100] + ("A" if proof[100] != "A" else "B") + proof[101:]
    bad_answers = [
        b"",
        b"not json",
        b"{}",
        good[:-10],
        json.dumps({**document, "extra": 1}).encode(),
        json.dumps({**document, "proof": {**document["proof"], "proofValue": flipped}}).encode(),
        json.dumps({**document, "proof": {**document["proof"], "challenge": "AAAA"}}).encode(),
        json.dumps({**document, "holder": "urn:realdid:pseudonym:AAAA"}).encode(),
        json.dumps({**document, "verifiableCredential": [
            {**document["verifiableCredential"][0], "credentialSubject": {"name": "x"}}]}).encode(),
        json.dumps({**document, "verifiableCredential": [
            {**document["verifiableCredential"][0], "epoch": 0}]}).encode(),
    ]  # fmt: skip
    before = dump(forum.accounts.engine)
    for answer in bad_answers:
        with pytest.raises(RealDIDError):
            forum.sign_in(answer)
        assert dump(forum.accounts.engine) == before
    assert forum.sign_in(good).created  # the nonce was not burnt by the bad answers


def test_nonces_are_single_use_and_expire(nation: Nation, citizen: Wallet) -> None:
    forum = _forum(nation)
    request = forum.request(_query(nation), purpose="registration")
    answer = citizen.present(request)
    forum.sign_in(answer)
    late = forum.request(_query(nation), purpose="login", ttl=60)
    late_answer = citizen.present(late)
    other = nation.services["forum-a"].request(_query(nation), purpose="login")
    other_answer = citizen.present(other)
    before = dump(forum.accounts.engine)
    with pytest.raises(ReplayError):
        forum.sign_in(answer)
    nation.clock.advance(1 / 24)
    try:
        with pytest.raises(ReplayError):
            forum.sign_in(late_answer)
    finally:
        nation.clock.advance(-1 / 24)
    with pytest.raises(NotFoundError):  # forum B never issued forum A's nonce
        forum.sign_in(other_answer)
    assert dump(forum.accounts.engine) == before


def test_a_ban_sticks_and_changes_nothing_on_the_next_try(nation: Nation, citizen: Wallet) -> None:
    forum = _forum(nation)
    account = forum.sign_in(citizen.present(forum.request(_query(nation), purpose="registration")))
    forum.ban(account.account)
    answer = citizen.present(forum.request(_query(nation), purpose="registration"))
    before = dump(forum.accounts.engine)
    with pytest.raises(RevokedError):
        forum.sign_in(answer)
    assert dump(forum.accounts.engine) == before


def test_step_up_is_bound_to_the_account_and_the_transaction(
    nation: Nation, citizen: Wallet
) -> None:
    bank = nation.services["bank-1"]
    queries = [Ask(id="identity", schema_id=IDENTITY.schema_id)]
    mine = bank.sign_in(citizen.present(bank.request(queries, purpose="account"))).account
    other = nation.enroll(new_citizen(nation))
    bank.sign_in(other.present(bank.request(queries, purpose="account")))
    transfer = b'{"amount": "100.00", "to": "CN99"}'
    with pytest.raises(VerificationError):  # someone else's approval
        bank.confirm(
            mine, transfer, other.present(bank.step_up(transfer, queries, purpose="transfer"))
        )
    with pytest.raises(VerificationError):  # an approval without the transaction
        bank.confirm(mine, transfer, citizen.present(bank.request(queries, purpose="transfer")))
    approval = citizen.present(bank.step_up(transfer, queries, purpose="transfer"))
    before = dump(bank.accounts.engine)
    with pytest.raises(VerificationError):  # for another transaction: nothing is used up
        bank.confirm(mine, transfer + b"!", approval)
    assert dump(bank.accounts.engine) == before
    bank.confirm(mine, transfer, approval)


def test_a_retired_issuer_key_is_refused_from_the_next_checkpoint(nation: Nation) -> None:
    wallet = nation.enroll(new_citizen(nation))
    old_key = nation.authority.current_key
    assert old_key is not None
    forum = _forum(nation)
    answer = wallet.present(forum.request(_query(nation), purpose="registration"))
    nation.authority.rotate_key("bbs-after-compromise")
    nation.authority.retire_key(old_key, "compromised")
    with pytest.raises(RevokedError):  # no manual refresh: the SDK reads the latest checkpoint
        forum.sign_in(answer)
    with pytest.raises(DecodeError):
        forum.sign_in(b"\xff")
