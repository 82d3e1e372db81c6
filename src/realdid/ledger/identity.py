"""An institution's ledger identity: its DID, its Ed25519 key, its DID document.

What the authority, issuers, services, trustees and courts use to write
entries. The private key never leaves this object (not in repr, not in
errors); the document lists the key as the DID's authentication method.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import BaseModel

from realdid.ledger.entries import DidDocument, EntryType, public_jwk, sign_entry

__all__ = ["LedgerIdentity"]


@dataclass(frozen=True)
class LedgerIdentity:
    did: str
    name: str
    private_key: Ed25519PrivateKey = field(repr=False)
    key_fragment: str = "ledger-1"

    @classmethod
    def generate(cls, did: str, name: str, key_fragment: str = "ledger-1") -> LedgerIdentity:
        return cls(did, name, Ed25519PrivateKey.generate(), key_fragment)

    @property
    def key_id(self) -> str:
        return f"{self.did}#{self.key_fragment}"

    def document(self) -> DidDocument:
        return DidDocument.model_validate_json(
            json.dumps(
                {
                    "id": self.did,
                    "name": self.name,
                    "verificationMethod": [
                        {
                            "id": self.key_id,
                            "type": "JsonWebKey",
                            "controller": self.did,
                            "publicKeyJwk": public_jwk(self.private_key),
                        },
                    ],
                    "authentication": [self.key_id],
                }
            )
        )

    def sign(
        self,
        kind: EntryType,
        body: BaseModel | dict[str, Any],
        when: int | None = None,
        prev: int | None = None,
    ) -> bytes:
        """A signed entry of ``kind`` with ``body`` (canonical bytes, ready to append).

        ``prev``: the index of the entry this one supersedes for its state key
        (read it from the ledger, e.g. ``Registry.latest_index``); None for a
        new key or an event.
        """
        return sign_entry(
            kind,
            self.did,
            self.key_id,
            self.private_key,
            body,
            int(time.time()) if when is None else when,
            prev,
        )
