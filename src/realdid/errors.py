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
    "AuthenticationError",
    "DecodeError",
    "InvalidArgumentError",
    "NotFoundError",
    "PermissionDeniedError",
    "RealDIDError",
    "ReplayError",
    "RevokedError",
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
    """Someone asked for what they may not have: a ledger write without the
    admission (role, key) it needs, or a service request beyond the permissions
    registered for it on the ledger. Nothing was written or revealed."""


class NotFoundError(RealDIDError):
    """No such thing where it was looked up: a service, schema or key on the
    ledger, a citizen in the registry, a request, an account."""


class RevokedError(RealDIDError):
    """It exists but may no longer be used: a retired key or service, a revoked
    citizen, a banned account, an expired credential."""


class ReplayError(VerificationError):
    """A nonce, request or one-time code used twice, or after it expired."""


class AuthenticationError(RealDIDError):
    """A secret the caller must know did not match: an activation code, a wallet
    passphrase. Says nothing about how close it was; attempts are limited."""
