"""RealDID's errors: one root, a few branches callers actually tell apart.

Every public function raises only these (never ``ValueError``, ``IndexError``
or an exception from the native binding), so that a caller can write one
``except RealDIDError`` at a trust boundary and be sure nothing slipped past.
Messages describe *what* was wrong with the shape of the input (got / want),
never the value of a secret, and a failed verification says only that it
failed: a detailed reason would be an oracle for a forger.
"""

from __future__ import annotations

__all__ = [
    "DecodeError",
    "InvalidArgumentError",
    "PermissionDeniedError",
    "RealDIDError",
    "StatementError",
    "VerificationError",
]


class RealDIDError(Exception):
    """Root of every error RealDID raises on purpose."""


class InvalidArgumentError(RealDIDError):
    """An argument is out of its documented domain.

    Raised for inputs the caller controls and could have checked: a disclosed
    index that is out of range or repeated, too many messages, a DST that is
    too long, a key of the wrong length.
    """


class DecodeError(InvalidArgumentError):
    """Bytes that claim to be a point, scalar, signature, proof or commitment
    and are not: wrong length, bad flag bits, a coordinate not below p, a
    point off the curve or outside the prime-order subgroup, the identity
    where it is forbidden, a scalar not below r."""


class VerificationError(RealDIDError):
    """A well-formed signature, proof or commitment that does not verify.

    Deliberately carries no detail beyond the operation's name.
    """


class StatementError(RealDIDError):
    """The holder's credentials do not satisfy what was asked (an age, a validity
    date, an equality), so no proof is made. A wallet shows this as a refusal;
    it never reveals which value failed to the relying party."""


class PermissionDeniedError(RealDIDError):
    """The author of a ledger write lacks the admission (role, key) it needs.
    Nothing was written."""
