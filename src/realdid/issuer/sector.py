"""A sector issuer: a hospital, a bank, a telecom operator, a university.

It keeps its own records by resident id (behind SQLAlchemy, like everyone
else) and issues one schema: the holder presents a valid identity credential
disclosing the resident id (what the issuer's ledger registration lets it
see), with a commitment proved to hold the same holder secret, and receives
a credential bound to that secret — so only the citizen it was issued to can
ever present it together with their identity.
"""

from __future__ import annotations

import datetime
import json
import time
from collections.abc import Callable, Mapping

from sqlalchemy import Column, Engine, LargeBinary, MetaData, String, Table, insert, select

from realdid import db, strictjson
from realdid.credentials.issuance import CredentialApplication, IssuedCredential
from realdid.credentials.issuing import IssuerKeyring, IssuingDesk
from realdid.credentials.nonces import NonceStore
from realdid.credentials.request import PresentationRequest
from realdid.credentials.vc import values_from_json, values_to_json
from realdid.credentials.view import LedgerView, LedgerWriter
from realdid.crypto.credential import AttributeValue, Schema
from realdid.errors import DecodeError, InvalidArgumentError, NotFoundError
from realdid.ledger.entries import EntryType
from realdid.ledger.identity import LedgerIdentity

__all__ = ["SectorIssuer"]

_metadata = MetaData()
_records = Table(
    "sector_records",
    _metadata,
    Column("resident_id", String(18), primary_key=True),
    Column("schema_id", String(128), primary_key=True),
    Column("attributes", LargeBinary, nullable=False),
)


class SectorIssuer:
    def __init__(
        self,
        *,
        identity: LedgerIdentity,
        schema: Schema,
        engine: Engine,
        ledger: LedgerWriter,
        view: LedgerView,
        nonces: NonceStore,
        validity_days: int = 365,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.identity = identity
        self.schema = schema
        self.engine = engine
        self.ledger = ledger
        self.view = view
        self.keyring = IssuerKeyring(identity.did)
        self.desk = IssuingDesk(did=identity.did, view=view, nonces=nonces,
                                keyring=self.keyring, clock=clock)  # fmt: skip
        self.validity_days = validity_days
        self.clock = clock
        self.key_id: str | None = None
        with db.write(engine) as conn:
            _metadata.create_all(conn)

    def publish_key(self, fragment: str = "bbs-1") -> str:
        key_id, _ = self.keyring.generate(fragment)
        body = self.keyring.entry_body(key_id, (self.schema,), self.view.epoch().epoch)
        self.ledger.append(self.identity.sign(EntryType.ISSUER_KEY, body, int(self.clock())))
        self.view.refresh()
        self.key_id = key_id
        return key_id

    def add_record(self, resident_id: str, values: Mapping[str, AttributeValue]) -> None:
        """The issuer's own data about a citizen (everything but ``valid_until``)."""
        expected = {a.name for a in self.schema.attributes} - {"valid_until"}
        if set(values) != expected:
            raise InvalidArgumentError(f"record: want exactly {sorted(expected)}")
        encoded = json.dumps(values_to_json(self.schema, values)).encode()
        with db.write(self.engine) as conn:
            conn.execute(
                insert(_records).values(
                    resident_id=resident_id, schema_id=self.schema.schema_id, attributes=encoded
                )
            )

    def _record(self, resident_id: str) -> dict[str, AttributeValue]:
        with db.read(self.engine) as conn:
            row = conn.execute(
                select(_records.c.attributes).where(
                    _records.c.resident_id == resident_id,
                    _records.c.schema_id == self.schema.schema_id,
                )
            ).first()
        if row is None:
            raise NotFoundError(f"{self.identity.name}: no record for this citizen")
        stored = strictjson.loads(row.attributes, what="sector record")
        if not isinstance(stored, dict):
            raise DecodeError("sector record: want a JSON object")
        return values_from_json(self.schema, stored)

    def offer(self) -> PresentationRequest:
        """Ask the wallet for its identity (the resident id, to find the record)."""
        return self.desk.request(disclose=("resident_id",), purpose="issuance")

    def issue(self, application: CredentialApplication) -> IssuedCredential:
        if application.schema_id != self.schema.schema_id or self.key_id is None:
            raise InvalidArgumentError(f"{self.identity.name} issues {self.schema.schema_id}")
        pending = self.desk.verify(application)
        resident_id = str(pending.verified.disclosed["identity"]["resident_id"])
        values = self._record(resident_id)
        today = datetime.datetime.fromtimestamp(self.clock(), datetime.UTC).date()
        values["valid_until"] = today + datetime.timedelta(days=self.validity_days)
        return self.desk.sign(pending, values, key_id=self.key_id)
