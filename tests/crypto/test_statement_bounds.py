"""Statement rules at their edges: range bounds in [-2^62, 2^62), credential refs in range,
predicates only on hidden values."""

from __future__ import annotations

import dataclasses

import pytest
from tools.world import CREDIT, EPOCH, forum_statement, world

from realdid.crypto.credential import INTEGER_OFFSET
from realdid.crypto.presentation import (
    AttributeRef,
    CredentialRequest,
    RangePredicate,
    Statement,
)
from realdid.errors import InvalidArgumentError


def _score(**bounds: object) -> Statement:
    w = world()
    return Statement(
        credentials=(CredentialRequest(CREDIT, w.bank.pk, EPOCH),),
        nonce=b"n",
        context_id=b"did:realdid:svc:bank",
        ranges=(RangePredicate(AttributeRef(0, "score"), **bounds),),  # type: ignore[arg-type]
        range_params=w.range_params,
    )


@pytest.mark.parametrize("bound", [-INTEGER_OFFSET, INTEGER_OFFSET - 1, 0, -1])
def test_integer_bounds_at_the_edges_are_accepted(bound: int) -> None:
    for statement in (_score(lower=bound), _score(upper=bound)):
        assert len(statement.digest) == 32


@pytest.mark.parametrize("bound", [-INTEGER_OFFSET - 1, INTEGER_OFFSET, True, 1.5, "7"])
def test_integer_bounds_beyond_the_edges_or_not_ints_are_refused(bound: object) -> None:
    for statement in (_score(lower=bound), _score(upper=bound)):
        with pytest.raises(InvalidArgumentError):
            statement.layout  # noqa: B018


def test_distinct_bounds_give_distinct_digests() -> None:
    digests = {_score(lower=b).digest for b in (-INTEGER_OFFSET, -1, 0, 1, INTEGER_OFFSET - 1)}
    assert len(digests) == 5


def test_a_reference_one_past_the_last_credential_is_refused() -> None:
    base = forum_statement(escrow=False)
    for change in (
        {"ranges": (RangePredicate(AttributeRef(1, "birth_date"), lower=1),)},
        {"equal": ((AttributeRef(0, "region"), AttributeRef(1, "region")),)},
        {"equal_public": ((AttributeRef(1, "nationality"), "CN"),)},
        {"pseudonym_from": 1},
    ):
        with pytest.raises(InvalidArgumentError):
            dataclasses.replace(base, **change).layout  # noqa: B018


def test_predicates_on_disclosed_values_are_refused() -> None:
    base = forum_statement(escrow=False)  # discloses region and verified_resident
    request = dataclasses.replace(base.credentials[0], disclosed=("region", "birth_date"))
    with pytest.raises(InvalidArgumentError):
        dataclasses.replace(base, credentials=(request,)).layout  # noqa: B018
    equal = ((AttributeRef(0, "region"), AttributeRef(0, "nationality")),)
    with pytest.raises(InvalidArgumentError):
        dataclasses.replace(base, equal=equal).layout  # noqa: B018
