"""What a presentation proves: the statement, and the proof layout it determines.

Prover and verifier build the same :class:`Statement` — the verifier from its
request and the ledger (issuer keys, schemas, range parameters, escrow key),
the wallet from the request it checked — so the proof's shape (which values
are hidden, which hidden values share one response, which ranges are
proved) is fixed by public data alone and reveals nothing about the holder.
Its digest, over every public input, opens the Fiat–Shamir transcript.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property

from realdid.crypto._backend import Scalar
from realdid.crypto._core import Api
from realdid.crypto.credential import (
    AttributeValue,
    Kind,
    Schema,
    credential_api,
    encode_attribute,
)
from realdid.crypto.presentation.parts import (
    AttributeRef,
    CredentialRequest,
    EscrowRequest,
    IssuanceCommitment,
    RangePredicate,
    check_ref,
    check_tuple,
    encode_bound,
)
from realdid.crypto.range_proof import RangeDecomposition, RangeParams
from realdid.crypto.suites import BLS12_381_SHA_256, Ciphersuite
from realdid.crypto.transcript import Transcript
from realdid.errors import InvalidArgumentError

__all__ = [
    "AttributeRef",
    "CredentialRequest",
    "EscrowRequest",
    "IssuanceCommitment",
    "Layout",
    "RangePredicate",
    "Statement",
]


@dataclass(frozen=True)
class Layout:
    """The proof's shape, derived from the statement alone."""

    hidden: tuple[tuple[int, ...], ...]  # per credential, hidden signed-list indexes
    classes: dict[tuple[int, int], int]  # (credential, index) -> response slot
    class_count: int
    decompositions: tuple[tuple[AttributeRef, RangeDecomposition], ...]


@dataclass(frozen=True)
class Statement:
    """Every public input of one presentation."""

    credentials: tuple[CredentialRequest, ...]
    nonce: bytes
    context_id: bytes
    request_digest: bytes = b""
    pseudonym_from: int | None = None
    ranges: tuple[RangePredicate, ...] = ()
    equal: tuple[tuple[AttributeRef, AttributeRef], ...] = ()
    #: Hidden attributes proved equal to values the verifier states (not sent back).
    equal_public: tuple[tuple[AttributeRef, AttributeValue], ...] = ()
    escrow: EscrowRequest | None = None
    #: A commitment for a credential to be issued to this holder (see IssuanceCommitment).
    issuance: IssuanceCommitment | None = None
    range_params: RangeParams | None = field(default=None, repr=False)
    ciphersuite: Ciphersuite = BLS12_381_SHA_256

    @property
    def api(self) -> Api:
        return credential_api(self.ciphersuite)

    def schema(self, ref: AttributeRef) -> Schema:
        return self.credentials[ref.credential].schema

    def index(self, ref: AttributeRef) -> int:
        if not 0 <= ref.credential < len(self.credentials):
            raise InvalidArgumentError(f"attribute ref: no credential {ref.credential}")
        return self.schema(ref).index(ref.attribute)

    def disclosed_indexes(self, k: int) -> list[int]:
        schema = self.credentials[k].schema
        return sorted(schema.index(name) for name in self.credentials[k].disclosed)

    def public_values(self, k: int) -> dict[int, Scalar]:
        """Index -> scalar of credential k's attributes proved equal to public values."""
        schema = self.credentials[k].schema
        return {
            schema.index(ref.attribute): encode_attribute(
                schema.kind(ref.attribute), value, self.api
            )
            for ref, value in self.equal_public
            if ref.credential == k
        }

    def _is_disclosed(self, ref: AttributeRef) -> bool:
        """Disclosed or proved equal to a public value: not hidden in the BBS proof."""
        if ref.attribute in self.credentials[ref.credential].disclosed:
            return True
        return any(r == ref for r, _ in self.equal_public)

    @staticmethod
    def require(value: object) -> Statement:
        """``value`` if it is a Statement (what every entry point checks first)."""
        if not isinstance(value, Statement):
            raise InvalidArgumentError(f"statement: got {type(value).__name__}, want a Statement")
        return value

    def _check_types(self) -> None:
        """Everything a caller could get wrong in kind, refused with a typed error before
        any of it is used (each part checks its own fields, parts.py)."""
        if not isinstance(self.ciphersuite, Ciphersuite):
            raise InvalidArgumentError("statement ciphersuite: want a suites.Ciphersuite")
        credentials = check_tuple(self.credentials, "statement credentials")
        if not 1 <= len(credentials) <= 8:
            raise InvalidArgumentError("statement: want 1 to 8 credential requests")
        for name in ("nonce", "context_id", "request_digest"):
            value = getattr(self, name)
            if not isinstance(value, bytes) or len(value) > 1024:
                raise InvalidArgumentError(f"statement {name}: want bytes, at most 1024")
        for k, req in enumerate(credentials):
            if not isinstance(req, CredentialRequest):
                raise InvalidArgumentError(f"credential {k}: want a CredentialRequest")
            req.check_types(k)
        if self.pseudonym_from is not None and type(self.pseudonym_from) is not int:
            raise InvalidArgumentError("pseudonym_from: want an int or None")
        for p in check_tuple(self.ranges, "statement ranges"):
            if not isinstance(p, RangePredicate):
                raise InvalidArgumentError("statement ranges: want RangePredicates")
            p.check_types()
        for entry in check_tuple(self.equal, "statement equal"):
            pair = check_tuple(entry, "equality")
            if len(pair) != 2:
                raise InvalidArgumentError("equality: want a pair of AttributeRefs")
            for ref in pair:
                check_ref(ref, "equality")
        for entry in check_tuple(self.equal_public, "statement equal_public"):
            pair = check_tuple(entry, "public equality")
            if len(pair) != 2:
                raise InvalidArgumentError("public equality: want (AttributeRef, value)")
            check_ref(pair[0], "public equality")  # the value: by its kind, in public_values
        for name, part, kind in (
            ("escrow", self.escrow, EscrowRequest),
            ("issuance", self.issuance, IssuanceCommitment),
        ):
            if part is not None:
                if not isinstance(part, kind):
                    raise InvalidArgumentError(f"statement {name}: want {kind.__name__} or None")
                part.check_types()
        if self.range_params is not None and not isinstance(self.range_params, RangeParams):
            raise InvalidArgumentError("statement range_params: want RangeParams or None")

    @cached_property
    def layout(self) -> Layout:
        """Validate the statement and derive the layout (raises InvalidArgumentError)."""
        self._check_types()
        hidden: list[tuple[int, ...]] = []
        for k, req in enumerate(self.credentials):
            if len(set(req.disclosed)) != len(req.disclosed):
                raise InvalidArgumentError(f"credential {k}: a disclosed attribute repeats")
            for name in req.disclosed:
                if req.schema.kind(name) is Kind.HANDLE:
                    raise InvalidArgumentError("an escrow handle can never be disclosed")
            shown = set(self.disclosed_indexes(k)) | set(self.public_values(k))
            hidden.append(tuple(i for i in range(req.schema.size) if i not in shown))
        parent: dict[tuple[int, int], tuple[int, int]] = {
            (k, i): (k, i) for k, h in enumerate(hidden) for i in h
        }

        def find(x: tuple[int, int]) -> tuple[int, int]:
            while parent[x] != x:
                x = parent[x]
            return x

        def union(a: tuple[int, int], b: tuple[int, int]) -> None:
            parent[find(b)] = find(a)

        # Holder binding: every credential carries the holder's one secret.
        for k in range(1, len(self.credentials)):
            union(
                (0, self.credentials[0].schema.holder_secret_index),
                (k, self.credentials[k].schema.holder_secret_index),
            )
        for left, right in self.equal:
            for ref in (left, right):
                self.index(ref)
                if self._is_disclosed(ref):
                    raise InvalidArgumentError("equality: both attributes must be hidden")
            if self.schema(left).kind(left.attribute) != self.schema(right).kind(right.attribute):
                raise InvalidArgumentError("equality: attributes of different kinds")
            union((left.credential, self.index(left)), (right.credential, self.index(right)))
        seen_public: set[AttributeRef] = set()
        for ref, _ in self.equal_public:
            self.index(ref)
            kind = self.schema(ref).kind(ref.attribute)
            if kind is Kind.HANDLE or ref.attribute in self.credentials[ref.credential].disclosed:
                raise InvalidArgumentError("public equality: not on a handle or a disclosed value")
            if ref in seen_public:
                raise InvalidArgumentError("public equality: an attribute appears twice")
            seen_public.add(ref)
        roots: dict[tuple[int, int], int] = {}
        classes: dict[tuple[int, int], int] = {}
        for k, h in enumerate(hidden):
            for i in h:
                root = find((k, i))
                classes[(k, i)] = roots.setdefault(root, len(roots))
        decompositions = self._decompositions()
        if self.pseudonym_from is not None:
            if not 0 <= self.pseudonym_from < len(self.credentials):
                raise InvalidArgumentError("pseudonym_from: no such credential")
            if self.credentials[self.pseudonym_from].schema.nym_count == 0:
                raise InvalidArgumentError("pseudonym_from: that schema has no nym secrets")
        if self.escrow is not None:
            self.index(self.escrow.ref)
            if self.schema(self.escrow.ref).kind(self.escrow.ref.attribute) is not Kind.HANDLE:
                raise InvalidArgumentError("escrow: the attribute must be an escrow handle")
            if self.escrow.label.context_id != self.context_id or (
                self.escrow.label.nonce != self.nonce
            ):
                raise InvalidArgumentError("escrow: the label must name this request")
        self._check_issuance()
        return Layout(tuple(hidden), classes, len(roots), decompositions)

    def _check_issuance(self) -> None:
        issuance = self.issuance
        if issuance is None:
            return
        if not 0 <= issuance.source < len(self.credentials):
            raise InvalidArgumentError("issuance: no such source credential")
        nyms = issuance.schema.nym_count
        if nyms > 1:
            raise InvalidArgumentError("issuance: a target schema has at most one nym secret")
        if nyms == 1:
            if self.credentials[issuance.source].schema.nym_count != 1:
                raise InvalidArgumentError("issuance: the source must carry one nym secret")
            if issuance.offset() is None:
                raise InvalidArgumentError("issuance: a nym target needs the issuer's nym offset")
        elif issuance.nym_offset is not None:
            raise InvalidArgumentError("issuance: a nym offset without a nym secret to carry")

    def _decompositions(self) -> tuple[tuple[AttributeRef, RangeDecomposition], ...]:
        out: list[tuple[AttributeRef, RangeDecomposition]] = []
        if self.ranges and self.range_params is None:
            raise InvalidArgumentError("ranges requested without range parameters")
        for p in self.ranges:
            self.index(p.ref)
            kind = self.schema(p.ref).kind(p.ref.attribute)
            if not kind.ordered or self._is_disclosed(p.ref):
                raise InvalidArgumentError("range: want a hidden integer or date attribute")
            if p.lower is None and p.upper is None:
                raise InvalidArgumentError("range: want at least one bound")
            if p.lower is not None:  # attribute - lower in [0, bound)
                out.append((p.ref, RangeDecomposition(1, -encode_bound(kind, p.lower))))
            if p.upper is not None:  # upper - attribute in [0, bound)
                out.append((p.ref, RangeDecomposition(-1, encode_bound(kind, p.upper))))
        return tuple(out)

    @cached_property
    def digest(self) -> bytes:
        """SHA-256 over every public input, labelled and length-prefixed."""
        self.layout  # validate first  # noqa: B018
        t = Transcript(b"realdid/statement/v1")
        t.append(b"suite", self.ciphersuite.ciphersuite_id)
        t.append(b"nonce", self.nonce)
        t.append(b"context_id", self.context_id)
        t.append(b"request", self.request_digest)
        for k, req in enumerate(self.credentials):
            t.append(b"schema", req.schema.digest())
            t.append(b"issuer", req.issuer_pk)
            t.append_int(b"epoch", req.epoch)
            t.append_int(b"disclosed", len(req.disclosed))
            for i in self.disclosed_indexes(k):  # schema order: the order of the encoding
                t.append_int(b"disclosed index", i)
        t.append_int(b"pseudonym_from", -1 if self.pseudonym_from is None else self.pseudonym_from)
        for ref, dec in self.layout.decompositions:
            t.append_int(b"range credential", ref.credential)
            t.append_int(b"range index", self.index(ref))
            t.append_int(b"alpha", dec.alpha)
            t.append(b"beta", dec.beta.to_bytes(16, "big", signed=True))
        if self.range_params is not None:
            t.append(b"range_params", self.range_params.digest)
        for left, right in self.equal:
            for ref in (left, right):
                t.append_int(b"equal credential", ref.credential)
                t.append_int(b"equal index", self.index(ref))
        for k in range(len(self.credentials)):
            for i, value in sorted(self.public_values(k).items()):
                t.append_int(b"public credential", k)
                t.append_int(b"public index", i)
                t.append_scalars(b"public value", (value,))
        if self.escrow is not None:
            t.append_int(b"escrow credential", self.escrow.ref.credential)
            t.append_int(b"escrow index", self.index(self.escrow.ref))
            t.append(b"escrow_key", self.escrow.key.digest)
            t.append(b"escrow_label", self.escrow.label.encode())
        if self.issuance is not None:
            t.append(b"issuance schema", self.issuance.schema.digest())
            t.append(b"issuance commitment", self.issuance.commitment)
            t.append_int(b"issuance source", self.issuance.source)
            t.append(b"issuance nym offset", self.issuance.nym_offset or b"")
        return hashlib.sha256(t.digest_input()).digest()
