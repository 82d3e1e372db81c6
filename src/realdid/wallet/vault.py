"""The wallet's secrets at rest: scrypt from the passphrase, AES-256-GCM over the state.

    {"v": 1, "kdf": {"name": "scrypt", "n": 32768, "r": 8, "p": 1, "salt": "<b64url>"},
     "nonce": "<b64url, 12 bytes>", "ciphertext": "<b64url>"}

The header (everything but the ciphertext) is the AEAD's associated data, so
nobody can lower the KDF cost of a stored wallet without the tag failing. A
wrong passphrase and a tampered file are the same AuthenticationError. The
tag is only checked *after* scrypt, so the header is checked before it: only
the exact parameters :func:`seal` writes are accepted (a header asking for
n = 2^20 would otherwise cost seconds and a gibibyte before failing), and
the file is strict JSON (:mod:`realdid.strictjson`). Files
are replaced atomically (write, fsync, rename), so a crash leaves the old
wallet or the new one, never half of either.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any, Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from realdid import strictjson
from realdid.errors import AuthenticationError, DecodeError, InvalidArgumentError
from realdid.ledger.entries import b64url, unb64url

__all__ = ["open_sealed", "read_file", "seal", "write_file"]

SCRYPT_N: Final = 2**15  # ~32 MiB, ~0.1 s: paid once per unlock
SCRYPT_R: Final = 8
SCRYPT_P: Final = 1
_FIELDS: Final = {"v", "kdf", "nonce", "ciphertext"}
_KDF_FIELDS: Final = {"name", "n", "r", "p", "salt"}


def _key(passphrase: str, salt: bytes) -> bytes:
    if not passphrase:
        raise InvalidArgumentError("passphrase: must not be empty")
    return Scrypt(salt=salt, length=32, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P).derive(
        passphrase.encode()
    )


def _header(salt: bytes, nonce: bytes) -> dict[str, Any]:
    return {
        "v": 1,
        "kdf": {
            "name": "scrypt",
            "n": SCRYPT_N,
            "r": SCRYPT_R,
            "p": SCRYPT_P,
            "salt": b64url(salt),
        },
        "nonce": b64url(nonce),
    }


def _aad(header: dict[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode()


def seal(plaintext: bytes, passphrase: str) -> bytes:
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    header = _header(salt, nonce)
    ciphertext = AESGCM(_key(passphrase, salt)).encrypt(nonce, plaintext, _aad(header))
    return json.dumps({**header, "ciphertext": b64url(ciphertext)}).encode()


def _unsealed_parts(sealed: bytes) -> tuple[bytes, bytes, bytes]:
    """(salt, nonce, ciphertext) of a file :func:`seal` could have written; DecodeError
    for anything else, before any key is derived."""
    data = strictjson.loads(sealed, what="wallet file", max_depth=2)
    if not isinstance(data, dict) or set(data) != _FIELDS:
        raise DecodeError(f"wallet file: want an object with {sorted(_FIELDS)}")
    kdf = data["kdf"]
    if not isinstance(kdf, dict) or set(kdf) != _KDF_FIELDS:
        raise DecodeError(f"wallet file: kdf: want an object with {sorted(_KDF_FIELDS)}")
    written = {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P}
    if type(data["v"]) is not int or data["v"] != 1:
        raise DecodeError("wallet file: unsupported version (want 1)")
    for name, want in written.items():
        if type(kdf[name]) is not type(want) or kdf[name] != want:
            raise DecodeError(f"wallet file: kdf {name}: want {want}")
    parts = []
    for name, text, size in (("salt", kdf["salt"], 16), ("nonce", data["nonce"], 12),
                             ("ciphertext", data["ciphertext"], None)):  # fmt: skip
        if not isinstance(text, str):
            raise DecodeError(f"wallet file: {name}: want base64url text")
        octets = unb64url(text, f"wallet file {name}")
        if size is not None and len(octets) != size:
            raise DecodeError(f"wallet file: {name}: got {len(octets)} bytes, want {size}")
        parts.append(octets)
    return parts[0], parts[1], parts[2]


def open_sealed(sealed: bytes, passphrase: str) -> bytes:
    """The plaintext of a sealed wallet.

    1. Check the file is exactly what :func:`seal` writes (DecodeError): strict
       JSON, these fields, these KDF parameters, these sizes.
    2. Derive the key (scrypt) and open the AEAD over the header it names
       (AuthenticationError for a wrong passphrase or any altered byte).
    """
    salt, nonce, ciphertext = _unsealed_parts(sealed)
    header = _header(salt, nonce)
    try:
        return AESGCM(_key(passphrase, salt)).decrypt(nonce, ciphertext, _aad(header))
    except InvalidTag:
        raise AuthenticationError("wallet: wrong passphrase, or the file was altered") from None


def write_file(path: Path, data: bytes) -> None:
    """Replace ``path`` atomically and durably (mode 0600)."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def read_file(path: Path) -> bytes:
    return path.read_bytes()
