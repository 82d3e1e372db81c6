"""C2SP tlog-checkpoint and tlog-cosignature.

A checkpoint (https://c2sp.org/tlog-checkpoint) is the signed-note text

    <origin>\\n<tree size, decimal>\\n<base64 root hash>\\n[<extension line>\\n ...]

RealDID adds one extension line, ``realdid-state <base64 state root>``: the
root of the sparse Merkle tree that commits to the registry's current state
(:mod:`realdid.ledger.smt`), so lookups come with proofs. RealDID witnesses
re-derive it from the entries before they cosign (:mod:`realdid.ledger.witness`).
Every base64 value is canonical and a checkpoint holds at most one
``realdid-state`` line: one text per checkpoint.

A cosignature (https://c2sp.org/tlog-cosignature, type 0x04) is a witness's
statement "at this time, this is the largest tree consistent with all I have
seen": an Ed25519 signature over ``cosignature/v1\\ntime <t>\\n`` followed by
the checkpoint text; the signature line carries key ID || u64 t || signature.
The time is seconds since the epoch and, as in the spec's Go reference, must
fit an int64: a time at or above 2^63 makes the cosignature invalid.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from realdid.errors import DecodeError, InvalidArgumentError
from realdid.ledger.note import (
    Signature,
    check_key_name,
    decode_base64,
    encode_vkey,
    key_id,
    parse_vkey,
)
from realdid.ledger.rfc9162 import HASH_SIZE

_DECIMAL: Final = re.compile(r"0|[1-9][0-9]{0,18}")

__all__ = [
    "ALG_COSIGNATURE_V1",
    "MAX_TIMESTAMP",
    "STATE_EXTENSION",
    "Checkpoint",
    "CosignatureSigner",
    "CosignatureVerifier",
    "is_canonical_decimal",
]

ALG_COSIGNATURE_V1: Final = 0x04
STATE_EXTENSION: Final = "realdid-state"
_MAX_EXTENSIONS: Final = 16
#: The largest cosignature time: an int64, as the spec's reference reads it.
MAX_TIMESTAMP: Final = (1 << 63) - 1


@dataclass(frozen=True, slots=True)
class Checkpoint:
    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.origin or "\n" in self.origin or not self.origin.isprintable():
            raise InvalidArgumentError("checkpoint origin: want one non-empty printable line")
        if type(self.size) is not int or not 0 <= self.size < 1 << 63:
            raise InvalidArgumentError("checkpoint size: want an int in [0, 2^63)")
        if len(self.root_hash) != HASH_SIZE:
            raise InvalidArgumentError("checkpoint root: want 32 bytes")
        if len(self.extensions) > _MAX_EXTENSIONS or any(
            not e or "\n" in e or not e.isprintable() for e in self.extensions
        ):
            raise InvalidArgumentError("checkpoint extensions: want non-empty printable lines")
        states = [e for e in self.extensions if e.partition(" ")[0] == STATE_EXTENSION]
        if len(states) > 1:
            raise InvalidArgumentError("checkpoint: want at most one realdid-state line")
        if states:
            try:
                root = decode_base64(states[0].partition(" ")[2], "realdid-state root")
            except DecodeError as exc:
                raise InvalidArgumentError(str(exc)) from None
            if len(root) != HASH_SIZE:
                raise InvalidArgumentError("realdid-state root: want 32 bytes")

    def text(self) -> str:
        lines = [self.origin, str(self.size), base64.b64encode(self.root_hash).decode()]
        return "".join(line + "\n" for line in (*lines, *self.extensions))

    @property
    def state_root(self) -> bytes | None:
        """The registry-state root from the ``realdid-state`` extension, if present."""
        for line in self.extensions:
            name, _, value = line.partition(" ")
            if name == STATE_EXTENSION:
                return decode_base64(value)  # checked canonical and 32 bytes on construction
        return None

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Strict: origin, size without leading zeros, canonical base64 32-byte root,
        extensions (at most one canonical ``realdid-state`` line)."""
        if not text.endswith("\n"):
            raise DecodeError("checkpoint: must end with a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise DecodeError("checkpoint: want origin, size and root")
        origin, size, root = lines[:3]
        if not is_canonical_decimal(size):
            raise DecodeError("checkpoint: size must be ASCII decimal without leading zeros")
        try:
            root_hash = decode_base64(root, "root")
            return cls(origin, int(size), root_hash, tuple(lines[3:]))
        except (DecodeError, InvalidArgumentError) as exc:
            raise DecodeError(f"checkpoint: {exc}") from None


def is_canonical_decimal(text: str) -> bool:
    """ASCII digits, no leading zero, below 2^63: one text per number (str.isdigit
    would also take other scripts' digits, giving two texts for one checkpoint)."""
    return _DECIMAL.fullmatch(text) is not None and int(text) < 2**63


def _cosigned_message(checkpoint_text: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n".encode() + checkpoint_text.encode()


@dataclass(frozen=True, slots=True)
class CosignatureVerifier:
    """A witness's public key (type 0x04)."""

    name: str
    public_key: bytes

    def __post_init__(self) -> None:
        check_key_name(self.name)
        if len(self.public_key) != 32:
            raise InvalidArgumentError("witness key: want a 32-byte Ed25519 public key")

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, ALG_COSIGNATURE_V1, self.public_key)

    def encode(self) -> str:
        return encode_vkey(self.name, ALG_COSIGNATURE_V1, self.public_key)

    @classmethod
    def parse(cls, vkey: str) -> CosignatureVerifier:
        """``name+hex(key ID)+base64(0x04 || public key)``."""
        return cls(*parse_vkey(vkey, ALG_COSIGNATURE_V1))

    def timestamp(self, signature: Signature) -> int:
        if len(signature.data) != 8 + 64:
            raise DecodeError("cosignature: want 8-byte time and 64-byte signature")
        timestamp = int.from_bytes(signature.data[:8], "big")
        if timestamp > MAX_TIMESTAMP:
            raise DecodeError(f"cosignature time: got {timestamp}, want at most 2^63 - 1")
        return timestamp

    def verify(self, text: str, signature: Signature) -> bool:
        if signature.name != self.name or signature.key_id != self.key_id:
            return False
        if len(signature.data) != 72:
            return False
        timestamp = int.from_bytes(signature.data[:8], "big")
        if timestamp > MAX_TIMESTAMP:
            return False
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(
                signature.data[8:], _cosigned_message(text, timestamp)
            )
        except (InvalidSignature, ValueError):
            return False
        return True


@dataclass(frozen=True)
class CosignatureSigner:
    """A witness's signing key. Never share one key between two witnesses."""

    name: str
    private_key: Ed25519PrivateKey = field(repr=False)

    def __post_init__(self) -> None:
        check_key_name(self.name)  # a name with a space would make every note unparseable

    @classmethod
    def generate(cls, name: str) -> CosignatureSigner:
        return cls(name, Ed25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, name: str, seed: bytes) -> CosignatureSigner:
        return cls(name, Ed25519PrivateKey.from_private_bytes(seed))

    @property
    def verifier(self) -> CosignatureVerifier:
        public = self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return CosignatureVerifier(self.name, public)

    def cosign(self, checkpoint_text: str, timestamp: int) -> Signature:
        if type(timestamp) is not int or not 0 <= timestamp <= MAX_TIMESTAMP:
            raise InvalidArgumentError("cosignature time: want an int in [0, 2^63)")
        signature = self.private_key.sign(_cosigned_message(checkpoint_text, timestamp))
        return Signature(self.name, self.verifier.key_id, timestamp.to_bytes(8, "big") + signature)
