"""RealDID's presentation proof: one proof over one or more credentials.

Per-service pseudonym, selective disclosure, range predicates on hidden
integers and dates, holder binding across credentials, equalities, and
verifiable escrow of the identity's handle for the trustees — all over the
same hidden values, under one Fiat–Shamir challenge. See docs/crypto.md §9.
"""

from realdid.crypto.presentation.encoding import Presentation
from realdid.crypto.presentation.prover import prove
from realdid.crypto.presentation.statement import (
    AttributeRef,
    CredentialRequest,
    EscrowRequest,
    IssuanceCommitment,
    RangePredicate,
    Statement,
)
from realdid.crypto.presentation.verifier import (
    PresentationBatchError,
    Verified,
    read,
    verify,
    verify_batch,
)

__all__ = [
    "AttributeRef",
    "CredentialRequest",
    "EscrowRequest",
    "IssuanceCommitment",
    "Presentation",
    "PresentationBatchError",
    "RangePredicate",
    "Statement",
    "Verified",
    "prove",
    "read",
    "verify",
    "verify_batch",
]
