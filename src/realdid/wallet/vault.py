"""The wallet's secrets at rest: scrypt from the passphrase, AES-256-GCM over the state.

    {"v": 1, "kdf": {"name": "scrypt", "n": 32768, "r": 8, "p": 1, "salt": "<b64url>"},
     "nonce": "<b64url, 12 bytes>", "ciphertext": "<b64url>"}

The header (everything but the ciphertext) is the AEAD's associated data, so
nobody can lower the KDF cost of a stored wallet without the tag failing. A
wrong passphrase and a tampered file are the same AuthenticationError. Files
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

from realdid.errors import AuthenticationError, DecodeError, InvalidArgumentError
from realdid.ledger.entries import b64url, unb64url

__all__ = ["open_sealed", "read_file", "seal", "write_file"]

SCRYPT_N: Final = 2**15  # ~32 MiB, ~0.1 s: paid once per unlock
_MIN_N: Final = 2**14
_MAX_N: Final = 2**20


def _key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    if not passphrase:
        raise InvalidArgumentError("passphrase: must not be empty")
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode())


def _header(n: int, salt: bytes, nonce: bytes) -> dict[str, Any]:
    return {
        "v": 1,
        "kdf": {"name": "scrypt", "n": n, "r": 8, "p": 1, "salt": b64url(salt)},
        "nonce": b64url(nonce),
    }


def _aad(header: dict[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode()


def seal(plaintext: bytes, passphrase: str, *, n: int = SCRYPT_N) -> bytes:
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    header = _header(n, salt, nonce)
    ciphertext = AESGCM(_key(passphrase, salt, n, 8, 1)).encrypt(nonce, plaintext, _aad(header))
    return json.dumps({**header, "ciphertext": b64url(ciphertext)}).encode()


def open_sealed(sealed: bytes, passphrase: str) -> bytes:
    try:
        data = json.loads(sealed)
        header = {"v": data["v"], "kdf": data["kdf"], "nonce": data["nonce"]}
        kdf = header["kdf"]
        n, salt = kdf["n"], unb64url(kdf["salt"], "salt")
        nonce, ciphertext = unb64url(data["nonce"], "nonce"), unb64url(data["ciphertext"], "ct")
        if (
            data["v"] != 1
            or set(data) != {"v", "kdf", "nonce", "ciphertext"}
            or kdf["name"] != "scrypt"
            or (kdf["r"], kdf["p"]) != (8, 1)
            or type(n) is not int
            or not _MIN_N <= n <= _MAX_N
            or n & (n - 1)
            or len(nonce) != 12
            or len(salt) != 16
        ):
            raise DecodeError("wallet file: unsupported format or parameters")
    except (ValueError, KeyError, TypeError):
        raise DecodeError("wallet file: not a sealed RealDID wallet") from None
    try:
        return AESGCM(_key(passphrase, salt, n, 8, 1)).decrypt(nonce, ciphertext, _aad(header))
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
