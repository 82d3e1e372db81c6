"""The presentation proof: completeness, soundness, privacy (issue #4).

Completeness for every combination of relations with 1-3 credentials; a
false statement is refused by the prover and, forced through, does not
verify; every field tampered in turn fails; context, nonce and ciphertext
cannot be moved between presentations; presentations share nothing but
public constants; shapes do not depend on the holder.
"""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import secrets
from typing import Any

import pytest
from tools.world import (
    ADULT_CUTOFF,
    CREDIT,
    EPOCH,
    IDENTITY,
    MEDICAL,
    TODAY,
    Holder,
    forum_statement,
    world,
)

from realdid.crypto._backend import BP1, G1, Scalar, encode_g1, encode_scalar
from realdid.crypto.credential import (
    AttributeValue,
    Credential,
    Kind,
    credential_api,
    encode_attribute,
)
from realdid.crypto.escrow import EscrowLabel
from realdid.crypto.presentation import (
    AttributeRef,
    CredentialRequest,
    EscrowRequest,
    Presentation,
    RangePredicate,
    Statement,
    prove,
    read,
    verify,
)
from realdid.errors import DecodeError, InvalidArgumentError, StatementError, VerificationError

RELATIONS = ("disclose", "pseudonym", "range", "escrow", "equality", "public")


def build(
    relations: frozenset[str], count: int, holder: Holder
) -> tuple[Statement, list[Credential]]:
    w = world()
    disclose = "disclose" in relations
    requests = [
        CredentialRequest(
            IDENTITY, w.authority.pk, EPOCH, ("verified_resident",) if disclose else ()
        )
    ]
    credentials = [holder.identity]
    if count >= 2:
        requests.append(
            CredentialRequest(
                MEDICAL, w.hospital.pk, EPOCH, ("blood_type", "allergies") if disclose else ()
            )
        )
        credentials.append(holder.medical)
    if count >= 3:
        requests.append(
            CredentialRequest(CREDIT, w.bank.pk, EPOCH, ("credit_standing",) if disclose else ())
        )
        credentials.append(holder.credit)
    nonce, context = secrets.token_bytes(16), b"did:realdid:svc:test"
    ranges: list[RangePredicate] = []
    if "range" in relations:
        ranges += [
            RangePredicate(AttributeRef(0, "birth_date"), upper=ADULT_CUTOFF),
            RangePredicate(AttributeRef(0, "valid_until"), lower=TODAY),
        ]
        if count >= 3:
            ranges.append(RangePredicate(AttributeRef(2, "score"), lower=700, upper=850))
    statement = Statement(
        credentials=tuple(requests),
        nonce=nonce,
        context_id=context,
        pseudonym_from=0 if "pseudonym" in relations else None,
        ranges=tuple(ranges),
        equal=((AttributeRef(0, "region"), AttributeRef(1, "region")),)
        if "equality" in relations and count >= 2
        else (),
        escrow=EscrowRequest(
            AttributeRef(0, "escrow_handle"),
            w.escrow_key,
            EscrowLabel(context, nonce, "test", EPOCH),
        )
        if "escrow" in relations
        else None,
        range_params=w.range_params if ranges else None,
        equal_public=((AttributeRef(0, "nationality"), "CN"),)
        + (((AttributeRef(1, "chronic_conditions"), "none"),) if count >= 2 else ())
        if "public" in relations
        else (),
    )  # fmt: skip
    return statement, credentials


def _combinations() -> list[Any]:
    out: list[Any] = []
    for count in (1, 2, 3):
        applicable = [r for r in RELATIONS if not (r == "equality" and count == 1)]
        for size in range(len(applicable) + 1):
            for combo in itertools.combinations(applicable, size):
                out.append(
                    pytest.param(
                        frozenset(combo), count, id=f"{count}cred-{'+'.join(combo) or 'none'}"
                    )
                )
    return out


@pytest.mark.parametrize(("relations", "count"), _combinations())
def test_completeness_for_every_combination(relations: frozenset[str], count: int) -> None:
    holder = world().alice
    statement, credentials = build(relations, count, holder)
    verified = verify(statement, prove(statement, credentials))
    for k, request in enumerate(statement.credentials):
        assert verified.disclosed[k] == {n: credentials[k].values[n] for n in request.disclosed}
    assert (verified.pseudonym is not None) == ("pseudonym" in relations)
    assert (verified.escrow is not None) == ("escrow" in relations)


# ------------------------------------------------------------------ soundness: false statements


def test_a_minor_cannot_prove_adulthood() -> None:
    with pytest.raises(StatementError):
        prove(forum_statement(), [world().bob.identity])


def test_an_expired_credential_cannot_prove_validity() -> None:
    w = world()
    late = dataclasses.replace(
        forum_statement(escrow=False),
        ranges=(RangePredicate(AttributeRef(0, "valid_until"), lower=datetime.date(2027, 1, 1)),),
    )
    with pytest.raises(StatementError):
        prove(late, [w.alice.identity])


def test_credentials_of_two_holders_cannot_be_combined() -> None:
    w = world()
    statement, _ = build(frozenset(), 2, w.alice)
    with pytest.raises(StatementError):
        prove(statement, [w.alice.identity, w.bob.medical])


def test_a_false_equality_is_refused() -> None:
    w = world()
    statement, _ = build(frozenset(), 2, w.alice)
    other_region = dataclasses.replace(
        statement, equal=((AttributeRef(0, "region"), AttributeRef(1, "blood_type")),)
    )
    with pytest.raises((StatementError, InvalidArgumentError)):
        prove(other_region, [w.alice.identity, w.alice.medical])


def _lie(credential: Credential, name: str, value: AttributeValue) -> Credential:
    """The holder's credential with one value replaced in the wallet (not re-signed)."""
    schema = credential.schema
    scalars = list(credential.scalars)
    api = credential_api(credential.ciphersuite)
    scalars[schema.index(name)] = encode_attribute(schema.kind(name), value, api)
    return dataclasses.replace(
        credential, values={**credential.values, name: value}, scalars=tuple(scalars)
    )


def test_a_forced_false_age_does_not_verify() -> None:
    statement = forum_statement()
    forged = _lie(world().bob.identity, "birth_date", datetime.date(1990, 1, 1))
    with pytest.raises(VerificationError):
        verify(statement, prove(statement, [forged]))


def test_a_forced_false_disclosure_does_not_verify() -> None:
    statement = forum_statement()
    forged = _lie(world().alice.identity, "region", "Shanghai")
    with pytest.raises(VerificationError):
        verify(statement, prove(statement, [forged]))


def test_a_forced_holder_binding_does_not_verify() -> None:
    w = world()
    statement, _ = build(frozenset(), 2, w.alice)
    foreign = dataclasses.replace(w.bob.medical, scalars=tuple(
        w.alice.identity.holder_secret if i == MEDICAL.holder_secret_index else s
        for i, s in enumerate(w.bob.medical.scalars)
    ))  # fmt: skip
    with pytest.raises(VerificationError):
        verify(statement, prove(statement, [w.alice.identity, foreign]))


def test_a_false_public_equality_is_refused_and_forced_fails() -> None:
    alice = world().alice.identity
    statement = dataclasses.replace(
        forum_statement(), equal_public=((AttributeRef(0, "nationality"), "US"),)
    )
    with pytest.raises(StatementError):
        prove(statement, [alice])
    forged = _lie(alice, "nationality", "US")
    with pytest.raises(VerificationError):
        verify(statement, prove(statement, [forged]))


def test_a_public_equality_sends_no_value_and_binds_the_value() -> None:
    alice = world().alice.identity
    cn = dataclasses.replace(
        forum_statement(), equal_public=((AttributeRef(0, "nationality"), "CN"),)
    )
    octets = prove(cn, [alice])
    assert verify(cn, octets).disclosed == ({"region": "Beijing", "verified_resident": "true"},)
    # Neither the value nor its signed scalar travels (the text alone is two
    # bytes, which random proof bytes hold by chance: check the 32-byte scalar).
    signed = encode_attribute(Kind.TEXT, "CN", credential_api(alice.ciphersuite))
    assert encode_scalar(signed) not in octets
    plain = prove(dataclasses.replace(cn, equal_public=()), [alice])
    # nothing added: the attribute's response is even dropped (the verifier knows the value)
    assert len(octets) == len(plain) - 32
    # the values sent are the disclosed ones only
    shown = 4 + 2 + len(b"Beijing") + 2 + len(b"true")
    assert octets[4:shown] == b"\x00\x07Beijing\x00\x04true"
    other = dataclasses.replace(cn, equal_public=((AttributeRef(0, "nationality"), "FR"),))
    with pytest.raises(VerificationError):
        verify(other, octets)


# ------------------------------------------------------------------ soundness: tampering


def _points_and_scalars(p: Presentation) -> list[tuple[str, object]]:
    fields: list[tuple[str, object]] = []
    for name in ("pseudonym", "Ut"):
        fields.append((name, getattr(p, name)))
    for k, c in enumerate(p.credentials):
        fields += [(f"cred{k}.{f.name}", getattr(c, f.name)) for f in dataclasses.fields(c)]
    fields += [(f"response{i}", s) for i, s in enumerate(p.responses)]
    for j, r in enumerate(p.ranges):
        for f in dataclasses.fields(r):
            fields += [(f"range{j}.{f.name}[{i}]", v) for i, v in enumerate(getattr(r, f.name))]
    if p.escrow is not None:
        fields += [(f"escrow.{n}", getattr(p.escrow, n)) for n in ("T_U", "T_V", "r_hat")]
        ct = p.escrow.ciphertext
        fields += [
            (f"ciphertext.{n}", getattr(ct, n)) for n in ("U", "V", "U_hat", "W", "W_hat", "f")
        ]
    return fields


def _replace(p: Presentation, path: str) -> Presentation:
    """Replace the field at ``path`` by another valid value of its type."""

    def other(value: Any) -> Any:
        return value * Scalar(3) if isinstance(value, G1) else value + Scalar(1)

    head, _, rest = path.partition(".")
    if head in ("pseudonym", "Ut"):
        return dataclasses.replace(p, **{head: other(getattr(p, head))})
    if head.startswith("response"):
        i = int(head[len("response") :])
        responses = list(p.responses)
        responses[i] = other(responses[i])
        return dataclasses.replace(p, responses=tuple(responses))
    if head.startswith("cred"):
        k = int(head[4:])
        creds = list(p.credentials)
        creds[k] = dataclasses.replace(creds[k], **{rest: other(getattr(creds[k], rest))})
        return dataclasses.replace(p, credentials=tuple(creds))
    if head.startswith("range"):
        j = int(head[5:])
        name, index = rest[:-1].split("[")
        values = list(getattr(p.ranges[j], name))
        values[int(index)] = other(values[int(index)])
        ranges = list(p.ranges)
        ranges[j] = dataclasses.replace(ranges[j], **{name: tuple(values)})
        return dataclasses.replace(p, ranges=tuple(ranges))
    assert p.escrow is not None
    if head == "escrow":
        return dataclasses.replace(
            p, escrow=dataclasses.replace(p.escrow, **{rest: other(getattr(p.escrow, rest))})
        )
    ct = dataclasses.replace(
        p.escrow.ciphertext, **{rest: other(getattr(p.escrow.ciphertext, rest))}
    )
    return dataclasses.replace(p, escrow=dataclasses.replace(p.escrow, ciphertext=ct))


@pytest.fixture(scope="module")
def full() -> tuple[Statement, Presentation]:
    w = world()
    statement, credentials = build(frozenset(RELATIONS), 3, w.alice)
    return statement, Presentation.decode(prove(statement, credentials), statement)


def test_every_field_tampered_in_turn_fails(full: tuple[Statement, Presentation]) -> None:
    statement, p = full
    verify(statement, p.encode(statement))
    paths = [name for name, value in _points_and_scalars(p) if value is not None]
    assert len(paths) > 60  # every point and scalar of a 3-credential presentation
    for path in paths:
        tampered = _replace(p, path).encode(statement)
        with pytest.raises(VerificationError):
            verify(statement, tampered)


def test_tampered_disclosed_values_fail(full: tuple[Statement, Presentation]) -> None:
    statement, p = full
    for k, values in enumerate(p.disclosed):
        for name, value in values.items():
            changed = list(p.disclosed)
            changed[k] = {**values, name: value + "x" if isinstance(value, str) else value}
            with pytest.raises(VerificationError):
                verify(
                    statement, dataclasses.replace(p, disclosed=tuple(changed)).encode(statement)
                )


def test_presentation_for_context_a_fails_for_context_b() -> None:
    nonce = secrets.token_bytes(16)
    a = forum_statement(b"did:realdid:svc:forum-a", nonce)
    b = forum_statement(b"did:realdid:svc:forum-b", nonce)
    with pytest.raises(VerificationError):
        verify(b, prove(a, [world().alice.identity]))


def test_replay_against_a_new_nonce_fails() -> None:
    old, new = forum_statement(), forum_statement()
    with pytest.raises(VerificationError):
        verify(new, prove(old, [world().alice.identity]))


def test_a_swapped_ciphertext_fails() -> None:
    statement = forum_statement()
    alice = world().alice.identity
    mine = Presentation.decode(prove(statement, [alice]), statement)
    theirs = Presentation.decode(prove(statement, [alice]), statement)  # same request, other r
    assert mine.escrow is not None
    assert theirs.escrow is not None
    swapped = dataclasses.replace(
        mine, escrow=dataclasses.replace(mine.escrow, ciphertext=theirs.escrow.ciphertext)
    )
    with pytest.raises(VerificationError):
        verify(statement, swapped.encode(statement))
    other = forum_statement()  # another request: another label
    lifted = Presentation.decode(prove(other, [alice]), other)
    assert lifted.escrow is not None
    moved = dataclasses.replace(
        mine, escrow=dataclasses.replace(mine.escrow, ciphertext=lifted.escrow.ciphertext)
    )
    with pytest.raises(VerificationError):
        verify(statement, moved.encode(statement))


# ------------------------------------------------------------------ privacy


def _atoms(p: Presentation) -> set[bytes]:
    atoms = set()
    for _, value in _points_and_scalars(p):
        if isinstance(value, G1):
            atoms.add(encode_g1(value))
        elif isinstance(value, Scalar):
            atoms.add(value.to_be_bytes())
    return atoms


def test_two_services_see_no_common_bytes_and_different_pseudonyms() -> None:
    alice = world().alice.identity
    a1 = forum_statement(b"did:realdid:svc:forum-a")
    a2 = forum_statement(b"did:realdid:svc:forum-a")
    b1 = forum_statement(b"did:realdid:svc:shop-b")
    pa1 = Presentation.decode(prove(a1, [alice]), a1)
    pa2 = Presentation.decode(prove(a2, [alice]), a2)
    pb1 = Presentation.decode(prove(b1, [alice]), b1)
    assert pa1.pseudonym == pa2.pseudonym
    assert pa1.pseudonym != pb1.pseudonym
    assert not (_atoms(pa1) & _atoms(pb1))
    assert _atoms(pa1) & _atoms(pa2) == {encode_g1(pa1.pseudonym)}  # type: ignore[arg-type]


def test_two_holders_with_the_same_disclosures_give_the_same_shape() -> None:
    w = world()
    statement = dataclasses.replace(forum_statement(), ranges=(
        RangePredicate(AttributeRef(0, "valid_until"), lower=TODAY),
    ))  # fmt: skip
    alice = prove(statement, [w.alice.identity])
    bob = prove(statement, [w.bob.identity])
    assert len(alice) == len(bob)
    head = 4 + len(b"Beijing") + 2 + len(b"true") + 2
    assert alice[:head] == bob[:head]  # magic and disclosed values; everything else differs


# ------------------------------------------------------------------ encoding and statements


def test_encoding_is_strict(full: tuple[Statement, Presentation]) -> None:
    statement, p = full
    octets = p.encode(statement)
    for bad in (octets[:-1], octets + b"\x00", b"RDP2" + octets[4:], b"", octets[:100]):
        with pytest.raises(DecodeError):
            verify(statement, bad)
    with pytest.raises(DecodeError):  # the pseudonym may not be the base point
        verify(statement, dataclasses.replace(p, pseudonym=BP1).encode(statement))


@pytest.mark.parametrize(
    "change",
    [
        {"credentials": ()},
        {"credentials": (CredentialRequest(IDENTITY, b"", EPOCH, ("escrow_handle",)),)},
        {"ranges": (RangePredicate(AttributeRef(0, "name"), lower=1),)},
        {"ranges": (RangePredicate(AttributeRef(0, "region"), lower=1),)},
        {"ranges": (RangePredicate(AttributeRef(0, "valid_until")),)},
        {"range_params": None},
        {"pseudonym_from": 3},
        {"equal": ((AttributeRef(0, "region"), AttributeRef(0, "birth_date")),)},
        {"escrow": None, "ranges": (RangePredicate(AttributeRef(5, "x"), lower=1),)},
    ],
    ids=lambda c: "+".join(c),
)
def test_malformed_statements_are_refused(change: dict[str, Any]) -> None:
    statement = dataclasses.replace(forum_statement(), **change)
    with pytest.raises(InvalidArgumentError):
        prove(statement, [world().alice.identity])


def test_escrow_label_must_name_the_request() -> None:
    statement = forum_statement()
    assert statement.escrow is not None
    wrong = dataclasses.replace(statement, escrow=dataclasses.replace(
        statement.escrow, label=EscrowLabel(b"did:other", statement.nonce, "x", EPOCH)
    ))  # fmt: skip
    with pytest.raises(InvalidArgumentError):
        prove(wrong, [world().alice.identity])


def test_read_gives_the_contents_without_verifying() -> None:
    statement = forum_statement()
    presentation = prove(statement, [world().alice.identity])
    verified = verify(statement, presentation)
    contents = read(statement, presentation)
    assert (contents.disclosed, contents.pseudonym) == (verified.disclosed, verified.pseudonym)
    forged = presentation[:-1] + bytes([presentation[-1] ^ 1])  # the last response scalar
    read(statement, forged)  # decodes: read is for the prover's own output only
    with pytest.raises(VerificationError):
        verify(statement, forged)
