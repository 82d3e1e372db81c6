"""The registry: the ledger's current state, and who may write what.

Entries are applied in log order. :meth:`Registry.check` decides whether an
entry may be appended next (signature by a current authentication key of an
admitted author, role allowed for the type, the body consistent with the
state); :meth:`Registry.apply` does the same, then updates the state. A
refused entry changes nothing.

    type                   who may write it
    authority.genesis      the authority, as entry 0 only (self-signed)
    authority.admit        the authority (institutions: issuers, services, trustees, courts)
    did.update             the DID's owner, or the authority
    schema                 the authority
    issuer.key             an issuer (or the authority) for its own DID
    service.registration   the authority: permissions are granted, not claimed
    trustees, epoch        the authority
    retire                 the authority (anything), an owner (its own keys and DID)
    opening.request        a court, for a registered service, naming a trustee set on
                           the ledger and a well-formed escrow ciphertext sealed to it
                           and labelled for that service
    opening.blinding       the authority, once per recorded request
    opening.share          a member of the set the request's escrow was sealed to
                           (current or former), under its own index there, for a
                           recorded request and the blinding of that request

A service registration's predicates are checked against the schemas on the
ledger and must be answered exactly by the range proof
(:meth:`Registry._check_predicates`, :func:`realdid.ledger.predicates.check_exact`);
a predicate id keeps its meaning for the service for ever. An epoch's range
parameters cover at least the cap those predicates were admitted for.

Every write updates the sparse Merkle tree of state keys, whose root each
checkpoint carries, so a reader can prove "this service may ask for these
attributes", "this key is not retired", or "there is no such service".

Replays: an entry that sets a state key names, in ``prev``, the index of
that key's current entry (None for a new key), so a re-sent old entry, or
one signed against a state that has moved on, is refused; events (opening
requests, blindings and shares) carry no ``prev`` and may appear once (one
blinding per request, one share per trustee per request). A retired key
stays retired, except a service registration or the trustee set, which the
authority may publish anew.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
from dataclasses import dataclass, field

from realdid.crypto.dkg import verify_transcript
from realdid.crypto.escrow import EscrowKey, check_ciphertext
from realdid.errors import (
    InvalidArgumentError,
    PermissionDeniedError,
    RealDIDError,
    VerificationError,
)
from realdid.ledger.entries import (
    AdmitBody,
    DidDocument,
    DidUpdateBody,
    Entry,
    EntryType,
    EpochBody,
    GenesisBody,
    IssuerKeyBody,
    OpeningBlindingBody,
    OpeningRequestBody,
    OpeningShareBody,
    RetireBody,
    Role,
    SchemaBody,
    ServiceBody,
    TrusteesBody,
    decode_entry,
    unb64url,
)
from realdid.ledger.predicates import RANGE_CAP, PredicateSpec, check_exact
from realdid.ledger.rfc9162 import hash_leaf
from realdid.ledger.smt import SparseMerkleTree, lookup_value

__all__ = ["Institution", "Registry", "state_key_of"]

#: State keys the authority may set again after retiring them.
_REOPENABLE = ("service:", "trustees")
#: The attribute every schema ends with; its predicate is the system's own.
VALIDITY = "valid_until"


def _signed_digest(entry: Entry) -> bytes:
    """What the author signed (the same request, whatever encoding of the signature)."""
    return hashlib.sha256(entry.signed_bytes()).digest()


@dataclass(frozen=True, slots=True)
class Institution:
    did: str
    role: Role
    document: DidDocument


def _check_ceremony(body: TrusteesBody) -> None:
    """The transcript must re-derive the published joint key and hash (verify_transcript)."""
    params, transcript = body.ceremony()
    try:
        result = verify_transcript(params, transcript)
    except RealDIDError as exc:
        raise InvalidArgumentError(f"trustees: the ceremony transcript fails ({exc})") from None
    if (
        EscrowKey(result.public_key).encode() != unb64url(body.joint_key, "joint key")
        or result.transcript_hash != unb64url(body.transcript_hash, "transcript hash")
        or len(result.qual) < body.threshold
    ):
        raise InvalidArgumentError("trustees: the transcript gives another key or hash")


def state_key_of(entry: Entry) -> str | None:
    """The state key an entry sets (None for openings' requests, blindings and shares: events)."""
    body = entry.typed_body()
    match body:
        case GenesisBody() | AdmitBody() | DidUpdateBody():
            return f"did:{body.document.id}"
        case SchemaBody():
            return f"schema:{body.schema_id}"
        case IssuerKeyBody():
            return f"issuer-key:{body.key_id}"
        case ServiceBody():
            return f"service:{body.service}"
        case TrusteesBody():
            return "trustees"
        case EpochBody():
            return "epoch"
        case RetireBody():
            return body.state_key
    return None


@dataclass
class Registry:
    size: int = 0
    origin: str | None = None
    institutions: dict[str, Institution] = field(default_factory=dict)
    schemas: dict[str, SchemaBody] = field(default_factory=dict)
    issuer_keys: dict[str, tuple[str, IssuerKeyBody]] = field(default_factory=dict)
    services: dict[str, ServiceBody] = field(default_factory=dict)
    #: Every predicate each service ever registered, by id (its meaning is fixed for ever).
    predicates: dict[str, dict[str, PredicateSpec]] = field(default_factory=dict)
    trustees: TrusteesBody | None = None
    epoch: EpochBody | None = None
    retired: set[str] = field(default_factory=set)
    #: Every trustee set ever published, by log index (an opening names the one it
    #: was sealed to, which may since have been replaced).
    trustee_sets: dict[int, TrusteesBody] = field(default_factory=dict)
    opening_requests: dict[int, int] = field(default_factory=dict)  # request -> trustee set
    blindings: dict[int, int] = field(default_factory=dict)  # request index -> its blinding
    requests: set[bytes] = field(default_factory=set)  # digests of what was signed
    shares: set[tuple[int, str]] = field(default_factory=set)
    refused: list[int] = field(default_factory=list)
    state: SparseMerkleTree = field(default_factory=SparseMerkleTree)

    def copy(self) -> Registry:
        """A registry that shares no mutable container with this one, nested ones included.

        A witness derives each offered checkpoint's state on a copy of the
        registry it recorded (``docs/ledger.md`` §4, step 6): whatever the
        copy goes through — entries applied, then the checkpoint refused or
        the race lost — the recorded registry must not change. The values
        left shared (institutions, bodies, predicate specs) are frozen.
        """
        return dataclasses.replace(
            self,
            institutions=dict(self.institutions),
            schemas=dict(self.schemas),
            issuer_keys=dict(self.issuer_keys),
            services=dict(self.services),
            predicates={service: dict(ever) for service, ever in self.predicates.items()},
            retired=set(self.retired),
            trustee_sets=dict(self.trustee_sets),
            opening_requests=dict(self.opening_requests),
            blindings=dict(self.blindings),
            requests=set(self.requests),
            shares=set(self.shares),
            refused=list(self.refused),
            state=self.state.copy(),
        )

    # ------------------------------------------------------------------ checks

    def _author(self, entry: Entry) -> Institution:
        if entry.type is EntryType.GENESIS:
            if self.size != 0:
                raise PermissionDeniedError("genesis: only as the first entry")
            body = entry.typed_body()
            assert isinstance(body, GenesisBody)
            if body.document.id != entry.author:
                raise PermissionDeniedError("genesis: the authority must sign its own document")
            return Institution(entry.author, Role.AUTHORITY, body.document)
        if self.size == 0:
            raise PermissionDeniedError("the first entry must be the authority's genesis")
        who = self.institutions.get(entry.author)
        if who is None:
            raise PermissionDeniedError(f"{entry.author} is not admitted to the ledger")
        if f"did:{who.did}" in self.retired:
            raise PermissionDeniedError(f"{entry.author} has been retired")
        return who

    def check(self, octets: bytes, decoded: Entry | None = None) -> Entry:
        """Decode ``octets`` and decide whether it may be the next entry.

        ``decoded``: what ``decode_entry(octets)`` returned, when the caller
        already decoded it (the log does, before taking its write lock).
        Raises DecodeError (malformed), VerificationError (bad signature),
        PermissionDeniedError (author lacks the admission) or
        InvalidArgumentError (inconsistent with the state). Changes nothing.
        """
        entry = decode_entry(octets) if decoded is None else decoded
        who = self._author(entry)
        try:
            key = who.document.key(entry.key)
        except VerificationError as exc:  # not a current authentication key of the author
            raise PermissionDeniedError(str(exc)) from None
        entry.verify_signature(key)
        self._check_rules(entry, who)
        self._check_prev(entry, octets, who)
        return entry

    def latest_index(self, state_key: str) -> int | None:
        """The log index of ``state_key``'s latest entry (what a new entry's ``prev`` names)."""
        value = self.state.get(state_key)
        return None if value is None else int.from_bytes(value[:8], "big")

    def _check_prev(self, entry: Entry, octets: bytes, who: Institution) -> None:
        key = state_key_of(entry)
        if key is None:
            if entry.prev is not None:
                raise InvalidArgumentError("prev: an event supersedes nothing; want null")
            if entry.type is EntryType.OPENING_REQUEST and _signed_digest(entry) in self.requests:
                raise InvalidArgumentError("opening.request: already on the ledger (a replay)")
            return
        current = self.latest_index(key)
        if entry.prev != current:
            raise InvalidArgumentError(
                f"prev: {key} is at entry {current}, this entry names {entry.prev}"
                " (a replayed or stale entry)"
            )
        if key in self.retired and entry.type is not EntryType.RETIRE:
            if not key.startswith(_REOPENABLE):
                raise InvalidArgumentError(f"{key}: retired for good")
            self._require(who, Role.AUTHORITY)

    def _require(self, who: Institution, *roles: Role) -> None:
        if who.role not in roles:
            allowed = " or ".join(r.value for r in roles)
            raise PermissionDeniedError(
                f"{who.did} ({who.role.value}) may not write this; {allowed} may"
            )

    def _check_rules(self, entry: Entry, who: Institution) -> None:
        body = entry.typed_body()
        match body:
            case GenesisBody():
                pass
            case AdmitBody():
                self._require(who, Role.AUTHORITY)
                if body.role is Role.AUTHORITY or body.document.id in self.institutions:
                    raise InvalidArgumentError("admit: already admitted, or a second authority")
            case DidUpdateBody():
                if body.document.id != who.did:
                    self._require(who, Role.AUTHORITY)
                if body.document.id not in self.institutions:
                    raise InvalidArgumentError("did.update: no such institution")
            case SchemaBody():
                self._require(who, Role.AUTHORITY)
                if body.schema_id in self.schemas:
                    raise InvalidArgumentError("schema: ids are immutable; publish a new id")
                if len({a.name for a in body.attributes}) != len(body.attributes):
                    raise InvalidArgumentError("schema: attribute names repeat")
                for did in body.issuers:
                    issuer = self.institutions.get(did)
                    if issuer is None or issuer.role not in (Role.ISSUER, Role.AUTHORITY):
                        raise InvalidArgumentError(f"schema: {did} is not an admitted issuer")
            case IssuerKeyBody():
                self._require(who, Role.ISSUER, Role.AUTHORITY)
                if not body.key_id.startswith(who.did + "#"):
                    raise PermissionDeniedError("issuer.key: an issuer publishes only its own keys")
                if body.key_id in self.issuer_keys:
                    raise InvalidArgumentError("issuer.key: key id already used")
                for schema in body.schemas:
                    if schema not in self.schemas:
                        raise InvalidArgumentError(f"issuer.key: unknown schema {schema}")
                    if who.did not in self.schemas[schema].issuers:
                        raise PermissionDeniedError(f"issuer.key: {who.did} may not sign {schema}")
            case ServiceBody():
                self._require(who, Role.AUTHORITY)
                self._check_service(body)
            case TrusteesBody():
                self._require(who, Role.AUTHORITY)
                dids = [m.did for m in body.members]
                indexes = [m.index for m in body.members]
                if len(set(indexes)) != len(indexes) or body.threshold > len(indexes):
                    raise InvalidArgumentError("trustees: indexes repeat or threshold above n")
                for did in dids:
                    member = self.institutions.get(did)
                    if member is None or member.role is not Role.TRUSTEE:
                        raise InvalidArgumentError(f"trustees: {did} is not an admitted trustee")
                _check_ceremony(body)
            case EpochBody():
                self._require(who, Role.AUTHORITY)
                if self.epoch is not None and body.epoch <= self.epoch.epoch:
                    raise InvalidArgumentError("epoch: epochs only increase")
                try:
                    datetime.date.fromisoformat(body.starts)
                except ValueError:
                    raise InvalidArgumentError("epoch: not a date") from None
                params = body.decoded_range_params()  # every point on the curve, in G1
                if params is not None and params.bound < RANGE_CAP:
                    # Registered predicates are admitted as exact for this cap.
                    raise InvalidArgumentError(
                        f"epoch: range parameters prove [0, {params.bound}), want at least"
                        f" [0, {RANGE_CAP}) (the registered predicates' cap)"
                    )
            case RetireBody():
                self._check_retire(body, who)
            case OpeningRequestBody():
                self._require(who, Role.COURT)
                self._check_opening_request(body)
            case OpeningBlindingBody():
                self._require(who, Role.AUTHORITY)
                if body.request not in self.opening_requests:
                    raise InvalidArgumentError("opening.blinding: no such opening request")
                if body.request in self.blindings:
                    raise InvalidArgumentError("opening.blinding: that request is already blinded")
            case OpeningShareBody():
                self._require(who, Role.TRUSTEE)
                if body.request not in self.opening_requests:
                    raise InvalidArgumentError("opening.share: no such opening request")
                # The set the escrow was sealed to, not the current one: a later ceremony
                # may re-assign indexes, and the share is checked against that set's Y_j.
                sealed = self.trustee_sets[self.opening_requests[body.request]]
                members = {m.did: m.index for m in sealed.members}
                if who.did not in members:
                    raise PermissionDeniedError(
                        "opening.share: not in the trustee set the evidence was sealed to"
                    )
                if self.blindings.get(body.request) != body.blinding:
                    raise InvalidArgumentError(
                        f"opening.share: entry {body.blinding} is not the blinding of request"
                        f" {body.request}"
                    )
                if (body.request, who.did) in self.shares:
                    raise InvalidArgumentError("opening.share: this trustee already answered")
                got, want = body.partial().index, members[who.did]
                if got != want:
                    raise InvalidArgumentError(
                        f"opening.share: got index {got}, want {want} (this trustee's index"
                        " in the sealed set)"
                    )

    def _check_opening_request(self, body: OpeningRequestBody) -> None:
        """The service is registered; ``trustees`` is a trustee set on the ledger; the
        escrow ciphertext's TDH2 proof holds under that set's key and its label names
        the service (so shares can be checked against the set, docs/crypto.md §11)."""
        if body.service not in self.services:
            raise InvalidArgumentError("opening.request: no such registered service")
        sealed = self.trustee_sets.get(body.trustees)
        if sealed is None:
            raise InvalidArgumentError(f"opening.request: entry {body.trustees} is no trustee set")
        ciphertext = body.ciphertext()
        if ciphertext.label.context_id != body.service.encode():
            raise InvalidArgumentError(
                "opening.request: the escrow is labelled for another service"
            )
        try:
            check_ciphertext(ciphertext, EscrowKey.decode(unb64url(sealed.joint_key, "joint key")))
        except VerificationError:
            raise InvalidArgumentError(
                "opening.request: the escrow ciphertext's proof fails under that trustee set"
            ) from None

    def _check_service(self, body: ServiceBody) -> None:
        member = self.institutions.get(body.service)
        if member is None or member.role not in (Role.SERVICE, Role.ISSUER, Role.AUTHORITY):
            # Issuers (and the authority, for renewal) register too: what they may ask a
            # wallet before issuing is as public as any service's permissions.
            raise InvalidArgumentError(f"service: {body.service} is not an admitted service")
        if body.context_id != body.service:
            raise InvalidArgumentError("service: the context id is the service's DID")
        p = body.permissions
        for schema_id in p.present:
            if schema_id not in self.schemas:
                raise InvalidArgumentError(f"service: unknown schema {schema_id}")
        for grants in (p.disclose, p.equal_public):
            for schema_id, names in grants.items():
                schema = self.schemas.get(schema_id)
                if schema is None:
                    raise InvalidArgumentError(f"service: unknown schema {schema_id}")
                kinds = {a.name: a.kind for a in schema.attributes}
                for name in names:
                    if name not in kinds:
                        raise InvalidArgumentError(f"service: {schema_id} has no {name}")
                    if kinds[name] == "handle":
                        raise InvalidArgumentError("service: an escrow handle is never disclosed")
        self._check_predicates(body)

    def _check_predicates(self, body: ServiceBody) -> None:
        """Each registered predicate is a range question on an integer or date attribute of
        a schema on the ledger, with bounds of that attribute's kind, in a shape the range
        proof answers exactly as it reads (``check_exact``: no unstated cap, no true
        predicate left unprovable, no interval empty or one value wide on some day); ids
        are unique, and an id the service registered before keeps its meaning
        (docs/ledger.md §1)."""
        seen: set[str] = set()
        before = self.predicates.get(body.service, {})
        for spec in body.permissions.predicates:
            where = f"service: predicate {spec.id}"
            if spec.id in seen:
                raise InvalidArgumentError(f"{where}: the id repeats")
            seen.add(spec.id)
            schema = self.schemas.get(spec.schema_id)
            if schema is None:
                raise InvalidArgumentError(f"{where}: unknown schema {spec.schema_id}")
            kinds = {a.name: a.kind for a in schema.attributes}
            if spec.attribute not in kinds:
                raise InvalidArgumentError(f"{where}: {spec.schema_id} has no {spec.attribute}")
            kind = kinds[spec.attribute]
            if spec.attribute == VALIDITY:
                raise InvalidArgumentError(f"{where}: validity is proved in every presentation")
            if kind not in ("integer", "date"):
                raise InvalidArgumentError(f"{where}: got a {kind} attribute, want integer or date")
            if spec.bound_kinds() != {kind}:
                got = " and ".join(sorted(spec.bound_kinds()))
                raise InvalidArgumentError(f"{where}: got {got} bounds, want {kind} bounds")
            try:
                check_exact(spec)  # the range proof answers it exactly as it reads
            except InvalidArgumentError as exc:
                raise InvalidArgumentError(f"{where}: {exc}") from None
            old = before.get(spec.id)
            if old is not None and old.semantics() != spec.semantics():
                raise InvalidArgumentError(f"{where}: registered before with another meaning")

    def _check_retire(self, body: RetireBody, who: Institution) -> None:
        if body.state_key in ("epoch", f"did:{self._authority_did()}"):
            raise InvalidArgumentError(
                "retire: the authority's DID and the epoch are never retired"
                " (rotate the authority's key with did.update; publish a new epoch)"
            )
        if body.state_key in self.retired:
            raise InvalidArgumentError("retire: already retired")
        if self.state.get(body.state_key) is None:
            raise InvalidArgumentError("retire: no such state key")
        if who.role is Role.AUTHORITY:
            return
        own = (f"did:{who.did}", f"service:{who.did}")
        if body.state_key in own or body.state_key.startswith(f"issuer-key:{who.did}#"):
            return
        raise PermissionDeniedError("retire: only the authority, or an owner for its own keys")

    # ------------------------------------------------------------------ apply

    def apply(self, octets: bytes, decoded: Entry | None = None) -> Entry:
        """Check, then apply ``octets`` as entry number ``size`` (``decoded`` as in check)."""
        entry = self.check(octets, decoded)
        body = entry.typed_body()
        index = self.size
        match body:
            case GenesisBody():
                self.origin = body.origin
                self.institutions[entry.author] = Institution(
                    entry.author, Role.AUTHORITY, body.document
                )
            case AdmitBody():
                self.institutions[body.document.id] = Institution(
                    body.document.id, body.role, body.document
                )
            case DidUpdateBody():
                old = self.institutions[body.document.id]
                self.institutions[old.did] = Institution(old.did, old.role, body.document)
            case SchemaBody():
                self.schemas[body.schema_id] = body
            case IssuerKeyBody():
                self.issuer_keys[body.key_id] = (entry.author, body)
            case ServiceBody():
                self.services[body.service] = body
                # Copy on write: a registry's copy may share this service's inner dict.
                ever = dict(self.predicates.get(body.service, {}))
                ever.update((p.id, p) for p in body.permissions.predicates)
                self.predicates[body.service] = ever
            case TrusteesBody():
                self.trustees = body
                self.trustee_sets[index] = body
            case EpochBody():
                self.epoch = body
            case RetireBody():
                self.retired.add(body.state_key)
            case OpeningRequestBody():
                self.opening_requests[index] = body.trustees
                self.requests.add(_signed_digest(entry))
            case OpeningBlindingBody():
                self.blindings[body.request] = index
            case OpeningShareBody():
                self.shares.add((body.request, entry.author))
        key = state_key_of(entry)
        if key is not None and entry.type is not EntryType.RETIRE:
            self.retired.discard(key)  # a reopened service or trustee set
        if key is not None:
            self.state.set(key, lookup_value(index, hash_leaf(octets)))
        self.size += 1
        return entry

    def replay(self, entries: list[bytes]) -> None:
        for octets in entries:
            self.apply(octets)

    def apply_committed(self, octets: bytes) -> None:
        """Apply an entry someone already committed (another writer, a chain).

        The SQL stores commit only entries that passed :meth:`check`; a chain
        enforces roles and authorship itself but not every rule here, so an
        entry on it may still be invalid: it then keeps its place in the log
        (its leaf is in the root) but changes nothing, and is listed in
        ``refused``.
        """
        try:
            self.apply(octets)
        except RealDIDError:
            self.refused.append(self.size)
            self.size += 1

    def _authority_did(self) -> str:
        return next(i.did for i in self.institutions.values() if i.role is Role.AUTHORITY)

    def require_live(self, state_key: str) -> None:
        """Raise unless ``state_key`` exists and is not retired."""
        if self.state.get(state_key) is None:
            raise InvalidArgumentError(f"{state_key}: not on the ledger")
        if state_key in self.retired:
            raise InvalidArgumentError(f"{state_key}: retired")
