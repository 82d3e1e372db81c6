"""The holder's side: one proof for the whole statement.

1. Check that the credentials fit the statement, and that every predicate
   holds (else refuse with StatementError: no proof of a false statement).
2. Draw one random mask per class of hidden values: values that must be
   equal (the holder secret in every credential, requested equalities)
   share a mask, so their responses coincide and the verifier's equations
   speak of one value.
3. Commit: each credential's BBS ProofInit with those masks (draft
   §3.7.1); the pseudonym commitment Ut = OP·Σ m~_i·z^i; each range's
   (V_j, R_j) whose digit masks add up to the value's mask; the escrow
   ciphertext and its link commitments T_U = r~·G, T_V = h~·Q_esc + r~·y.
4. c = presentation_challenge(statement, commitments).
5. Respond: e^, r1^, r3^ per credential (ProofFinalize), one m^ per class,
   the range responses, r^ for the escrow randomness.
"""

from __future__ import annotations

from collections.abc import Sequence

from realdid.crypto._backend import G1, Scalar, as_octets, decode_scalar, msm_g1
from realdid.crypto._codec import octets_to_signature
from realdid.crypto._core import proof_init
from realdid.crypto.blind import blind_generators, signing_generators
from realdid.crypto.credential import Credential
from realdid.crypto.escrow import encrypt
from realdid.crypto.groups import escrow_base, escrow_message_base
from realdid.crypto.nym import _op_and_z, _poly
from realdid.crypto.presentation.challenge import presentation_challenge
from realdid.crypto.presentation.encoding import (
    CredentialProof,
    EscrowPart,
    IssuancePart,
    Presentation,
    RangePart,
)
from realdid.crypto.presentation.statement import Statement
from realdid.crypto.randomness import random_scalar
from realdid.crypto.range_proof import RangeParams, RangeProver
from realdid.errors import InvalidArgumentError, StatementError

__all__ = ["prove"]


def _check_credentials(statement: Statement, credentials: Sequence[Credential]) -> None:
    if isinstance(credentials, str | bytes) or not isinstance(credentials, Sequence):
        got = type(credentials).__name__
        raise InvalidArgumentError(f"credentials: got {got}, want a sequence of Credential")
    if len(credentials) != len(statement.credentials):
        raise InvalidArgumentError("credentials: want one per credential of the statement")
    for k, cred in enumerate(credentials):
        if not isinstance(cred, Credential):
            got = type(cred).__name__
            raise InvalidArgumentError(f"credentials {k}: got {got}, want a Credential")
    for k, (req, cred) in enumerate(zip(statement.credentials, credentials, strict=True)):
        if cred.schema.digest() != req.schema.digest() or cred.epoch != req.epoch:
            raise StatementError(f"credential {k}: not of the requested schema and epoch")
        if cred.issuer_pk != req.issuer_pk or cred.ciphersuite is not statement.ciphersuite:
            raise StatementError(f"credential {k}: not from the requested issuer")


#: Digests of range parameters this process has validated (a wallet checks each set once).
_VALIDATED: set[bytes] = set()
_VALIDATED_MAX = 64


def _validate_once(params: RangeParams) -> None:
    """A bad digit signature would make a proof fail exactly when a digit takes its
    value, leaking it; so the prover checks every parameter set before first use."""
    if params.digest not in _VALIDATED:
        params.validate()
        if len(_VALIDATED) >= _VALIDATED_MAX:
            _VALIDATED.clear()
        _VALIDATED.add(params.digest)


def prove(
    statement: Statement,
    credentials: Sequence[Credential],
    *,
    issuance_blind: bytes | None = None,
) -> bytes:
    """A presentation of ``credentials`` for ``statement`` (bytes, see encoding.py).

    ``issuance_blind``: the secret blind of the statement's issuance commitment
    (from credential.commit_for_issuance), required exactly when it has one.
    Raises StatementError if the credentials do not satisfy the statement,
    InvalidArgumentError if the statement itself is malformed.
    """
    layout = Statement.require(statement).layout  # every field's type, then the shape
    _check_credentials(statement, credentials)
    if statement.range_params is not None:
        _validate_once(statement.range_params)
    api = statement.api
    for k, cred in enumerate(credentials):
        for i, expected in statement.public_values(k).items():
            if cred.scalars[i] != expected:
                raise StatementError("an attribute does not equal the value asked for")
    values: list[Scalar | None] = [None] * layout.class_count
    for (k, i), slot in layout.classes.items():
        value = credentials[k].scalars[i]
        if values[slot] is None:
            values[slot] = value
        elif values[slot] != value:
            raise StatementError("credentials do not share the holder secret, or an equality fails")
    masks = [random_scalar() for _ in range(layout.class_count)]

    # 3. commitments
    inits, signature_parts = [], []
    for k, (req, cred) in enumerate(zip(statement.credentials, credentials, strict=True)):
        schema = req.schema
        generators = signing_generators(schema.L, 2 + schema.nym_count, api)
        A, e = octets_to_signature(cred.signature)
        randoms = [random_scalar() for _ in range(5)]
        hidden = layout.hidden[k]
        randoms += [masks[layout.classes[(k, i)]] for i in hidden]
        header = schema.header(req.epoch)
        inits.append(
            proof_init(req.issuer_pk, A, e, generators, randoms, header, cred.scalars, hidden, api)
        )
        signature_parts.append((e, randoms[:5]))

    pseudonym = Ut = None
    if statement.pseudonym_from is not None:
        k = statement.pseudonym_from
        schema = statement.credentials[k].schema
        OP, z = _op_and_z(api.suite, api.api_id, statement.context_id)
        nym_slots = [layout.classes[(k, schema.nym_index(i))] for i in range(schema.nym_count)]
        pseudonym = OP * _poly(credentials[k].nym_secrets, z)
        Ut = OP * _poly([masks[s] for s in nym_slots], z)

    range_provers = []
    for ref, decomposition in layout.decompositions:
        if statement.range_params is None:  # pragma: no cover  (the layout refuses this)
            raise InvalidArgumentError("ranges requested without range parameters")
        i = statement.index(ref)
        mask = masks[layout.classes[(ref.credential, i)]]
        encoded = int(credentials[ref.credential].scalars[i])
        range_provers.append(RangeProver(statement.range_params, decomposition, encoded, mask))

    escrow_state = None
    if statement.escrow is not None:
        ref = statement.escrow.ref
        i = statement.index(ref)
        handle = credentials[ref.credential].scalars[i]
        ciphertext, r = encrypt(statement.escrow.key, handle, statement.escrow.label)
        r_tilde = random_scalar()
        h_tilde = masks[layout.classes[(ref.credential, i)]]
        T_U = escrow_base() * r_tilde
        T_V = msm_g1((escrow_message_base(), statement.escrow.key.y), (h_tilde, r_tilde))
        escrow_state = (ciphertext, r, r_tilde, T_U, T_V)

    issuance_state = _issuance_commit(statement, credentials, masks, issuance_blind)

    disclosed = tuple(
        {name: cred.values[name] for name in req.disclosed}
        for req, cred in zip(statement.credentials, credentials, strict=True)
    )
    commitments = Presentation(
        disclosed=disclosed,
        pseudonym=pseudonym,
        escrow=None
        if escrow_state is None
        else EscrowPart(escrow_state[0], escrow_state[3], escrow_state[4], Scalar(0)),
        credentials=tuple(
            CredentialProof(i.Abar, i.Bbar, i.D, i.T1, i.T2, Scalar(0), Scalar(0), Scalar(0))
            for i in inits
        ),
        responses=(),
        Ut=Ut,
        ranges=tuple(RangePart(tuple(p.V), tuple(p.R), (), ()) for p in range_provers),
        issuance=None if issuance_state is None else IssuancePart(issuance_state[0], Scalar(0)),
    )

    # 4. challenge; 5. responses
    c = presentation_challenge(statement, commitments)
    credential_proofs = []
    for init, (e, (r1, r2, e_tilde, r1_tilde, r3_tilde)) in zip(
        inits, signature_parts, strict=True
    ):
        credential_proofs.append(
            CredentialProof(
                init.Abar,
                init.Bbar,
                init.D,
                init.T1,
                init.T2,
                e_tilde + e * c,
                r1_tilde - r1 * c,
                r3_tilde - r2.inverse() * c,
            )
        )
    responses = tuple(
        mask + c * value for mask, value in zip(masks, values, strict=True) if value is not None
    )
    ranges = []
    for prover, part in zip(range_provers, commitments.ranges, strict=True):
        s_hat, t_hat = prover.respond(c)
        ranges.append(RangePart(part.V, part.R, tuple(s_hat), tuple(t_hat)))
    escrow = None
    if escrow_state is not None:
        ciphertext, r, r_tilde, T_U, T_V = escrow_state
        escrow = EscrowPart(ciphertext, T_U, T_V, r_tilde + c * r)
    issuance = None
    if issuance_state is not None:
        T_C, b, b_tilde = issuance_state
        issuance = IssuancePart(T_C, b_tilde + c * b)
    presentation = Presentation(
        disclosed,
        pseudonym,
        escrow,
        tuple(credential_proofs),
        responses,
        Ut,
        tuple(ranges),
        issuance,
    )
    return presentation.encode(statement)


def _issuance_commit(
    statement: Statement,
    credentials: Sequence[Credential],
    masks: Sequence[Scalar],
    blind: bytes | None,
) -> tuple[G1, Scalar, Scalar] | None:
    """T_C = Q_2·b~ + J_1·h~ [+ J_2·n~], sharing the masks of the source's holder secret
    and nym secret; first checks that C opens to those values (else StatementError)."""
    issuance = statement.issuance
    if issuance is None:
        if blind is not None:
            raise InvalidArgumentError("issuance_blind: the statement has no issuance commitment")
        return None
    if blind is None:
        raise InvalidArgumentError("issuance_blind: required for an issuance commitment")
    b = decode_scalar(as_octets(blind, "issuance_blind"), "issuance_blind")
    layout, source = statement.layout, credentials[issuance.source]
    schema = statement.credentials[issuance.source].schema
    generators = blind_generators(2 + issuance.schema.nym_count, statement.api)
    values = [b, source.holder_secret]
    mask_slots = [layout.classes[(issuance.source, schema.holder_secret_index)]]
    offset = issuance.offset()
    if offset is not None:
        values.append(source.nym_secrets[0] - offset)
        mask_slots.append(layout.classes[(issuance.source, schema.nym_index(0))])
    if msm_g1(generators.points, values) != issuance.point():
        raise StatementError("the issuance commitment does not hold this holder's secrets")
    b_tilde = random_scalar()
    T_C = msm_g1(generators.points, [b_tilde, *(masks[slot] for slot in mask_slots)])
    return T_C, b, b_tilde
