"""A typed, verified view of the registry, for wallets, verifiers, issuers and trustees.

Every answer comes through the ledger's light client, so it carries an
inclusion proof and a state proof against a checkpoint the client trusts:
"this key is the authority's and is not retired", "this service may ask for
these attributes", "there is no such service" are all proved, not believed.
Answers are cached until the trusted checkpoint moves (:meth:`refresh`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Protocol

from realdid.credentials.schemas import from_ledger
from realdid.crypto.credential import Schema
from realdid.crypto.dkg import verify_transcript
from realdid.crypto.dkg_messages import DkgResult
from realdid.crypto.escrow import EscrowKey
from realdid.crypto.range_proof import RangeParams
from realdid.crypto.suites import BLS12_381_SHA_256, BLS12_381_SHAKE_256, Ciphersuite
from realdid.crypto.threshold import JointKey
from realdid.errors import InvalidArgumentError, NotFoundError, RevokedError, VerificationError
from realdid.ledger.client import LightClient
from realdid.ledger.entries import (
    AdmitBody,
    DidDocument,
    DidUpdateBody,
    Entry,
    EntryType,
    EpochBody,
    GenesisBody,
    IssuerKeyBody,
    Permissions,
    SchemaBody,
    ServiceBody,
    TrusteesBody,
    unb64url,
)
from realdid.ledger.predicates import PredicateSpec

__all__ = ["IssuerKey", "LedgerView", "LedgerWriter", "Service", "Trustees"]

_SUITES = {s.name: s for s in (BLS12_381_SHA_256, BLS12_381_SHAKE_256)}


class LedgerWriter(Protocol):
    """Where an institution sends its signed entries: the log in process
    (EmbeddedLedger) or its HTTP API. Returns the index once committed."""

    def append(self, entry: bytes) -> int: ...


@dataclass(frozen=True, slots=True)
class IssuerKey:
    key_id: str
    issuer: str  # the issuer's DID
    public_key: bytes
    schemas: tuple[str, ...]
    ciphersuite: Ciphersuite
    valid_from_epoch: int


@dataclass(frozen=True, slots=True)
class Service:
    did: str
    context_id: str
    permissions: Permissions
    name: str


@dataclass(frozen=True, slots=True)
class Trustees:
    members: tuple[tuple[int, str], ...]  # (share index, DID)
    threshold: int
    joint_key: EscrowKey
    ceremony: DkgResult  # re-derived from the transcript: QUAL, public shares Y_j
    session_id: str
    threshold_key: JointKey  # y, k and Y_1..Y_n: what combining shares needs

    def index_of(self, did: str) -> int:
        for index, member in self.members:
            if member == did:
                return index
        raise NotFoundError(f"{did}: not in the trustee set")


class LedgerView:
    def __init__(self, client: LightClient) -> None:
        self.client = client
        self._cache: dict[str, tuple[int, Entry] | None] = {}
        self._size = -1
        self._trustees: dict[int, Trustees] = {}
        self._range_params: dict[int, RangeParams] = {}
        self._epochs: dict[int, list[EpochBody]] = {}

    def refresh(self) -> int:
        """Move to the log's latest checkpoint (verified); returns its size."""
        size = self.client.update().size
        if size != self._size:
            self._cache.clear()
            self._size = size
        return size

    def _located(self, key: str) -> tuple[int, Entry] | None:
        if self._size < 0:
            self.refresh()
        if key not in self._cache:
            self._cache[key] = self.client.locate(key)
        return self._cache[key]

    def _latest(self, key: str) -> Entry | None:
        found = self._located(key)
        return None if found is None else found[1]

    def locate(self, key: str) -> tuple[int, Entry] | None:
        """A state key's latest entry and its index, proved (None: proved absent)."""
        return self._located(key)

    def latest_index(self, key: str) -> int | None:
        """The log index of ``key``'s latest entry (a new entry's ``prev``), proved."""
        found = self._located(key)
        return None if found is None else found[0]

    def _live(self, key: str, what: str) -> Entry:
        entry = self._latest(key)
        if entry is None:
            raise NotFoundError(f"{what}: not on the ledger")
        if entry.type is EntryType.RETIRE:
            raise RevokedError(f"{what}: retired on the ledger")
        return entry

    # ------------------------------------------------------------------ lookups

    def document(self, did: str) -> DidDocument:
        """A live institution's DID document (raises NotFoundError, RevokedError)."""
        body = self._live(f"did:{did}", did).typed_body()
        assert isinstance(body, GenesisBody | AdmitBody | DidUpdateBody)
        return body.document

    def schema(self, schema_id: str) -> tuple[Schema, tuple[str, ...]]:
        """A schema and the DIDs that may sign it."""
        body = self._live(f"schema:{schema_id}", f"schema {schema_id}").typed_body()
        assert isinstance(body, SchemaBody)
        return from_ledger(body), body.issuers

    def issuer_key(
        self, key_id: str, schema_id: str | None = None, *, historic: bool = False
    ) -> IssuerKey:
        """A live issuer key; with ``schema_id``, one that may sign that schema.

        ``historic=True`` (reviewing an old presentation, e.g. for an opening) also
        returns a key retired since, read back along its ``prev`` chain.
        """
        key = f"issuer-key:{key_id}"
        if historic:
            entry = self._latest(key)
            while entry is not None and entry.type is EntryType.RETIRE and entry.prev is not None:
                entry = self.entry(entry.prev)
            if entry is None or entry.type is not EntryType.ISSUER_KEY:
                raise NotFoundError(f"issuer key {key_id}: never on the ledger")
        else:
            entry = self._live(key, f"issuer key {key_id}")
            self.document(key_id.split("#", 1)[0])  # the issuer itself is not retired
        body = entry.typed_body()
        assert isinstance(body, IssuerKeyBody)
        issuer = key_id.split("#", 1)[0]
        if schema_id is not None:
            _, issuers = self.schema(schema_id)
            if schema_id not in body.schemas or issuer not in issuers:
                raise InvalidArgumentError(f"issuer key {key_id}: does not sign {schema_id}")
        return IssuerKey(
            key_id,
            issuer,
            unb64url(body.public_key, "issuer key"),
            body.schemas,
            _SUITES[body.ciphersuite],
            body.valid_from_epoch,
        )

    def service(self, did: str) -> Service:
        """A live service registration (raises NotFoundError for "no such service")."""
        body = self._live(f"service:{did}", f"service {did}").typed_body()
        assert isinstance(body, ServiceBody)
        return Service(did, body.context_id, body.permissions, self.document(did).name)

    def predicates(self, did: str, *, historic: bool = False) -> dict[str, PredicateSpec]:
        """The predicates service ``did`` may ask, by id: its live registration's.

        ``historic=True`` (reviewing an old presentation) reads every registration
        of the service back along its ``prev`` chain, retired ones too, the newest
        first: an id keeps its meaning for ever (the registry refuses a change), so
        an old request's bound is recomputed as it was made.
        """
        if not historic:
            return {p.id: p for p in self.service(did).permissions.predicates}
        found: dict[str, PredicateSpec] = {}
        entry = self._latest(f"service:{did}")
        if entry is None:
            raise NotFoundError(f"service {did}: never on the ledger")
        while entry is not None:
            body = entry.typed_body()
            if isinstance(body, ServiceBody):
                for spec in body.permissions.predicates:
                    found.setdefault(spec.id, spec)
            entry = None if entry.prev is None else self.entry(entry.prev)
        return found

    def trustees(self) -> Trustees:
        """The current trustee set, its key re-derived from the ceremony's transcript."""
        found = self._located("trustees")
        self._live("trustees", "trustee set")  # present and not retired
        assert found is not None
        return self._trustee_set(*found)

    def trustee_sets(self) -> list[tuple[int, Trustees]]:
        """Every trustee set so far with its log index, newest first (the ``prev`` chain,
        each proved): an old presentation's escrow was sealed to the set in force then."""
        sets: list[tuple[int, Trustees]] = []
        found = self._located("trustees")
        while found is not None:
            index, entry = found
            if entry.type is EntryType.TRUSTEES:
                sets.append((index, self._trustee_set(index, entry)))
            found = None if entry.prev is None else (entry.prev, self.entry(entry.prev))
        return sets

    def trustee_set(self, index: int) -> Trustees:
        """The trustee set published in entry ``index`` (current or former; the one an
        opening request names). NotFoundError if that entry is no trustee set."""
        entry = self.entry(index)
        if entry.type is not EntryType.TRUSTEES:
            raise NotFoundError(f"entry {index}: not a trustee set")
        return self._trustee_set(index, entry)

    def _trustee_set(self, index: int, entry: Entry) -> Trustees:
        if index in self._trustees:
            return self._trustees[index]
        body = entry.typed_body()
        assert isinstance(body, TrusteesBody)
        result = verify_transcript(*body.ceremony())
        key = EscrowKey.decode(unb64url(body.joint_key, "joint key"))
        if key.y != result.public_key:
            raise VerificationError("trustees: the transcript gives another key")
        trustees = Trustees(
            tuple((m.index, m.did) for m in body.members),
            body.threshold,
            key,
            result,
            body.session_id,
            result.joint_key(),
        )
        self._trustees[index] = trustees
        return trustees

    def epoch(self) -> EpochBody:
        body = self._live("epoch", "epoch").typed_body()
        assert isinstance(body, EpochBody)
        return body

    def epochs(self) -> list[EpochBody]:
        """Every epoch so far, newest first (the ``prev`` chain of the epoch key, each
        entry proved included)."""
        found = self._located("epoch")
        if found is None:
            raise NotFoundError("epoch: none on the ledger")
        if found[0] not in self._epochs:
            chain, entry = [], found[1]
            while True:
                body = entry.typed_body()
                assert isinstance(body, EpochBody)
                chain.append(body)
                if entry.prev is None:
                    break
                entry = self.entry(entry.prev)
            self._epochs = {found[0]: chain}
        return self._epochs[found[0]]

    def epoch_on(self, day: datetime.date) -> EpochBody:
        """The epoch in force on ``day`` (the latest that had started)."""
        for body in self.epochs():
            if datetime.date.fromisoformat(body.starts) <= day:
                return body
        raise NotFoundError(f"epoch: none had started on {day}")

    def range_params(self, epoch: int | None = None) -> RangeParams:
        """Range-proof parameters of ``epoch`` (default: the current one), decoded once;
        the prover validates them before first use."""
        if epoch is None:
            epoch = self.epoch().epoch
        if epoch not in self._range_params:
            body = next((e for e in self.epochs() if e.epoch == epoch), None)
            decoded = None if body is None else body.decoded_range_params()
            if decoded is None:
                raise NotFoundError(f"epoch {epoch}: no range parameters published")
            self._range_params[epoch] = decoded
        return self._range_params[epoch]

    def entry(self, index: int) -> Entry:
        """Entry ``index``, proved included (e.g. an opening request).

        Requires an int ``index`` >= 0 (InvalidArgumentError); one past the
        latest checkpoint is a NotFoundError, never a store's own error."""
        if not isinstance(index, int) or isinstance(index, bool) or index < 0:
            raise InvalidArgumentError(f"entry index: got {index!r}, want an integer >= 0")
        if index >= self._size:  # newer than the trusted checkpoint: move to the latest
            self.refresh()
        if index >= self._size:
            raise NotFoundError(f"entry {index}: the log has {self._size} entries")
        return self.client.entry(index)
