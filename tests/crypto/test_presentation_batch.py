"""verify_batch against verify: the same verdict for every item, whatever its place.

One MSM and one multi-pairing check the whole batch; when they fail,
bisection must name exactly the presentations a single verify rejects (a
forged one that decodes, and one that does not), and return what each valid
one discloses, in order. Also disclosed dates and integers, whose encoding
no other test reads back.
"""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from tools.world import CREDIT, EPOCH, IDENTITY, forum_statement, world

from realdid.crypto._backend import BP1
from realdid.crypto.presentation import (
    CredentialRequest,
    Presentation,
    PresentationBatchError,
    Statement,
    prove,
    verify,
    verify_batch,
)
from realdid.crypto.range_proof import generate_range_params
from realdid.errors import DecodeError, InvalidArgumentError, VerificationError


def _batch(count: int) -> list[tuple[Statement, bytes]]:
    alice, bob = world().alice.identity, world().bob.identity
    out = []
    for i in range(count):
        statement = forum_statement(f"did:realdid:svc:{i}".encode(), escrow=i % 2 == 0)
        statement = dataclasses.replace(statement, ranges=statement.ranges[1:])  # bob is 16
        out.append((statement, prove(statement, [alice if i % 3 else bob])))
    return out


def _forged(statement: Statement, octets: bytes) -> bytes:
    """Decodes, but one response is off: only the batched equations can tell."""
    p = Presentation.decode(octets, statement)
    responses = (p.responses[0] + p.responses[0], *p.responses[1:])
    return dataclasses.replace(p, responses=responses).encode(statement)


def test_a_valid_batch_returns_what_each_discloses_in_order() -> None:
    items = _batch(5)
    results = verify_batch(items)
    assert [r.disclosed for r in results] == [verify(s, o).disclosed for s, o in items]
    assert [r.pseudonym for r in results] == [verify(s, o).pseudonym for s, o in items]
    assert [r.escrow is not None for r in results] == [True, False, True, False, True]
    assert verify_batch([]) == []


@pytest.mark.parametrize("bad", [(0,), (4,), (1, 3), (0, 2, 4), (0, 1, 2, 3, 4)])
def test_a_batch_names_exactly_the_forged_presentations(bad: tuple[int, ...]) -> None:
    items = _batch(5)
    items = [(s, _forged(s, o) if i in bad else o) for i, (s, o) in enumerate(items)]
    for i, (s, o) in enumerate(items):  # what a single verify says
        if i in bad:
            with pytest.raises(VerificationError):
                verify(s, o)
    with pytest.raises(PresentationBatchError) as info:
        verify_batch(items)
    assert info.value.failed == bad
    assert str(info.value) == f"{len(bad)} of 5 presentations do not verify"


def test_a_batch_names_malformed_and_forged_items_together() -> None:
    items = _batch(4)
    s1, o1 = items[1]
    s2, o2 = items[2]
    items[1] = (s1, _forged(s1, o1))
    items[2] = (s2, o2 + b"\x00")  # trailing byte: DecodeError alone
    with pytest.raises(DecodeError):
        verify(s2, items[2][1])
    with pytest.raises(PresentationBatchError) as info:
        verify_batch(items)
    assert info.value.failed == (1, 2)
    items[1] = (s1, o1)  # only the malformed one left: named, the rest not
    with pytest.raises(PresentationBatchError) as info:
        verify_batch(items)
    assert info.value.failed == (2,)


def test_a_batch_with_a_changed_abar_names_it() -> None:
    """Abar changed: e(Abar, W) = e(Bbar, g2) fails in the batched pairing check."""
    items = _batch(3)
    s, o = items[1]
    p = Presentation.decode(o, s)
    cred = dataclasses.replace(p.credentials[0], Abar=p.credentials[0].Abar + BP1)
    items[1] = (s, dataclasses.replace(p, credentials=(cred,)).encode(s))
    with pytest.raises(PresentationBatchError) as info:
        verify_batch(items)
    assert info.value.failed == (1,)


# ------------------------------------------------------------------ disclosed dates and integers


def test_disclosed_dates_and_integers_read_back() -> None:
    w = world()
    statement = Statement(
        credentials=(
            CredentialRequest(
                IDENTITY, w.authority.pk, EPOCH, ("birth_date", "valid_until", "document_number")
            ),
            CredentialRequest(CREDIT, w.bank.pk, EPOCH, ("score",)),
        ),
        nonce=b"n",
        context_id=b"did:realdid:svc:dates",
    )
    credentials = [w.alice.identity, w.alice.credit]
    octets = prove(statement, credentials)
    disclosed = verify(statement, octets).disclosed
    assert disclosed == (
        {
            "birth_date": datetime.date(1990, 3, 7),
            "valid_until": datetime.date(2026, 12, 24),
            "document_number": b"E12345678",
        },
        {"score": 742},
    )
    days = (datetime.date(1990, 3, 7) - datetime.date(1970, 1, 1)).days
    assert octets[4:12] == days.to_bytes(8, "big", signed=True)  # schema order: birth_date first
    p = Presentation.decode(octets, statement)
    for name, value in (("birth_date", "1990-03-07"), ("document_number", 7)):
        wrong = {**p.disclosed[0], name: value}
        with pytest.raises(InvalidArgumentError):
            dataclasses.replace(p, disclosed=(wrong, p.disclosed[1])).encode(statement)
    with pytest.raises(InvalidArgumentError):
        dataclasses.replace(p, disclosed=(p.disclosed[0], {"score": "742"})).encode(statement)


def test_a_date_before_1970_is_disclosed_as_a_negative_day_count() -> None:
    w = world()
    statement = Statement(
        credentials=(CredentialRequest(IDENTITY, w.authority.pk, EPOCH, ("birth_date",)),),
        nonce=b"n",
        context_id=b"did:realdid:svc:dates",
    )
    old = dataclasses.replace(
        Presentation.decode(prove(statement, [w.alice.identity]), statement),
        disclosed=({"birth_date": datetime.date(1950, 1, 1)},),
    )
    octets = old.encode(statement)
    days = (datetime.date(1950, 1, 1) - datetime.date(1970, 1, 1)).days
    assert octets[4:12] == days.to_bytes(8, "big", signed=True)
    assert Presentation.decode(octets, statement).disclosed[0]["birth_date"] == datetime.date(
        1950, 1, 1
    )
    with pytest.raises(VerificationError):  # not what was signed
        verify(statement, octets)


def test_a_batch_mixes_range_parameter_sets() -> None:
    """Each set's key y enters the multi-pairing under its own name."""
    items = _batch(2)
    other = generate_range_params(16, 4)
    s, _ = items[1]
    s = dataclasses.replace(s, range_params=other)
    items.append((s, prove(s, [world().alice.identity])))
    assert len(verify_batch(items)) == 3
    forged = (s, _forged(s, items[2][1]))
    with pytest.raises(PresentationBatchError) as info:
        verify_batch([*items[:2], forged])
    assert info.value.failed == (2,)


def test_a_batch_goes_on_past_a_malformed_item() -> None:
    items = _batch(4)
    s0, o0 = items[0]
    s3, o3 = items[3]
    items[0] = (s0, o0[:-1])  # truncated: DecodeError
    items[3] = (s3, _forged(s3, o3))  # after it, a forgery that decodes
    with pytest.raises(PresentationBatchError) as info:
        verify_batch(items)
    assert info.value.failed == (0, 3)


def test_a_disclosed_value_of_65535_bytes_is_encoded_and_one_more_is_refused() -> None:
    w = world()
    statement = Statement(
        credentials=(CredentialRequest(IDENTITY, w.authority.pk, EPOCH, ("document_number",)),),
        nonce=b"n",
        context_id=b"did:realdid:svc:long",
    )
    p = Presentation.decode(prove(statement, [w.alice.identity]), statement)
    edge = dataclasses.replace(p, disclosed=({"document_number": b"d" * 65535},))
    octets = edge.encode(statement)
    assert octets[4:6] == b"\xff\xff"
    assert Presentation.decode(octets, statement).disclosed == edge.disclosed
    with pytest.raises(InvalidArgumentError):
        dataclasses.replace(p, disclosed=({"document_number": b"d" * 65536},)).encode(statement)
