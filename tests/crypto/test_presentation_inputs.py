"""Statements and presentations with awkward inputs (found by review): typed errors only,
an unambiguous statement digest, and no trust in unvalidated parameters."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from tools.world import CREDIT, EPOCH, forum_statement, world

from realdid.crypto._backend import BP1, G1_IDENTITY
from realdid.crypto.escrow import EscrowKey
from realdid.crypto.presentation import (
    AttributeRef,
    CredentialRequest,
    Presentation,
    PresentationBatchError,
    RangePredicate,
    Statement,
    prove,
    verify,
    verify_batch,
)
from realdid.errors import DecodeError, InvalidArgumentError, VerificationError


def _bad_statements() -> list[Any]:
    base = forum_statement()
    req = base.credentials[0]
    return [
        pytest.param({"nonce": "text"}, id="str-nonce"),
        pytest.param({"context_id": bytearray(b"x")}, id="bytearray-context"),
        pytest.param({"credentials": (dataclasses.replace(req, epoch=2**63),)}, id="huge-epoch"),
        pytest.param(
            {"credentials": (dataclasses.replace(req, epoch=1.5),)},  # type: ignore[arg-type]
            id="float-epoch",
        ),
        pytest.param(
            {"credentials": (dataclasses.replace(req, issuer_pk=bytearray(req.issuer_pk)),)},  # type: ignore[arg-type]
            id="bytearray-issuer",
        ),
        pytest.param(
            {"ranges": (RangePredicate(AttributeRef(0.0, "birth_date"), lower=1),)},  # type: ignore[arg-type]
            id="float-credential-index",
        ),
        pytest.param({"pseudonym_from": "0"}, id="str-pseudonym-index"),
        pytest.param({"credentials": [req]}, id="list-not-tuple"),
    ]


@pytest.mark.parametrize("change", _bad_statements())
def test_malformed_statement_inputs_are_typed_errors(change: dict[str, Any]) -> None:
    good = forum_statement()
    octets = prove(good, [world().alice.identity])
    bad = dataclasses.replace(good, **change)
    with pytest.raises(InvalidArgumentError):
        verify(bad, octets)
    with pytest.raises(InvalidArgumentError):
        prove(bad, [world().alice.identity])
    with pytest.raises(PresentationBatchError) as info:  # the batch names it, and goes on
        verify_batch([(good, octets), (bad, octets)])
    assert info.value.failed == (1,)


def _credit_statement() -> Statement:
    w = world()
    return Statement(
        credentials=(CredentialRequest(CREDIT, w.bank.pk, EPOCH, ("score", "credit_standing")),),
        nonce=b"n",
        context_id=b"did:realdid:svc:bank",
    )


def test_a_disclosed_integer_out_of_range_is_a_decode_error() -> None:
    statement = _credit_statement()
    octets = prove(statement, [world().alice.credit])
    assert verify(statement, octets).disclosed[0]["score"] == 742
    # magic, then disclosed values in schema order: credit_standing (u16 + "good"), score (i64)
    start = 4 + 2 + len(b"good")
    forged = octets[:start] + (2**62).to_bytes(8, "big") + octets[start + 8 :]
    with pytest.raises(DecodeError):
        verify(statement, forged)


def test_disclosure_order_does_not_change_the_statement() -> None:
    statement = _credit_statement()
    reordered = dataclasses.replace(
        statement,
        credentials=(
            dataclasses.replace(statement.credentials[0], disclosed=("credit_standing", "score")),
        ),
    )
    assert statement.digest == reordered.digest
    verify(reordered, prove(statement, [world().alice.credit]))


def test_different_equalities_give_different_digests() -> None:
    w = world()
    from tools.world import IDENTITY, MEDICAL

    def with_equal(left: str, right: str) -> Statement:
        return Statement(
            credentials=(
                CredentialRequest(IDENTITY, w.authority.pk, EPOCH),
                CredentialRequest(MEDICAL, w.hospital.pk, EPOCH),
            ),
            nonce=b"n",
            context_id=b"c",
            equal=((AttributeRef(0, left), AttributeRef(1, right)),),
        )

    assert with_equal("region", "region").digest != with_equal("name", "allergies").digest


def test_range_parameters_must_have_one_signature_per_digit_value() -> None:
    params = world().range_params
    with pytest.raises(InvalidArgumentError):
        dataclasses.replace(params, signatures=params.signatures[:-1])


def test_the_prover_refuses_unvalidated_parameters() -> None:
    params = world().range_params
    sigs = list(params.signatures)
    sigs[3] = sigs[3] + BP1
    bad = dataclasses.replace(params, signatures=tuple(sigs))
    with pytest.raises(VerificationError):
        prove(dataclasses.replace(forum_statement(), range_params=bad), [world().alice.identity])


def test_a_degenerate_escrow_key_is_refused() -> None:
    for point in (G1_IDENTITY, BP1):
        with pytest.raises(InvalidArgumentError):
            EscrowKey(point)


def test_presentation_round_trips() -> None:
    statement = forum_statement()
    octets = prove(statement, [world().alice.identity])
    assert Presentation.decode(octets, statement).encode(statement) == octets
