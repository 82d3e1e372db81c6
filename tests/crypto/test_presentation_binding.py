"""What the Fiat–Shamir challenge must bind, shown by the attacks its absence allows.

A Sigma protocol made non-interactive is sound only if the challenge hashes
the whole statement and every first-round commitment ("strong" Fiat–Shamir;
Bernhard, Pereira, Warinschi, ASIACRYPT 2012). Each test here fails on a copy
of the code with one input left out (issue #9 §5): the pseudonym (a prover
could then show any number of pseudonyms at one service), the request nonce
(replay), a range bound, each credential's commitments; and the decoder must
refuse a digit commitment equal to the identity (which would prove any range).
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable
from typing import Any

import pytest
from tools.world import ADULT_CUTOFF, EPOCH, TODAY, forum_statement, world

import realdid.crypto.presentation.prover as prover_module
from realdid.crypto._backend import BP1, G1, G1_IDENTITY, Scalar
from realdid.crypto.presentation import (
    AttributeRef,
    Presentation,
    RangePredicate,
    Statement,
    prove,
    verify,
)
from realdid.crypto.presentation.challenge import presentation_challenge
from realdid.crypto.presentation.encoding import RangePart
from realdid.crypto.randomness import random_scalar
from realdid.crypto.range_proof import generate_range_params
from realdid.errors import DecodeError, VerificationError

Tamper = Callable[[Presentation], Presentation]


def _prove_with_challenge_of(
    monkeypatch: pytest.MonkeyPatch, statement: Statement, tamper: Tamper, target: Statement
) -> tuple[Presentation, Scalar]:
    """A dishonest prover: it proves ``statement`` but answers the challenge of
    ``target`` over its commitments changed by ``tamper`` (what it will send)."""
    used: list[Scalar] = []

    def challenge(_: Statement, commitments: Presentation) -> Scalar:
        used.append(presentation_challenge(target, tamper(commitments)))
        return used[-1]

    with monkeypatch.context() as m:
        m.setattr(prover_module, "presentation_challenge", challenge)
        octets = prove(statement, [world().alice.identity])
    return Presentation.decode(octets, statement), used[0]


# ------------------------------------------------------------------ the pseudonym


def test_a_prover_cannot_show_another_pseudonym(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ut = OP·Σ m^_i·z^i − c·P. Were P outside the challenge, a prover would commit
    Ut + X, learn c, and announce P − X/c: any pseudonym it likes at this service."""
    statement = forum_statement(escrow=False)
    X = BP1 * random_scalar()

    def shift(p: Presentation) -> Presentation:
        assert p.Ut is not None
        return dataclasses.replace(p, Ut=p.Ut + X)

    honest, c = _prove_with_challenge_of(monkeypatch, statement, shift, statement)
    assert honest.pseudonym is not None
    forged = dataclasses.replace(shift(honest), pseudonym=honest.pseudonym + X * -c.inverse())
    assert forged.pseudonym != honest.pseudonym
    # The forgery satisfies every equation under the challenge of its other parts:
    # only the pseudonym's place in the challenge stops it.
    assert (
        presentation_challenge(statement, dataclasses.replace(forged, pseudonym=honest.pseudonym))
        == c
    )
    with pytest.raises(VerificationError):
        verify(statement, forged.encode(statement))


def test_a_prover_cannot_choose_its_pseudonym(monkeypatch: pytest.MonkeyPatch) -> None:
    """A prover that puts a pseudonym of its choice in the challenge from the start:
    every BBS equation holds, only the pseudonym's own equation can refuse it."""
    statement = forum_statement(escrow=False)
    chosen = BP1 * random_scalar()

    def choose(p: Presentation) -> Presentation:
        return dataclasses.replace(p, pseudonym=chosen)

    honest, c = _prove_with_challenge_of(monkeypatch, statement, choose, statement)
    forged = choose(honest)
    assert presentation_challenge(statement, forged) == c
    with pytest.raises(VerificationError):
        verify(statement, forged.encode(statement))


# ------------------------------------------------------------------ every commitment


def _commitment_fields(p: Presentation) -> list[tuple[str, Tamper]]:
    """One tamper per point the verifier's equations use as a first-round commitment."""
    out: list[tuple[str, Tamper]] = []

    def point(value: G1 | None) -> G1:
        assert value is not None
        return value + BP1

    out.append(("pseudonym", lambda q: dataclasses.replace(q, pseudonym=point(q.pseudonym))))
    out.append(("Ut", lambda q: dataclasses.replace(q, Ut=point(q.Ut))))
    for k in range(len(p.credentials)):
        for name in ("Abar", "Bbar", "D", "T1", "T2"):

            def cred(q: Presentation, k: int = k, name: str = name) -> Presentation:
                creds = list(q.credentials)
                creds[k] = dataclasses.replace(creds[k], **{name: point(getattr(creds[k], name))})  # type: ignore[arg-type]
                return dataclasses.replace(q, credentials=tuple(creds))

            out.append((f"credential {k} {name}", cred))
    for j, part in enumerate(p.ranges):
        for name in ("V", "R"):
            for i in range(len(getattr(part, name))):

                def rng(q: Presentation, j: int = j, name: str = name, i: int = i) -> Presentation:
                    values = list(getattr(q.ranges[j], name))
                    values[i] = point(values[i])
                    ranges = list(q.ranges)
                    ranges[j] = dataclasses.replace(ranges[j], **{name: tuple(values)})
                    return dataclasses.replace(q, ranges=tuple(ranges))

                out.append((f"range {j} {name}_{i}", rng))
    assert p.escrow is not None
    for name in ("T_U", "T_V"):

        def link(q: Presentation, name: str = name) -> Presentation:
            assert q.escrow is not None
            changed = dataclasses.replace(q.escrow, **{name: point(getattr(q.escrow, name))})  # type: ignore[arg-type]
            return dataclasses.replace(q, escrow=changed)

        out.append((f"escrow {name}", link))
    for name in ("U", "V", "U_hat", "W", "W_hat"):

        def ct(q: Presentation, name: str = name) -> Presentation:
            assert q.escrow is not None
            c = q.escrow.ciphertext
            changed = dataclasses.replace(c, **{name: point(getattr(c, name))})  # type: ignore[arg-type]
            return dataclasses.replace(q, escrow=dataclasses.replace(q.escrow, ciphertext=changed))

        out.append((f"ciphertext {name}", ct))
    return out


def test_every_commitment_moves_the_challenge() -> None:
    """Abar, Bbar, D, T1, T2, the pseudonym, Ut, every V_j and R_j, the escrow
    ciphertext and its link commitments: each one changed changes c."""
    statement = forum_statement()
    p = Presentation.decode(prove(statement, [world().alice.identity]), statement)
    c = presentation_challenge(statement, p)
    fields = _commitment_fields(p)
    assert len(fields) == 2 + 5 + 2 * 2 * 2 + 2 + 5
    for name, tamper in fields:
        assert presentation_challenge(statement, tamper(p)) != c, name


@pytest.mark.parametrize("name", ["Abar", "Bbar", "D", "T1"])
def test_a_credential_commitment_cannot_be_changed_after_the_challenge(name: str) -> None:
    """Changing one of the BBS proof's points keeps the decoder happy; the challenge
    (and then the equations) must reject it."""
    statement = forum_statement(escrow=False)
    p = Presentation.decode(prove(statement, [world().alice.identity]), statement)
    cred = dataclasses.replace(p.credentials[0], **{name: getattr(p.credentials[0], name) + BP1})
    with pytest.raises(VerificationError):
        verify(statement, dataclasses.replace(p, credentials=(cred,)).encode(statement))


# ------------------------------------------------------------------ every public input


def _statement_variants(base: Statement) -> dict[str, Statement]:
    """Statements differing from ``base`` in exactly one public input."""
    w = world()
    replace = dataclasses.replace
    request = base.credentials[0]
    birth, valid = base.ranges
    assert base.escrow is not None
    label = base.escrow.label
    return {
        "nonce": replace(
            base,
            nonce=b"other nonce",
            escrow=replace(base.escrow, label=replace(label, nonce=b"other nonce")),
        ),
        "context_id": replace(
            base,
            context_id=b"did:other",
            escrow=replace(base.escrow, label=replace(label, context_id=b"did:other")),
        ),
        "request_digest": replace(base, request_digest=b"\x02" * 32),
        "schema epoch": replace(base, credentials=(replace(request, epoch=EPOCH + 1),)),
        "issuer": replace(base, credentials=(replace(request, issuer_pk=w.bank.pk),)),
        "disclosed": replace(base, credentials=(replace(request, disclosed=("region",)),)),
        "pseudonym": replace(base, pseudonym_from=None),
        "upper bound": replace(
            base, ranges=(replace(birth, upper=ADULT_CUTOFF - datetime.timedelta(1)), valid)
        ),
        "lower bound": replace(
            base, ranges=(birth, replace(valid, lower=TODAY + datetime.timedelta(1)))
        ),
        "range attribute": replace(
            base, ranges=(birth, replace(valid, ref=AttributeRef(0, "issued_on")))
        ),
        "range direction": replace(
            base,
            ranges=(birth, RangePredicate(AttributeRef(0, "valid_until"), upper=TODAY)),
        ),
        "range params": replace(base, range_params=generate_range_params(256, 2)),
        "public equality": replace(base, equal_public=((AttributeRef(0, "nationality"), "CN"),)),
        "public value": replace(base, equal_public=((AttributeRef(0, "nationality"), "FR"),)),
        "escrow key": replace(base, escrow=replace(base.escrow, key=_other_escrow_key())),
        "escrow purpose": replace(
            base, escrow=replace(base.escrow, label=replace(label, purpose="other"))
        ),
        "escrow epoch": replace(
            base, escrow=replace(base.escrow, label=replace(label, epoch=EPOCH + 1))
        ),
    }


def _other_escrow_key() -> Any:
    from realdid.crypto.escrow import EscrowKey

    return EscrowKey(BP1 * random_scalar())


def test_every_public_input_moves_the_statement_digest() -> None:
    base = forum_statement()
    variants = _statement_variants(base)
    digests = {name: s.digest for name, s in variants.items()}
    for name, digest in digests.items():
        assert digest != base.digest, name
    assert len(set(digests.values())) == len(digests)


@pytest.mark.parametrize("name", ["nonce", "context_id"])
def test_nonce_and_context_move_the_digest_without_escrow(name: str) -> None:
    """With escrow the label repeats both; without it the digest alone binds them."""
    base = forum_statement(escrow=False)
    assert dataclasses.replace(base, **{name: b"other"}).digest != base.digest  # type: ignore[arg-type]


def test_a_presentation_answers_only_its_own_nonce_without_escrow() -> None:
    """Without escrow the nonce is bound by the statement digest alone: a replayed
    presentation must fail for a new nonce."""
    old = forum_statement(nonce=b"nonce of request 1", escrow=False)
    new = dataclasses.replace(old, nonce=b"nonce of request 2")
    octets = prove(old, [world().alice.identity])
    verify(old, octets)
    with pytest.raises(VerificationError):
        verify(new, octets)


def test_a_presentation_answers_only_its_own_request_digest() -> None:
    statement = forum_statement(escrow=False)
    octets = prove(statement, [world().alice.identity])
    with pytest.raises(VerificationError):
        verify(dataclasses.replace(statement, request_digest=b"\x03" * 32), octets)


@pytest.mark.parametrize("days", [1, -1, 365])
def test_a_presentation_answers_only_its_own_bounds(days: int) -> None:
    statement = forum_statement(escrow=False)
    octets = prove(statement, [world().alice.identity])
    birth, valid = statement.ranges
    shift = datetime.timedelta(days)
    assert isinstance(birth.upper, datetime.date)
    assert isinstance(valid.lower, datetime.date)
    for ranges in (
        (dataclasses.replace(birth, upper=birth.upper + shift), valid),
        (birth, dataclasses.replace(valid, lower=valid.lower + shift)),
    ):
        with pytest.raises(VerificationError):
            verify(dataclasses.replace(statement, ranges=ranges), octets)


# ------------------------------------------------------------------ the digit commitments


def _identity_parts(statement: Statement) -> tuple[RangePart, ...]:
    """Range parts with every digit commitment V_j = identity: e(V_j, ·) = 1, so each
    digit equation holds for R_j = t^_j·g1 whatever the digit, without a signature."""
    params = statement.range_params
    assert params is not None
    parts = []
    for _ in statement.layout.decompositions:
        t = tuple(random_scalar() for _ in range(params.digits))
        parts.append(
            RangePart(
                (G1_IDENTITY,) * params.digits,
                tuple(BP1 * tj for tj in t),
                tuple(random_scalar() for _ in range(params.digits - 1)),
                t,
            )
        )
    return tuple(parts)


def test_a_minor_cannot_prove_adulthood_with_identity_digit_commitments(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Bob (born 2010) answers "born before 2008-11-24" with V_j = identity and the
    rest of an honest proof: the decoder must refuse it (DecodeError)."""
    target = forum_statement(escrow=False)
    parts = _identity_parts(target)
    no_ranges = dataclasses.replace(target, ranges=(), range_params=None)
    monkeypatch.setattr(prover_module, "presentation_challenge", lambda _, commitments: (
        presentation_challenge(target, dataclasses.replace(commitments, ranges=parts))
    ))  # fmt: skip
    bob = Presentation.decode(prove(no_ranges, [world().bob.identity]), no_ranges)
    monkeypatch.undo()
    forged = dataclasses.replace(bob, ranges=parts).encode(target)
    with pytest.raises(DecodeError):
        verify(target, forged)


def test_an_identity_digit_commitment_is_refused_by_the_decoder() -> None:
    statement = forum_statement(escrow=False)
    p = Presentation.decode(prove(statement, [world().alice.identity]), statement)
    for j, part in enumerate(p.ranges):
        for name in ("V", "R"):
            for i in range(len(getattr(part, name))):
                values = list(getattr(part, name))
                values[i] = G1_IDENTITY
                ranges = list(p.ranges)
                ranges[j] = dataclasses.replace(part, **{name: tuple(values)})
                octets = dataclasses.replace(p, ranges=tuple(ranges)).encode(statement)
                with pytest.raises(DecodeError, match="identity"):
                    Presentation.decode(octets, statement)
