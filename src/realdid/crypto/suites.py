"""The two BBS ciphersuites, as frozen values (draft-irtf-cfrg-bbs-signatures §6).

A ciphersuite fixes the hash (expand_message), the hash-to-curve suite and
the identifiers from which every DST is derived. Each operation of RealDID
takes one as the keyword argument ``ciphersuite``; SHA-256 is the default.

Every DST is ``api_id || suffix``; the api_ids of the three drafts' interfaces
are derived here and only here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from realdid.crypto._backend import G1, Scalar, scalar_from_wide
from realdid.crypto.hashing import (
    expand_message_xmd,
    expand_message_xof,
    hash_to_curve_g1_xmd,
    hash_to_curve_g1_xof,
)
from realdid.errors import InvalidArgumentError

__all__ = [
    "BLS12_381_SHAKE_256",
    "BLS12_381_SHA_256",
    "CIPHERSUITES",
    "Ciphersuite",
    "get_ciphersuite",
]

#: expand_len = ceil((ceil(log2(r)) + k) / 8) with k = 128 (draft §4.2.2).
EXPAND_LEN: Final = 48


@dataclass(frozen=True, slots=True)
class Ciphersuite:
    """One BBS ciphersuite. Compare by identity; use the module constants."""

    name: str
    ciphersuite_id: bytes
    expand_message: Callable[[bytes, bytes, int], bytes] = field(repr=False)
    hash_to_curve_g1: Callable[[bytes, bytes], G1] = field(repr=False)

    @property
    def core_api_id(self) -> bytes:
        """api_id of the core interface: ciphersuite_id || "H2G_HM2S_"."""
        return self.ciphersuite_id + b"H2G_HM2S_"

    @property
    def blind_api_id(self) -> bytes:
        """api_id of the blind interface: ciphersuite_id || "BLIND_H2G_HM2S_"."""
        return self.ciphersuite_id + b"BLIND_H2G_HM2S_"

    @property
    def nym_api_id(self) -> bytes:
        """api_id of the pseudonym interface: ciphersuite_id || "H2G_HM2S_PSEUDONYM_"."""
        return self.ciphersuite_id + b"H2G_HM2S_PSEUDONYM_"

    def hash_to_scalar(self, msg_octets: bytes, dst: bytes) -> Scalar:
        """hash_to_scalar (draft §4.2.2): OS2IP(expand_message(msg, dst, 48)) mod r.

        expand_message checks the DST: 1..255 bytes.
        """
        return scalar_from_wide(self.expand_message(msg_octets, dst, EXPAND_LEN))


BLS12_381_SHA_256: Final = Ciphersuite(
    name="BLS12-381-SHA-256",
    ciphersuite_id=b"BBS_BLS12381G1_XMD:SHA-256_SSWU_RO_",
    expand_message=expand_message_xmd,
    hash_to_curve_g1=hash_to_curve_g1_xmd,
)

BLS12_381_SHAKE_256: Final = Ciphersuite(
    name="BLS12-381-SHAKE-256",
    ciphersuite_id=b"BBS_BLS12381G1_XOF:SHAKE-256_SSWU_RO_",
    expand_message=expand_message_xof,
    hash_to_curve_g1=hash_to_curve_g1_xof,
)

CIPHERSUITES: Final = (BLS12_381_SHA_256, BLS12_381_SHAKE_256)


def get_ciphersuite(name: str) -> Ciphersuite:
    """Look a ciphersuite up by its draft name, e.g. ``"BLS12-381-SHAKE-256"``."""
    for suite in CIPHERSUITES:
        if suite.name == name:
            return suite
    names = ", ".join(s.name for s in CIPHERSUITES)
    raise InvalidArgumentError(f"ciphersuite: got {name!r}, want one of {names}")
