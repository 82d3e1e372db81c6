"""RealDID's pure cryptographic core: no I/O, no clock, no global RNG state.

One module per IETF draft (``bbs``, ``blind``, ``nym``), the ciphersuites
(``suites``), hashing (``hashing``), generators (``generators``) and batch
verification (``batch``). All group arithmetic goes through ``_backend``.
"""

from realdid.crypto.suites import (
    BLS12_381_SHA_256,
    BLS12_381_SHAKE_256,
    CIPHERSUITES,
    Ciphersuite,
    get_ciphersuite,
)

__all__ = [
    "BLS12_381_SHAKE_256",
    "BLS12_381_SHA_256",
    "CIPHERSUITES",
    "Ciphersuite",
    "get_ciphersuite",
]
