"""The relying party's side: one presentation, or many at once.

Verification of a presentation (commitment form):

1. Decode strictly against the statement (Presentation.decode).
2. Recompute the challenge c from the statement and the commitments.
3. Collect every relation as an equation with its own random weight:
   linear ones in G1 — per credential T1 = c·Bbar + e^·Abar + r1^·D and
   T2 = c·(P1 + domain·Q_1 + Σ_disclosed m_i·H_i) + r3^·D + Σ_hidden m^·H_j
   (ProofVerifyInit, draft §3.7.3, with the hidden responses taken from the
   shared classes); the pseudonym Ut = OP·Σ m^_i·z^i − c·P; TDH2's two
   validity equations; the escrow link T_U = r^·G − c·U and
   T_V = h^·Q_esc + r^·y − c·V — and pairing ones: e(Abar, W)·e(−Bbar, g2)
   per credential and the CCS08 digit equations.
4. One MSM must give the identity, one multi-pairing must give 1.

A batch puts the equations of all its presentations into the same two
checks; when they fail, bisection (checks.find_failures) names the bad ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from realdid.crypto._backend import BP2, G1, Scalar, encode_g1
from realdid.crypto._codec import octets_to_pubkey
from realdid.crypto._core import calculate_domain
from realdid.crypto.blind import blind_generators, signing_generators
from realdid.crypto.checks import LinearCheck, PairingCheck, find_failures
from realdid.crypto.credential import AttributeValue, encode_attribute
from realdid.crypto.escrow import EscrowCiphertext, ciphertext_equations
from realdid.crypto.generators import p1
from realdid.crypto.groups import escrow_base, escrow_message_base
from realdid.crypto.nym import _op_and_z, _poly
from realdid.crypto.presentation.challenge import presentation_challenge
from realdid.crypto.presentation.encoding import IssuancePart, Presentation
from realdid.crypto.presentation.statement import Statement
from realdid.crypto.range_proof import add_range_equations
from realdid.errors import InvalidArgumentError, RealDIDError, VerificationError

__all__ = ["PresentationBatchError", "Verified", "read", "verify", "verify_batch"]

_G2 = b"g2"


@dataclass(frozen=True, slots=True)
class Verified:
    """What a relying party learns from a valid presentation."""

    disclosed: tuple[dict[str, AttributeValue], ...]
    pseudonym: bytes | None
    escrow: EscrowCiphertext | None = field(repr=False)


class PresentationBatchError(VerificationError):
    """Some items of a batch are bad; every item was still looked at.

    ``failed``: the positions a single :func:`verify` would reject, sorted — forged
    or undecodable presentations and malformed items alike.
    ``malformed``: among those, position -> the InvalidArgumentError of an item that
    is the caller's mistake (not a (Statement, bytes) pair, or a statement that fails
    its own checks), the error a single :func:`verify` raises for it.
    ``verified``: per position, what a presentation that verified discloses; None
    where it failed. The message names counts and positions only.
    """

    def __init__(
        self,
        failed: Sequence[int],
        total: int,
        *,
        malformed: Mapping[int, RealDIDError] | None = None,
        verified: Sequence[Verified | None] = (),
    ) -> None:
        self.failed = tuple(failed)
        self.malformed = dict(sorted((malformed or {}).items()))
        self.verified = tuple(verified)
        where = f" ({len(self.malformed)} malformed: {list(self.malformed)})" if malformed else ""
        super().__init__(f"{len(self.failed)} of {total} presentations do not verify{where}")


@dataclass(slots=True)
class _Checked:
    index: int
    verified: Verified
    linear: LinearCheck
    pairing: PairingCheck


def _equations(statement: Statement, octets: bytes) -> tuple[Verified, LinearCheck, PairingCheck]:
    layout = statement.layout
    p = Presentation.decode(octets, statement)
    api = statement.api
    c = presentation_challenge(statement, p)
    linear, pairing = LinearCheck(), PairingCheck()
    one = Scalar(1)
    P1, _ = p1(api.suite)
    for k, (req, proof) in enumerate(zip(statement.credentials, p.credentials, strict=True)):
        schema = req.schema
        generators = signing_generators(schema.L, 2 + schema.nym_count, api)
        W = octets_to_pubkey(req.issuer_pk)
        header = schema.header(req.epoch)
        domain = calculate_domain(
            req.issuer_pk, generators.octets[0], generators.octets[1:], header, api
        )
        H = generators.points[1:]
        linear.add(
            (
                (proof.T1, one),
                (proof.Bbar, -c),
                (proof.Abar, -proof.e_hat),
                (proof.D, -proof.r1_hat),
            )
        )
        terms: list[tuple[G1, Scalar]] = [
            (proof.T2, one),
            (P1, -c),
            (generators.points[0], -(c * domain)),
        ]
        for i in statement.disclosed_indexes(k):
            attribute = schema.attributes[i]
            m = encode_attribute(attribute.kind, p.disclosed[k][attribute.name], api)
            terms.append((H[i], -(c * m)))
        for i, m in statement.public_values(k).items():
            terms.append((H[i], -(c * m)))
        terms.append((proof.D, -proof.r3_hat))
        terms += [(H[j], -p.responses[layout.classes[(k, j)]]) for j in layout.hidden[k]]
        linear.add(terms)
        pairing.add(((proof.Abar, one, req.issuer_pk, W), (proof.Bbar, -one, _G2, BP2)))

    if p.pseudonym is not None and p.Ut is not None and statement.pseudonym_from is not None:
        k = statement.pseudonym_from
        schema = statement.credentials[k].schema
        OP, z = _op_and_z(api.suite, api.api_id, statement.context_id)
        nym_hat = [
            p.responses[layout.classes[(k, schema.nym_index(i))]] for i in range(schema.nym_count)
        ]
        linear.add(((p.Ut, one), (OP, -_poly(nym_hat, z)), (p.pseudonym, c)))

    for (ref, decomposition), part in zip(layout.decompositions, p.ranges, strict=True):
        if statement.range_params is None:  # pragma: no cover  (the layout refuses this)
            raise InvalidArgumentError("ranges requested without range parameters")
        m_hat = p.responses[layout.classes[(ref.credential, statement.index(ref))]]
        add_range_equations(
            pairing, statement.range_params, decomposition, m_hat, c, part.V, part.R,
            part.s_hat, part.t_hat,
        )  # fmt: skip

    if p.escrow is not None and statement.escrow is not None:
        ct = p.escrow.ciphertext
        if ct.label != statement.escrow.label:
            raise VerificationError("escrow ciphertext: label does not match this request")
        ciphertext_equations(ct, statement.escrow.key, linear)
        ref = statement.escrow.ref
        h_hat = p.responses[layout.classes[(ref.credential, statement.index(ref))]]
        linear.add(((p.escrow.T_U, one), (escrow_base(), -p.escrow.r_hat), (ct.U, c)))
        linear.add(
            (
                (p.escrow.T_V, one),
                (escrow_message_base(), -h_hat),
                (statement.escrow.key.y, -p.escrow.r_hat),
                (ct.V, c),
            )
        )
    if p.issuance is not None and statement.issuance is not None:
        _issuance_equation(statement, p.issuance, p.responses, c, linear)
    return _contents(p), linear, pairing


def _issuance_equation(
    statement: Statement,
    part: IssuancePart,
    responses: Sequence[Scalar],
    c: Scalar,
    linear: LinearCheck,
) -> None:
    """T_C = Q_2·b^ + J_1·h^ [+ J_2·(n^ − c·offset)] − C·c, with h^ and n^ the source's
    holder-secret and nym-secret responses (so C holds exactly those, less the offset)."""
    issuance = statement.issuance
    assert issuance is not None
    layout, k = statement.layout, issuance.source
    schema = statement.credentials[k].schema
    generators = blind_generators(2 + issuance.schema.nym_count, statement.api).points
    h_hat = responses[layout.classes[(k, schema.holder_secret_index)]]
    terms = [
        (part.T_C, Scalar(1)),
        (generators[0], -part.b_hat),
        (generators[1], -h_hat),
        (issuance.point(), c),
    ]
    offset = issuance.offset()
    if offset is not None:
        n_hat = responses[layout.classes[(k, schema.nym_index(0))]]
        terms += [(generators[2], -n_hat), (generators[2], c * offset)]
    linear.add(terms)


def read(statement: Statement, presentation: bytes) -> Verified:
    """What a presentation carries (disclosed values, pseudonym, escrow ciphertext),
    decoded strictly against ``statement`` but *not verified*: for the prover reading
    its own output. A relying party calls :func:`verify`."""
    return _contents(Presentation.decode(presentation, Statement.require(statement)))


def _contents(p: Presentation) -> Verified:
    pseudonym = None if p.pseudonym is None else encode_g1(p.pseudonym)
    return Verified(p.disclosed, pseudonym, None if p.escrow is None else p.escrow.ciphertext)


def verify(statement: Statement, presentation: bytes) -> Verified:
    """Verify one presentation against ``statement``; returns what it discloses.

    Raises VerificationError if it does not verify, DecodeError if malformed,
    InvalidArgumentError if the statement itself is malformed (any wrongly typed
    field included: see Statement.layout).
    """
    verified, linear, pairing = _equations(Statement.require(statement), presentation)
    if not (linear.holds() and pairing.holds()):
        raise VerificationError("presentation does not verify")
    return verified


def _statement_of(item: object) -> Statement:
    """The item's statement, checked (InvalidArgumentError: the caller's mistake)."""
    if not isinstance(item, tuple) or len(item) != 2:
        got = type(item).__name__
        raise InvalidArgumentError(f"batch item: got {got}, want a (Statement, bytes) pair")
    statement = Statement.require(item[0])
    statement.layout  # noqa: B018  (validates every field, once per statement)
    return statement


def _holds(batch: Sequence[_Checked]) -> bool:
    linear, pairing = LinearCheck(), PairingCheck()
    for item in batch:
        linear.extend(item.linear)
        pairing.extend(item.pairing)
    return linear.holds() and pairing.holds()


def verify_batch(items: Iterable[tuple[Statement, bytes]]) -> list[Verified]:
    """Verify many presentations with one MSM and one multi-pairing.

    Returns what each discloses, in order, when all verify. Otherwise raises
    PresentationBatchError after looking at every item: a malformed item (the
    caller's mistake) is named in ``malformed`` and skipped; the others are
    verified together, and bisection names exactly those a single verify would
    reject; ``verified`` carries the results of the good ones. Raises
    InvalidArgumentError only when ``items`` is not iterable.
    """
    if not isinstance(items, Iterable):
        got = type(items).__name__
        raise InvalidArgumentError(f"verify_batch: got {got}, want (Statement, bytes) pairs")
    items = list(items)
    failed: list[int] = []
    malformed: dict[int, RealDIDError] = {}
    checked: list[_Checked] = []
    for index, item in enumerate(items):
        try:
            statement = _statement_of(item)
        except RealDIDError as exc:
            malformed[index] = exc
            continue
        try:
            verified, linear, pairing = _equations(statement, item[1])
        except RealDIDError:
            failed.append(index)
            continue
        checked.append(_Checked(index, verified, linear, pairing))
    if checked and not _holds(checked):
        bad = {c.index for c in find_failures(checked, _holds)}
        failed += bad  # every other item passed a combined check or its own
        checked = [c for c in checked if c.index not in bad]
    if failed or malformed:
        results: list[Verified | None] = [None] * len(items)
        for good in checked:
            results[good.index] = good.verified
        raise PresentationBatchError(
            sorted([*failed, *malformed]), len(items), malformed=malformed, verified=results
        )
    return [c.verified for c in checked]
