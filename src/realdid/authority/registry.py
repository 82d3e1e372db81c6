"""The population registry and the authority's own records, behind SQLAlchemy.

Tables (SQLite by default, PostgreSQL in production):

    citizens          resident id → name, birth date, sex, region, nationality, status
    activation_codes  per citizen: scrypt hash and salt, expiry, attempts, used
    enrollments       per citizen: the escrow handle (secret), generation, first and last epoch
    escrow_index      handle·Q_esc (48 bytes) → citizen: what an opening is mapped with
    issuances         who was issued what in which epoch (renewal and audit)

Only the authority holds this. Nothing here ever reaches the ledger; an
opening yields a point that only this table can turn into a person.
Activation codes are one-time, expire, and lock after a few wrong tries; a
wrong code changes nothing but its own attempt counter, and every refusal
looks the same (no oracle for who exists or who has enrolled).
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    Engine,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    Row,
    String,
    Table,
    func,
    insert,
    select,
    update,
)

from realdid import db
from realdid.authority.population import Person
from realdid.errors import AuthenticationError, NotFoundError, RealDIDError, RevokedError

__all__ = ["CODE_ATTEMPTS", "CODE_LIFETIME", "Citizen", "CitizenRegistry"]

CODE_LIFETIME: Final = 7 * 24 * 3600
CODE_ATTEMPTS: Final = 5
#: Every refused enrollment takes at least this long (scrypt alone is about 25 ms).
REFUSAL_SECONDS: Final = 0.06
T = TypeVar("T")
_CODE_ALPHABET: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
_CODE_LENGTH: Final = 10  # 50 bits
_DUMMY_SALT: Final = bytes(16)
_ENROLLMENT_REFUSED: Final = (
    "enrollment: the details or the code do not match, or the code is no longer valid"
    " (ask the counter for a new one)"
)

_metadata = MetaData()
_citizens = Table(
    "citizens",
    _metadata,
    Column("resident_id", String(18), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("birth_date", Date, nullable=False),
    Column("sex", String(1), nullable=False),
    Column("region", String(100), nullable=False),
    Column("nationality", String(2), nullable=False),
    Column("status", String(16), nullable=False, default="active"),
)
_codes = Table(
    "activation_codes",
    _metadata,
    Column("resident_id", ForeignKey("citizens.resident_id"), primary_key=True),
    Column("salt", LargeBinary, nullable=False),
    Column("code_hash", LargeBinary, nullable=False),
    Column("expires_at", Integer, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("used", Boolean, nullable=False),
)
_enrollments = Table(
    "enrollments",
    _metadata,
    Column("resident_id", ForeignKey("citizens.resident_id"), primary_key=True),
    Column("escrow_handle", LargeBinary, nullable=False),
    Column("generation", Integer, nullable=False),
    Column("enrolled_epoch", Integer, nullable=False),
)
_index = Table(
    "escrow_index",
    _metadata,
    Column("index_key", LargeBinary, primary_key=True),
    Column("resident_id", ForeignKey("citizens.resident_id"), nullable=False),
)
_attempts = Table(
    "enrollment_attempts",  # one row per try: every refusal costs the same write
    _metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Integer, nullable=False),
    Column("succeeded", Boolean, nullable=False),
)
_issuances = Table(
    "issuances",
    _metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("resident_id", ForeignKey("citizens.resident_id"), nullable=False),
    Column("schema_id", String(128), nullable=False),
    Column("epoch", Integer, nullable=False),
    Column("issued_at", Integer, nullable=False),
)


@dataclass(frozen=True, slots=True)
class Citizen:
    person: Person
    status: str  # active | revoked | deceased


def _citizen(row: Row[Any]) -> Citizen:
    person = Person(row.resident_id, row.name, row.birth_date, row.sex, row.region,
                    row.nationality)  # fmt: skip
    return Citizen(person, row.status)


def _hash_code(code: str, salt: bytes) -> bytes:
    return Scrypt(salt=salt, length=32, n=2**14, r=8, p=1).derive(code.encode())


class CitizenRegistry:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        with db.write(engine) as conn:
            _metadata.create_all(conn)

    # ------------------------------------------------------------------ people

    def add(self, people: Iterable[Person]) -> int:
        rows = [
            {
                "resident_id": p.resident_id,
                "name": p.name,
                "birth_date": p.birth_date,
                "sex": p.sex,
                "region": p.region,
                "nationality": p.nationality,
                "status": "active",
            }
            for p in people
        ]
        if rows:
            with db.write(self.engine) as conn:
                conn.execute(insert(_citizens), rows)
        return len(rows)

    def citizen(self, resident_id: str) -> Citizen:
        with db.read(self.engine) as conn:
            row = conn.execute(
                select(_citizens).where(_citizens.c.resident_id == resident_id)
            ).first()
        if row is None:
            raise NotFoundError("citizen: not in the population registry")
        return _citizen(row)

    def set_status(self, resident_id: str, status: str) -> None:
        with db.write(self.engine) as conn:
            who = _citizens.c.resident_id == resident_id
            done = conn.execute(update(_citizens).where(who).values(status=status))
            if done.rowcount != 1:
                raise NotFoundError("citizen: not in the population registry")

    # ------------------------------------------------------------------ activation codes

    def new_activation_code(self, resident_id: str, now: int) -> str:
        """A fresh one-time code for ``resident_id`` (replacing any earlier one)."""
        self.citizen(resident_id)
        code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
        salt = secrets.token_bytes(16)
        row = {
            "salt": salt,
            "code_hash": _hash_code(code, salt),
            "expires_at": now + CODE_LIFETIME,
            "attempts": 0,
            "used": False,
        }
        with db.write(self.engine) as conn:
            existing = conn.execute(
                select(_codes.c.resident_id).where(_codes.c.resident_id == resident_id)
            ).first()
            if existing is None:
                conn.execute(insert(_codes).values(resident_id=resident_id, **row))
            else:
                conn.execute(update(_codes).where(_codes.c.resident_id == resident_id), row)
        return code

    def enroll_with_code(
        self,
        resident_id: str,
        name: str,
        code: str,
        now: int,
        *,
        handle: bytes,
        index_key: bytes,
        epoch: int,
        issue: Callable[[Citizen, int], T],
    ) -> T:
        """Check the person's details and code; if they match, record the (re-)enrollment
        and run ``issue(citizen, generation)`` — all in one transaction, so a failure
        anywhere (even in ``issue``) leaves the code unused and nothing recorded.

        Every refusal before a right code — unknown resident id, wrong name, no code,
        a used, expired or locked code, a wrong code — is the same AuthenticationError
        after the same work (scrypt, and one write to the attempt log), so the answer
        tells nobody who is in the registry, who has enrolled or who holds a code
        (and every refusal is padded to REFUSAL_SECONDS). A
        wrong try on a live code counts. With the right code, a citizen who is not
        active gets RevokedError. The code and enrollment rows are locked
        (``FOR UPDATE``), so concurrent redemptions and re-enrollments queue.
        """
        started = time.monotonic()
        refused: RealDIDError | None = None
        result: T | None = None
        with db.write(self.engine) as conn:
            person = conn.execute(
                select(_citizens).where(_citizens.c.resident_id == resident_id)
            ).first()
            row = conn.execute(
                select(_codes).where(_codes.c.resident_id == resident_id).with_for_update()
            ).first()
            salt = _DUMMY_SALT if row is None else bytes(row.salt)
            candidate = _hash_code(code, salt)  # always paid, whatever the outcome
            live = (
                row is not None
                and not row.used
                and row.expires_at >= now
                and row.attempts < CODE_ATTEMPTS
            )
            matches = (
                live
                and row is not None
                and person is not None
                and hmac.compare_digest(candidate, bytes(row.code_hash))
                and hmac.compare_digest(person.name.encode(), name.encode())
            )
            conn.execute(insert(_attempts).values(at=now, succeeded=matches))
            if live and row is not None and not matches:
                conn.execute(
                    update(_codes)
                    .where(_codes.c.resident_id == resident_id)
                    .values(attempts=row.attempts + 1)
                )
            if not matches:
                refused = AuthenticationError(_ENROLLMENT_REFUSED)
            else:
                assert person is not None
                conn.execute(
                    update(_codes).where(_codes.c.resident_id == resident_id).values(used=True)
                )
                citizen = _citizen(person)
                if citizen.status != "active":
                    refused = RevokedError("citizen: not eligible for an identity credential")
                else:
                    generation = self._enroll(conn, resident_id, handle, index_key, epoch)
                    result = issue(citizen, generation)  # raising rolls everything back
        if refused is not None:  # raised after the commit, so the attempt is counted
            # Pad every refusal to one duration: what little work differs between the
            # refusals (a counter's write) must not tell who holds a live code.
            time.sleep(max(0.0, REFUSAL_SECONDS - (time.monotonic() - started)))
            raise refused
        assert result is not None
        return result

    def current_generation(self, resident_id: str) -> int:
        """The citizen's current enrollment (0: never enrolled)."""
        with db.read(self.engine) as conn:
            row = conn.execute(
                select(_enrollments.c.generation).where(_enrollments.c.resident_id == resident_id)
            ).first()
        return 0 if row is None else int(row.generation)

    # ------------------------------------------------------------------ enrollment and escrow

    def _enroll(
        self, conn: Connection, resident_id: str, handle: bytes, index_key: bytes, epoch: int
    ) -> int:
        """Record a (re-)enrollment in ``conn``'s transaction; returns its generation."""
        row = conn.execute(
            select(_enrollments.c.generation)
            .where(_enrollments.c.resident_id == resident_id)
            .with_for_update()
        ).first()
        generation = 1 if row is None else row.generation + 1
        values = {"escrow_handle": handle, "generation": generation, "enrolled_epoch": epoch}
        if row is None:
            conn.execute(insert(_enrollments).values(resident_id=resident_id, **values))
        else:
            conn.execute(
                update(_enrollments).where(_enrollments.c.resident_id == resident_id),
                values,
            )
        conn.execute(insert(_index).values(index_key=index_key, resident_id=resident_id))
        return generation

    def new_handle(
        self, resident_id: str, generation: int, handle: bytes, index_key: bytes
    ) -> None:
        """A fresh escrow handle at renewal, only if ``generation`` is still the current
        enrollment (checked and written in one statement: a re-enrollment racing a
        renewal wins). Openings of presentations from different epochs then give
        different points; old handles stay in the index."""
        with db.write(self.engine) as conn:
            done = conn.execute(
                update(_enrollments)
                .where(
                    _enrollments.c.resident_id == resident_id,
                    _enrollments.c.generation == generation,
                )
                .values(escrow_handle=handle)
            )
            if done.rowcount != 1:
                raise RevokedError("renewal: this wallet's enrollment was superseded")
            conn.execute(insert(_index).values(index_key=index_key, resident_id=resident_id))

    def escrow_handle(self, resident_id: str) -> bytes:
        with db.read(self.engine) as conn:
            row = conn.execute(
                select(_enrollments.c.escrow_handle).where(
                    _enrollments.c.resident_id == resident_id
                )
            ).first()
        if row is None:
            raise NotFoundError("citizen: not enrolled")
        return bytes(row.escrow_handle)

    def by_index_key(self, index_key: bytes) -> Citizen:
        """The citizen behind an opened handle·Q_esc."""
        with db.read(self.engine) as conn:
            row = conn.execute(
                select(_index.c.resident_id).where(_index.c.index_key == index_key)
            ).first()
        if row is None:
            raise NotFoundError("escrow index: no citizen for this point")
        return self.citizen(row.resident_id)

    def reenrollments(self, epoch: int) -> int:
        """How many citizens enrolled again (lost their recovery secret) in ``epoch``."""
        with db.read(self.engine) as conn:
            return int(
                conn.execute(
                    select(func.count())
                    .select_from(_enrollments)
                    .where(_enrollments.c.enrolled_epoch == epoch, _enrollments.c.generation > 1)
                ).scalar_one()
            )

    # ------------------------------------------------------------------ issuance records

    def record_issuance(self, resident_id: str, schema_id: str, epoch: int, now: int) -> None:
        with db.write(self.engine) as conn:
            conn.execute(
                insert(_issuances).values(
                    resident_id=resident_id, schema_id=schema_id, epoch=epoch, issued_at=now
                )
            )

    def issued(self, resident_id: str) -> list[tuple[str, int]]:
        with db.read(self.engine) as conn:
            rows = conn.execute(
                select(_issuances.c.schema_id, _issuances.c.epoch)
                .where(_issuances.c.resident_id == resident_id)
                .order_by(_issuances.c.id)
            ).all()
        return [(r.schema_id, r.epoch) for r in rows]

    def count(self) -> int:
        with db.read(self.engine) as conn:
            return int(conn.execute(select(func.count()).select_from(_citizens)).scalar_one())
