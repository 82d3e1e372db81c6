"""Shares are judged against the trustee set the escrow was sealed to and decoded
strictly, on admission and in anyone's audit; a bad one names its author; malformed
audit arguments are typed errors."""

from __future__ import annotations

import json
from typing import cast

import pytest

from realdid.credentials.opening import OpeningEvidence
from realdid.credentials.request import Ask
from realdid.credentials.schemas import IDENTITY
from realdid.credentials.view import LedgerView
from realdid.crypto._backend import BP1, Scalar
from realdid.crypto.threshold import PartialDecryption
from realdid.errors import DecodeError, InvalidArgumentError, NotFoundError, RealDIDError
from realdid.ledger.entries import Entry, EntryType, OpeningShareBody, b64url
from realdid.sandbox import Nation
from realdid.trustee.opening import BadShareError, check_opening, file_opening_request
from tests.people import new_citizen

#: Index 4, then 48 bytes that are no point of G1, then two scalars.
JUNK = (4).to_bytes(2, "big") + b"\xff" * 48 + bytes(64)


class _Forged:
    """The ledger as a chain that enforces no rule could show it: some entries replaced."""

    def __init__(self, view: LedgerView, entries: dict[int, Entry]) -> None:
        self.view, self.entries = view, entries

    def entry(self, index: int) -> Entry:
        return self.entries[index] if index in self.entries else self.view.entry(index)

    def __getattr__(self, name: str) -> object:
        return getattr(self.view, name)


def _opened(nation: Nation) -> tuple[int, int, list[int]]:
    bank = nation.services["bank-1"]
    wallet = nation.enroll(new_citizen(nation))
    query = [Ask(id="identity", schema_id=IDENTITY.schema_id)]
    signed = bank.sign_in(wallet.present(bank.request(query, purpose="account")))
    evidence = OpeningEvidence(*bank.accounts.evidence(signed.account.id)[0])
    filed = file_opening_request(nation.court, nation.ledger, view=nation.view(), case="S-1",
                                 warrant=b"w", service=bank.did, evidence=evidence)  # fmt: skip
    blinding = nation.authority.blind_opening(filed.index, evidence)
    shares = [t.approve(t.review(filed.index, evidence), blinding) for t in nation.trustees[:3]]
    return filed.index, blinding, shares


def _entry_as(nation: Nation, trustee: int, body: dict[str, object]) -> Entry:
    did = nation.trustees[trustee].identity.did
    return Entry.model_validate_json(json.dumps(
        {"v": 1, "type": EntryType.OPENING_SHARE.value, "author": did, "key": f"{did}#ledger-1",
         "time": 0, "prev": None, "body": body, "sig": b64url(bytes(64))}
    ))  # fmt: skip


def test_an_undecodable_share_is_refused_on_admission(nation: Nation) -> None:
    request, blinding, _ = _opened(nation)
    body = {"request": request, "blinding": blinding, "share": b64url(JUNK)}
    with pytest.raises(ValueError, match="partial decryption D_j"):
        OpeningShareBody.model_validate(body)
    with pytest.raises(DecodeError):  # the author's own check refuses to sign it
        nation.trustees[3].identity.sign(EntryType.OPENING_SHARE, body, 0)
    good = PartialDecryption(4, BP1, Scalar(1), Scalar(2)).to_bytes()
    OpeningShareBody.model_validate({**body, "share": b64url(good)})  # the probe is live


def test_an_undecodable_share_on_the_ledger_names_its_author(nation: Nation) -> None:
    request, blinding, shares = _opened(nation)
    junk = _entry_as(nation, 3, {"request": request, "blinding": blinding, "share": b64url(JUNK)})
    view = cast(LedgerView, _Forged(nation.view(), {shares[2]: junk}))
    with pytest.raises(BadShareError) as named:
        check_opening(view, request, blinding, shares)
    assert named.value.trustees == (nation.trustees[3].identity.did,)


def test_a_share_under_another_trustees_index_names_its_true_author(nation: Nation) -> None:
    """The registry refuses it; a ledger that does not (a chain) is caught by the audit,
    which blames the entry's author, not the trustee whose index it claims."""
    request, blinding, shares = _opened(nation)
    view = nation.view()
    honest = OpeningShareBody.model_validate(view.entry(shares[0]).body)  # trustee-1's
    stolen = _entry_as(nation, 4, honest.model_dump())  # re-posted by trustee-5
    with pytest.raises(BadShareError) as named:
        check_opening(cast(LedgerView, _Forged(view, {shares[0]: stolen})), request, blinding,
                      shares)  # fmt: skip
    assert named.value.trustees == (nation.trustees[4].identity.did,)
    check_opening(view, request, blinding, shares)


@pytest.mark.parametrize(
    ("where", "value", "error"),
    [
        ("request", 2**70, NotFoundError),
        ("request", -1, InvalidArgumentError),
        ("request", True, InvalidArgumentError),
        ("blinding", 2**70, NotFoundError),
        ("blinding", "1", InvalidArgumentError),
        ("share", 2**70, NotFoundError),
        ("share", 10**9, NotFoundError),
        ("share", "1", InvalidArgumentError),
        ("share", -1, InvalidArgumentError),
    ],
)
def test_bad_audit_arguments_are_typed_errors(
    nation: Nation, where: str, value: object, error: type[RealDIDError]
) -> None:
    request, blinding, shares = _opened(nation)
    args: dict[str, object] = {"request": request, "blinding": blinding}
    listed: list[object] = list(shares)
    if where == "share":
        listed[0] = value
    else:
        args[where] = value
    with pytest.raises(error):
        check_opening(nation.view(), args["request"], args["blinding"], listed)  # type: ignore[arg-type]
