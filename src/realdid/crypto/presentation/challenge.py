"""The one Fiat–Shamir challenge of a presentation.

c = hash_to_scalar over, in this order: the statement digest (every public
input: nonce, context id, request digest, schemas, issuer keys, epochs,
disclosure sets, range bounds and parameters, equalities, escrow key and
label), the disclosed values, the pseudonym, the escrow ciphertext with its
validity proof, each credential's (Abar, Bbar, D, T1, T2), the pseudonym
commitment Ut, every range's (V_j, R_j), the escrow link commitments
(T_U, T_V), and the issuance link commitment T_C. Prover and verifier call
this same function.
"""

from __future__ import annotations

from realdid.crypto._backend import Scalar
from realdid.crypto.presentation.encoding import Presentation, encode_disclosed
from realdid.crypto.presentation.statement import Statement
from realdid.crypto.transcript import Transcript

__all__ = ["presentation_challenge"]


def presentation_challenge(statement: Statement, p: Presentation) -> Scalar:
    """c for presentation ``p`` (its responses are not read, only its commitments)."""
    t = Transcript(b"realdid/presentation/v1")
    t.append(b"statement", statement.digest)
    t.append(b"disclosed", encode_disclosed(statement, p.disclosed))
    if p.pseudonym is not None:
        t.append_points(b"pseudonym", (p.pseudonym,))
    if p.escrow is not None:
        t.append(b"ciphertext", p.escrow.ciphertext.encode())
    for c in p.credentials:
        t.append_points(b"bbs", (c.Abar, c.Bbar, c.D, c.T1, c.T2))
    if p.Ut is not None:
        t.append_points(b"Ut", (p.Ut,))
    for r in p.ranges:
        t.append_points(b"range", (*r.V, *r.R))
    if p.escrow is not None:
        t.append_points(b"escrow-link", (p.escrow.T_U, p.escrow.T_V))
    if p.issuance is not None:
        t.append_points(b"issuance-link", (p.issuance.T_C,))
    api = statement.api
    return t.challenge(api.suite, api.api_id + b"PRESENTATION_H2S_")
