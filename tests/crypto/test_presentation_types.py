"""Every caller mistake in a presentation's inputs is a typed error (issue 9, section 4).

A table over every field of a :class:`Statement` (and of the requests inside it) times
wrongly typed values — bytes, str, int, None, a list of wrong things, bool — run
through all three entry points: ``prove`` and ``verify`` raise InvalidArgumentError,
and ``verify_batch`` names the bad item in ``PresentationBatchError.malformed`` while
still verifying the good items around it.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest
from tools.world import ADULT_CUTOFF, CREDIT, EPOCH, IDENTITY, MEDICAL, TODAY, world

from realdid.crypto.credential import Credential, commit_for_issuance
from realdid.crypto.escrow import EscrowLabel
from realdid.crypto.presentation import (
    AttributeRef,
    CredentialRequest,
    EscrowRequest,
    IssuanceCommitment,
    PresentationBatchError,
    RangePredicate,
    Statement,
    Verified,
    prove,
    verify,
    verify_batch,
)
from realdid.errors import InvalidArgumentError, VerificationError

NONCE = b"\x07" * 16
CONTEXT = b"did:realdid:svc:forum-a"


@dataclasses.dataclass(frozen=True)
class Full:
    """A statement that uses every field, its witnesses, and one valid proof of it."""

    statement: Statement
    credentials: tuple[Credential, ...]
    blind: bytes
    octets: bytes


@cache
def full() -> Full:
    w, alice = world(), world().alice
    commitment, blind = commit_for_issuance(CREDIT, alice.identity.holder_secret.to_be_bytes())
    statement = Statement(
        credentials=(
            CredentialRequest(IDENTITY, w.authority.pk, EPOCH, ("verified_resident",)),
            CredentialRequest(MEDICAL, w.hospital.pk, EPOCH, ("blood_type",)),
        ),
        nonce=NONCE,
        context_id=CONTEXT,
        request_digest=b"\x01" * 32,
        pseudonym_from=0,
        ranges=(
            RangePredicate(AttributeRef(0, "birth_date"), upper=ADULT_CUTOFF),
            RangePredicate(AttributeRef(0, "valid_until"), lower=TODAY),
        ),
        equal=((AttributeRef(0, "region"), AttributeRef(1, "region")),),
        equal_public=((AttributeRef(0, "nationality"), "CN"),),
        escrow=EscrowRequest(
            AttributeRef(0, "escrow_handle"),
            w.escrow_key,
            EscrowLabel(CONTEXT, NONCE, "account-registration", EPOCH),
        ),
        issuance=IssuanceCommitment(CREDIT, commitment),
        range_params=w.range_params,
    )
    credentials = (alice.identity, alice.medical)
    octets = prove(statement, credentials, issuance_blind=blind)
    return Full(statement, credentials, blind, octets)


# --- the table -------------------------------------------------------------------------

Change = Callable[[Statement], Statement]
WRONG: dict[str, Any] = {
    "bytes": b"x",
    "str": "x",
    "int": 7,
    "none": None,
    "list": [object(), 1],
    "bool": True,
}


def _top(name: str, value: Any) -> Change:
    return lambda s: dataclasses.replace(s, **{name: value})


def _credential(name: str, value: Any) -> Change:
    def change(s: Statement) -> Statement:
        first = dataclasses.replace(s.credentials[0], **{name: value})
        return dataclasses.replace(s, credentials=(first, *s.credentials[1:]))

    return change


def _range(name: str, value: Any) -> Change:
    def change(s: Statement) -> Statement:
        first = dataclasses.replace(s.ranges[0], **{name: value})
        return dataclasses.replace(s, ranges=(first, *s.ranges[1:]))

    return change


def _ref(name: str, value: Any) -> Change:
    """A wrong AttributeRef field, inside a range, an equality, public equality, escrow."""

    def change(s: Statement) -> Statement:
        bad = dataclasses.replace(AttributeRef(0, "birth_date"), **{name: value})
        return dataclasses.replace(
            s, ranges=(dataclasses.replace(s.ranges[0], ref=bad), *s.ranges[1:])
        )

    return change


def _escrow(name: str, value: Any) -> Change:
    def change(s: Statement) -> Statement:
        assert s.escrow is not None
        return dataclasses.replace(s, escrow=dataclasses.replace(s.escrow, **{name: value}))

    return change


def _label(name: str, value: Any) -> Change:
    def change(s: Statement) -> Statement:
        assert s.escrow is not None
        label = dataclasses.replace(s.escrow.label, **{name: value})
        return dataclasses.replace(s, escrow=dataclasses.replace(s.escrow, label=label))

    return change


def _issuance(name: str, value: Any) -> Change:
    def change(s: Statement) -> Statement:
        assert s.issuance is not None
        return dataclasses.replace(s, issuance=dataclasses.replace(s.issuance, **{name: value}))

    return change


REF = AttributeRef(0, "region")
#: (where, field) -> the kinds of WRONG that are in fact right there (so not in the table).
VALID: dict[tuple[str, str], set[str]] = {
    ("statement", "request_digest"): {"bytes"},
    ("statement", "pseudonym_from"): {"none"},
    ("statement", "escrow"): {"none"},
    ("statement", "issuance"): {"none"},
    ("credential", "epoch"): {"int"},
    ("range", "lower"): {"none"},  # the first range has only an upper bound
    ("label", "purpose"): {"str"},
    ("label", "epoch"): {"int"},
    ("issuance", "nym_offset"): {"none"},
}
FIELDS: dict[str, tuple[Callable[[str, Any], Change], tuple[str, ...]]] = {
    "statement": (_top, tuple(f.name for f in dataclasses.fields(Statement))),
    "credential": (_credential, ("schema", "issuer_pk", "epoch", "disclosed")),
    "range": (_range, ("ref", "lower", "upper")),
    "ref": (_ref, ("credential", "attribute")),
    "escrow": (_escrow, ("ref", "key", "label")),
    "label": (_label, ("context_id", "nonce", "purpose", "epoch")),
    "issuance": (_issuance, ("schema", "commitment", "source", "nym_offset")),
}
#: Shapes a caller gets wrong beyond the basic types: malformed entries of the tuples.
EXTRA: dict[str, Change] = {
    "credentials-list": _top("credentials", [None]),
    "credentials-empty": _top("credentials", ()),
    "credentials-nine": _top("credentials", full().statement.credentials[:1] * 9),
    "credentials-of-refs": _top("credentials", (REF,)),
    "disclosed-list": _credential("disclosed", ["verified_resident"]),
    "disclosed-of-bytes": _credential("disclosed", (b"verified_resident",)),
    "disclosed-unhashable": _credential("disclosed", (["verified_resident"],)),
    "issuer-pk-not-a-key": _credential("issuer_pk", b"\x00" * 96),
    "ranges-of-refs": _top("ranges", (REF,)),
    "range-datetime-bound": _range("upper", datetime.datetime(2008, 11, 24)),
    "range-int-on-a-date": _range("upper", 7),
    "equal-single": _top("equal", ((REF,),)),
    "equal-triple": _top("equal", ((REF, AttributeRef(1, "region"), REF),)),
    "equal-flat": _top("equal", (REF, AttributeRef(1, "region"))),
    "equal-of-str": _top("equal", (("region", "region"),)),
    "equal-list-pair": _top("equal", ([REF, AttributeRef(1, "region")],)),
    "equal-unhashable-ref": _top("equal", ((REF, AttributeRef(1, ["region"])),)),  # type: ignore[arg-type]
    "equal-public-single": _top("equal_public", ((AttributeRef(0, "nationality"),),)),
    "equal-public-bytes-for-text": _top("equal_public", ((AttributeRef(0, "nationality"), b"CN"),)),
    "equal-public-unhashable": _top("equal_public", ((AttributeRef(0, ["n"]), "CN"),)),  # type: ignore[arg-type]
    "equal-public-of-refs": _top("equal_public", (REF,)),
    "ranges-list": _top("ranges", list(full().statement.ranges)),
    "escrow-key-bytes": _escrow("key", world().escrow_key.encode()),
    "escrow-label-encoded": _escrow(
        "label", EscrowLabel(CONTEXT, NONCE, "account-registration", EPOCH).encode()
    ),
    "escrow-label-purpose-bytes": _label("purpose", b"account-registration"),
    "escrow-label-epoch-bool": _label("epoch", True),
    "issuance-schema-id": _issuance("schema", CREDIT.schema_id),
    "issuance-source-bool": _issuance("source", False),
    "issuance-commitment-bytearray": _issuance(
        "commitment",
        bytearray(full().statement.issuance.commitment),  # type: ignore[union-attr]
    ),
    "range-params-digest": _top("range_params", world().range_params.digest),
    "ciphersuite-name": _top("ciphersuite", "BLS12381G1_XMD:SHA-256_SSWU_RO_"),
    "ciphersuite-id": _top("ciphersuite", full().statement.ciphersuite.ciphersuite_id),
}


def _cases() -> list[Any]:
    cases = []
    for where, (make, names) in FIELDS.items():
        for name in names:
            for kind, value in WRONG.items():
                if kind not in VALID.get((where, name), set()):
                    cases.append(pytest.param(make(name, value), id=f"{where}.{name}-{kind}"))
    cases += [pytest.param(change, id=name) for name, change in EXTRA.items()]
    return cases


CASES = _cases()


def test_the_table_covers_every_statement_field() -> None:
    """A field added to Statement without a row here fails this test."""
    ids = {case.id.rsplit("-", 1)[0] for case in CASES}
    assert {f"statement.{f.name}" for f in dataclasses.fields(Statement)} <= ids
    assert len(CASES) > 200


@pytest.mark.parametrize("change", CASES)
def test_a_wrongly_typed_statement_is_refused_by_every_entry_point(change: Change) -> None:
    f = full()
    bad = change(f.statement)
    with pytest.raises(InvalidArgumentError):
        prove(bad, f.credentials, issuance_blind=f.blind)
    with pytest.raises(InvalidArgumentError):
        verify(bad, f.octets)
    with pytest.raises(PresentationBatchError) as info:
        verify_batch([(f.statement, f.octets), (bad, f.octets), (f.statement, f.octets)])
    assert info.value.failed == (1,)
    assert list(info.value.malformed) == [1]
    assert isinstance(info.value.malformed[1], InvalidArgumentError)
    assert [v is not None for v in info.value.verified] == [True, False, True]


@pytest.mark.parametrize(
    "bound",
    [TODAY, True, 2**62, -(2**62) - 1, "7", b"7", 7.0],
    ids=["date", "bool", "too-big", "too-small", "str", "bytes", "float"],
)
def test_a_wrong_bound_on_an_integer_attribute_is_refused(bound: Any) -> None:
    w = world()
    good = Statement(
        credentials=(CredentialRequest(CREDIT, w.bank.pk, EPOCH),),
        nonce=NONCE,
        context_id=CONTEXT,
        ranges=(RangePredicate(AttributeRef(0, "score"), lower=700),),
        range_params=w.range_params,
    )
    octets = prove(good, [w.alice.credit])
    bad = dataclasses.replace(good, ranges=(RangePredicate(AttributeRef(0, "score"), lower=bound),))
    with pytest.raises(InvalidArgumentError):
        prove(bad, [w.alice.credit])
    with pytest.raises(InvalidArgumentError):
        verify(bad, octets)
    with pytest.raises(PresentationBatchError) as info:
        verify_batch([(good, octets), (bad, octets)])
    assert list(info.value.malformed) == [1]
    assert info.value.verified[0] == verify(good, octets)


# --- the other arguments --------------------------------------------------------------


@pytest.mark.parametrize(
    "witnesses",
    [*WRONG.values(), [b"a", b"b"], ("x", "y"), [None, None], {0: 1}, "ab"],
    ids=[*WRONG, "list-of-bytes", "tuple-of-str", "list-of-none", "dict", "two-chars"],
)
def test_witnesses_that_are_not_credentials_are_refused(witnesses: Any) -> None:
    f = full()
    with pytest.raises(InvalidArgumentError):
        prove(f.statement, witnesses, issuance_blind=f.blind)


def test_one_witness_of_another_type_or_count_is_refused() -> None:
    f = full()
    for wrong_count in (f.credentials[:1], f.credentials * 2, ()):
        with pytest.raises(InvalidArgumentError):
            prove(f.statement, wrong_count, issuance_blind=f.blind)
    with pytest.raises(InvalidArgumentError):
        prove(f.statement, (f.credentials[0], f.statement), issuance_blind=f.blind)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "blind", ["x", 7, True, [b"x"], None], ids=["str", "int", "bool", "list", "missing"]
)
def test_a_wrongly_typed_issuance_blind_is_refused(blind: Any) -> None:
    f = full()
    with pytest.raises(InvalidArgumentError):
        prove(f.statement, f.credentials, issuance_blind=blind)


@pytest.mark.parametrize("statement", [*WRONG.values(), {"nonce": b"n"}], ids=[*WRONG, "dict"])
def test_a_statement_that_is_not_one_is_refused(statement: Any) -> None:
    f = full()
    with pytest.raises(InvalidArgumentError):
        prove(statement, f.credentials)
    with pytest.raises(InvalidArgumentError):
        verify(statement, f.octets)
    with pytest.raises(PresentationBatchError) as info:
        verify_batch([(statement, f.octets), (f.statement, f.octets)])
    assert list(info.value.malformed) == [0]
    assert info.value.verified[1] is not None


@pytest.mark.parametrize("octets", ["x", 7, None, True, [b"x"]], ids=["str", "int", "none",
                                                                   "bool", "list"])  # fmt: skip
def test_a_presentation_that_is_not_bytes_is_refused(octets: Any) -> None:
    f = full()
    with pytest.raises(InvalidArgumentError):
        verify(f.statement, octets)
    with pytest.raises(PresentationBatchError) as info:
        verify_batch([(f.statement, octets), (f.statement, f.octets)])
    assert info.value.failed == (0,)
    assert info.value.malformed == {}  # the statement is fine: the answer is bad


@pytest.mark.parametrize("items", [None, 7, True], ids=["none", "int", "bool"])
def test_a_batch_that_is_not_iterable_is_refused(items: Any) -> None:
    with pytest.raises(InvalidArgumentError):
        verify_batch(items)


@pytest.mark.parametrize(
    "item", [None, b"x", (), ("a",), ("a", "b", "c"), [None, None]],
    ids=["none", "bytes", "empty", "single", "triple", "list-of-none"],
)  # fmt: skip
def test_a_batch_item_that_is_not_a_pair_is_named(item: Any) -> None:
    f = full()
    with pytest.raises(PresentationBatchError) as info:
        verify_batch([(f.statement, f.octets), item])
    assert info.value.failed == (1,)
    assert list(info.value.malformed) == [1]


def test_a_blind_without_an_issuance_commitment_is_refused() -> None:
    f = full()
    with pytest.raises(InvalidArgumentError):
        prove(
            dataclasses.replace(f.statement, issuance=None), f.credentials, issuance_blind=f.blind
        )


# --- one malformed and one forged item in one batch ----------------------------------


def _forged(octets: bytes) -> bytes:
    """The proof with one response changed: well formed, does not verify."""
    position = len(octets) - 10  # inside b^, the last scalar
    return octets[:position] + bytes([octets[position] ^ 1]) + octets[position + 1 :]


def test_a_batch_with_a_malformed_and_a_forged_item_names_both_and_verifies_the_rest() -> None:
    """Contract: every item is looked at. ``failed`` = every position a single verify
    rejects (sorted); ``malformed`` = those whose statement is the caller's mistake, with
    the error a single verify raises; ``verified`` = per position, what a valid item
    discloses, None for the failed ones."""
    f = full()
    forged = _forged(f.octets)
    with pytest.raises(VerificationError):
        verify(f.statement, forged)
    malformed = dataclasses.replace(f.statement, ciphersuite="BLS12-381")  # type: ignore[arg-type]
    good = verify(f.statement, f.octets)
    items = [
        (f.statement, f.octets),
        (malformed, f.octets),
        (f.statement, forged),
        (f.statement, f.octets),
    ]
    with pytest.raises(PresentationBatchError) as info:
        verify_batch(items)
    error = info.value
    assert error.failed == (1, 2)
    assert list(error.malformed) == [1]
    assert isinstance(error.malformed[1], InvalidArgumentError)
    assert error.verified == (good, None, None, good)
    assert "1 malformed" in str(error)
    assert isinstance(error, VerificationError)  # as before for callers that catch that
    # The good items are checked, not passed through: forge one of them and it is named.
    items[3] = (f.statement, forged)
    with pytest.raises(PresentationBatchError) as info:
        verify_batch(items)
    assert info.value.failed == (1, 2, 3)
    assert info.value.verified == (good, None, None, None)


def test_a_batch_of_good_items_returns_what_each_discloses() -> None:
    f = full()
    verified = verify_batch([(f.statement, f.octets)] * 2)
    assert len(verified) == 2
    assert all(isinstance(v, Verified) for v in verified)
    assert verified[0] == verify(f.statement, f.octets)
