"""C2SP signed-note: text with named, key-identified signatures.

https://c2sp.org/signed-note. A note is UTF-8 text ending in a newline,
then an empty line, then one line per signature::

    — <key name> <base64(key ID || signature)>

The key ID is the first 4 bytes of SHA-256(key name || "\\n" || type || public
key); type 0x01 is Ed25519 over the note text (this module), type 0x04 a
tlog cosignature (:mod:`realdid.ledger.checkpoint`). Verifier keys are
written ``name+hex(key ID)+base64(type || public key)``.

Opening a note checks every signature whose (name, key ID) a known verifier
has and counts those that verify; signatures from unknown keys are ignored,
as the spec requires. A line that does not verify — malformed base64, too
short, or a known (name, key ID) whose signature fails — is ignored too
rather than refusing the note (the spec's SHOULD): whoever relays a note can
append lines, and one junk line must not veto the log's valid signature. The
note is refused unless some known key's signature verifies.

Every base64 field (signatures, keys, roots) is decoded canonically
(:func:`decode_base64`): one text per value, so nothing is accepted twice
over under two spellings.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from realdid.errors import DecodeError, InvalidArgumentError, VerificationError

__all__ = [
    "ALG_ED25519",
    "Note",
    "NoteSigner",
    "NoteVerifier",
    "Signature",
    "SignatureVerifier",
    "check_key_name",
    "decode_base64",
    "key_id",
    "open_note",
    "sign_note",
]

ALG_ED25519: Final = 0x01
_DASH: Final = "\u2014 "
_MAX_NOTE: Final = 1 << 20
_MAX_SIGNATURES: Final = 100


def key_id(name: str, key_type: int, public_key: bytes) -> bytes:
    """The 4-byte key ID: SHA-256(name || "\\n" || type || public key)[:4]."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([key_type]) + public_key).digest()[:4]


_KEY_ID_HEX: Final = re.compile(r"[0-9a-f]{8}")


def check_key_name(name: str) -> str:
    """signed-note §Format: "Key names MUST be non-empty and MUST NOT contain any
    Unicode spaces or plus (U+002B) characters"; the note forbids control
    characters too, so a name must also be printable."""
    if (
        not isinstance(name, str)
        or not name
        or any(c.isspace() or c == "+" for c in name)
        or not name.isprintable()
    ):
        raise InvalidArgumentError("note key name: want non-empty, printable, no spaces, no '+'")
    return name


def decode_base64(text: str, what: str = "base64") -> bytes:
    """Standard base64 (RFC 4648 §4), canonical only: padding present and the
    unused bits of the last character zero, so each byte string has one text
    (re-encode and compare). Raises DecodeError."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise DecodeError(f"{what}: not base64") from None
    if base64.b64encode(raw).decode() != text:
        raise DecodeError(f"{what}: not canonical base64")
    return raw


def _check_text(text: str) -> str:
    if not text.endswith("\n") or "\n\n" in text or text.startswith("\n"):
        raise InvalidArgumentError("note text: want lines ending in newlines, no empty line")
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise InvalidArgumentError("note text: control characters are not allowed")
    return text


def encode_vkey(name: str, key_type: int, public_key: bytes) -> str:
    """A verifier key as the note tooling prints it: name+hex(key ID)+base64(type || key)."""
    raw = bytes([key_type]) + public_key
    return f"{name}+{key_id(name, key_type, public_key).hex()}+{base64.b64encode(raw).decode()}"


def parse_vkey(vkey: str, key_type: int) -> tuple[str, bytes]:
    """Split on the first two '+' and check name, type, length and key ID."""
    name, _, rest = vkey.partition("+")
    hex_id, _, encoded = rest.partition("+")
    try:
        check_key_name(name)
        raw = decode_base64(encoded)
    except (DecodeError, InvalidArgumentError):
        raise DecodeError("verifier key: malformed") from None
    if _KEY_ID_HEX.fullmatch(hex_id) is None:  # bytes.fromhex takes spaces and upper case
        raise DecodeError("verifier key: want the key ID as 8 lower-case hex digits")
    expected_id = bytes.fromhex(hex_id)
    if len(raw) != 33 or raw[0] != key_type:
        raise DecodeError(f"verifier key: want a type 0x{key_type:02x} Ed25519 key")
    if key_id(name, key_type, raw[1:]) != expected_id:
        raise DecodeError("verifier key: key ID does not match the key")
    return name, raw[1:]


@dataclass(frozen=True, slots=True)
class Signature:
    """One signature line: the key's name, its 4-byte ID, and the signature bytes."""

    name: str
    key_id: bytes
    data: bytes

    def line(self) -> str:
        return f"{_DASH}{self.name} {base64.b64encode(self.key_id + self.data).decode()}\n"


@dataclass(frozen=True, slots=True)
class Note:
    text: str
    signatures: tuple[Signature, ...] = ()

    def encode(self) -> bytes:
        return (self.text + "\n" + "".join(s.line() for s in self.signatures)).encode()

    @classmethod
    def parse(cls, octets: bytes) -> Note:
        """Split text and signatures at the last empty line.

        The text is checked strictly; each signature line must be an em dash,
        a space, a name, a space and a payload, but a line whose name or
        payload is malformed (not canonical base64, under 5 bytes) is dropped
        as unverifiable (see the module doc). At least one well-formed line
        must remain."""
        if len(octets) > _MAX_NOTE:
            raise DecodeError("note: too large")
        try:
            whole = octets.decode("utf-8")
        except UnicodeDecodeError:
            raise DecodeError("note: not UTF-8") from None
        cut = whole.rfind("\n\n")
        if cut < 0 or not whole.endswith("\n"):
            raise DecodeError("note: no empty line before the signatures")
        text, block = whole[: cut + 1], whole[cut + 2 :]
        try:
            _check_text(text)
        except InvalidArgumentError as exc:
            raise DecodeError(str(exc)) from None
        lines = block.split("\n")[:-1]
        if not lines or len(lines) > _MAX_SIGNATURES:
            raise DecodeError("note: want 1 to 100 signature lines")
        signatures = []
        for line in lines:
            if not line.startswith(_DASH):
                raise DecodeError("note: signature line must start with an em dash and a space")
            name, _, encoded = line[len(_DASH) :].partition(" ")
            try:
                raw = decode_base64(encoded)
                check_key_name(name)
            except (DecodeError, InvalidArgumentError):
                continue  # unverifiable: ignored, like a signature from an unknown key
            if len(raw) < 5:
                continue
            signatures.append(Signature(name, raw[:4], raw[4:]))
        if not signatures:
            raise DecodeError("note: no well-formed signature line")
        return cls(text, tuple(signatures))


class SignatureVerifier(Protocol):
    """What checks one kind of signature line (Ed25519 notes, cosignatures)."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> bytes: ...

    def verify(self, text: str, signature: Signature) -> bool: ...


@dataclass(frozen=True, slots=True)
class NoteVerifier:
    """An Ed25519 (type 0x01) note verifier key."""

    name: str
    public_key: bytes

    def __post_init__(self) -> None:
        check_key_name(self.name)

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, ALG_ED25519, self.public_key)

    def encode(self) -> str:
        return encode_vkey(self.name, ALG_ED25519, self.public_key)

    @classmethod
    def parse(cls, vkey: str) -> NoteVerifier:
        """``name+hex(key ID)+base64(0x01 || public key)``."""
        return cls(*parse_vkey(vkey, ALG_ED25519))

    def verify(self, text: str, signature: Signature) -> bool:
        if signature.name != self.name or signature.key_id != self.key_id:
            return False
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(
                signature.data, text.encode()
            )
        except (InvalidSignature, ValueError):
            return False
        return True


@dataclass(frozen=True)
class NoteSigner:
    """An Ed25519 note signer (the log's key)."""

    name: str
    private_key: Ed25519PrivateKey = field(repr=False)

    def __post_init__(self) -> None:
        check_key_name(self.name)

    @classmethod
    def generate(cls, name: str) -> NoteSigner:
        return cls(name, Ed25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, name: str, seed: bytes) -> NoteSigner:
        return cls(name, Ed25519PrivateKey.from_private_bytes(seed))

    @classmethod
    def parse(cls, skey: str) -> NoteSigner:
        """``PRIVATE+KEY+name+hex(key ID)+base64(0x01 || seed)`` (the Go format)."""
        parts = skey.split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise DecodeError("signer key: want PRIVATE+KEY+name+id+key")
        raw = decode_base64(parts[4], "signer key")
        if len(raw) != 33 or raw[0] != ALG_ED25519:
            raise DecodeError("signer key: want an Ed25519 (type 0x01) seed")
        try:
            signer = cls.from_seed(parts[2], raw[1:])
        except InvalidArgumentError:
            raise DecodeError("signer key: malformed key name") from None
        if signer.verifier.key_id.hex() != parts[3]:
            raise DecodeError("signer key: key ID does not match the key")
        return signer

    def encode(self) -> str:
        """``PRIVATE+KEY+name+hex(key ID)+base64(0x01 || seed)``: a secret, never logged."""
        raw = base64.b64encode(bytes([ALG_ED25519]) + self.seed()).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.key_id.hex()}+{raw}"

    def seed(self) -> bytes:
        return self.private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())

    @property
    def verifier(self) -> NoteVerifier:
        public = self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return NoteVerifier(self.name, public)

    def sign(self, text: str) -> Signature:
        return Signature(self.name, self.verifier.key_id, self.private_key.sign(text.encode()))


def sign_note(
    text: str, signers: Iterable[NoteSigner], existing: Sequence[Signature] = ()
) -> bytes:
    """The signed note: ``text`` (checked) with a signature from each signer."""
    _check_text(text)
    return Note(text, (*existing, *(s.sign(text) for s in signers))).encode()


def open_note(
    octets: bytes, verifiers: Iterable[SignatureVerifier]
) -> tuple[Note, list[SignatureVerifier]]:
    """Parse a note and check its signatures; returns the note and the distinct verifiers
    whose signature verifies. Lines from unknown keys, and lines that fail, are ignored
    (module doc); raises VerificationError unless at least one known key signed it."""
    note = Note.parse(octets)
    known = {(v.name, v.key_id): v for v in verifiers}
    signed: list[SignatureVerifier] = []
    for signature in note.signatures:
        verifier = known.get((signature.name, signature.key_id))
        if verifier is None or verifier in signed:
            continue
        if verifier.verify(note.text, signature):
            signed.append(verifier)
    if not signed:
        raise VerificationError("note: no known key's signature verifies")
    return note, signed
