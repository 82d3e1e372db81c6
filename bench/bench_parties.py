"""make bench (part 4): the parties, on embedded defaults (SQLite files, the embedded log).

Rows (issue #6):
* enrollment + issuance per citizen: the wallet's request, the authority's
  checks (registry, scrypt-hashed activation code, blind signature, escrow
  index) and the wallet's verification against the ledger's key;
* presentation verify at a service including the ledger reads: the SDK's
  sign-in (nonce, proof, accounts) with its light-client view warm (keys,
  schemas, registration cached for the checkpoint) and cold (a new view:
  every lookup proved, the trustees' transcript and range parameters
  decoded), next to the bare proof verification for the same statement;
* wallet unlock: scrypt (N = 2^15) + AES-256-GCM + rebuilding each
  credential (its signature re-verified).

Medians; nothing is asserted, figures are printed.
"""

from __future__ import annotations

import datetime
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from realdid.authority.population import generate  # noqa: E402
from realdid.credentials.request import Ask  # noqa: E402
from realdid.credentials.schemas import IDENTITY  # noqa: E402
from realdid.credentials.view import LedgerView  # noqa: E402
from realdid.crypto.presentation import verify  # noqa: E402
from realdid.sandbox import ORIGIN, Nation, build_nation  # noqa: E402
from realdid.trustee.opening import (  # noqa: E402
    OpeningFiling,
    TrusteeDesk,
    check_opening,
    file_opening_request,
)
from realdid.wallet.wallet import Wallet  # noqa: E402

TODAY = datetime.date(2026, 11, 24)
_T = TypeVar("_T")


def _median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    console = Console()
    console.rule("[bold]RealDID parties (embedded defaults: SQLite, embedded log)")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        people = list(generate(60, today=TODAY))
        nation = build_nation(lambda name: f"sqlite:///{root / name}.db", people)
        adults = [p for p in people if (TODAY - p.birth_date).days > 19 * 365][:30]

        # Enrollment + issuance, per citizen, split into who does what.
        wallet_ms, authority_ms, accept_ms, wallets = [], [], [], []
        for person in adults:
            wallet = nation.wallet()
            code = nation.authority.activation_code(person.resident_id)
            t0 = time.perf_counter()
            request = wallet.enrollment_request(person.resident_id, person.name, code)
            t1 = time.perf_counter()
            issued = nation.authority.enroll(request)
            t2 = time.perf_counter()
            wallet.accept(issued)
            t3 = time.perf_counter()
            wallet_ms.append((t1 - t0) * 1000)
            authority_ms.append((t2 - t1) * 1000)
            accept_ms.append((t3 - t2) * 1000)
            wallets.append(wallet)
        enroll = Table(title=f"Enrollment + issuance per citizen (median of {len(adults)})")
        for col in ("step", "ms"):
            enroll.add_column(col, justify="right" if col == "ms" else "left")
        rows = [
            ("wallet: blind commitment with its proof", statistics.median(wallet_ms)),
            (
                "authority: registry, code (scrypt), blind sign, escrow index",
                statistics.median(authority_ms),
            ),
            ("wallet: check against the ledger's key, store", statistics.median(accept_ms)),
        ]
        for name, ms in rows:
            enroll.add_row(name, f"{ms:.1f}")
        total = sum(ms for _, ms in rows)
        enroll.add_row("[bold]total", f"[bold]{total:.1f}")
        console.print(enroll)

        # Presentation verification at a service, with the ledger reads.
        forum = nation.services["forum-a"]
        query = [Ask(id="identity", schema_id=IDENTITY.schema_id, predicates=("adult",))]
        answers = [w.present(forum.request(query, purpose="registration")) for w in wallets]
        warm = []
        for answer in answers[:15]:
            start = time.perf_counter()
            forum.sign_in(answer)
            warm.append((time.perf_counter() - start) * 1000)
        cold = []
        for answer in answers[15:]:
            forum.view = LedgerView(nation.ledger.client(ORIGIN))
            start = time.perf_counter()
            signed = forum.sign_in(answer)
            cold.append((time.perf_counter() - start) * 1000)
        proof_only = _median_ms(
            lambda: verify(signed.presentation.statement, signed.presentation.proof), 20
        )
        present_ms = _median_ms(
            lambda: wallets[0].present(forum.request(query, purpose="login")), 10
        )
        table = Table(title="A forum sign-in: adult, valid today, pseudonym, escrow")
        for col in ("", "ms"):
            table.add_column(col, justify="right" if col == "ms" else "left")
        table.add_row(
            "wallet: build the presentation (incl. checks against the ledger)", f"{present_ms:.1f}"
        )
        table.add_row("proof verification alone", f"{proof_only:.1f}")
        table.add_row(
            "sign-in, view warm (nonce, proof, account)", f"{statistics.median(warm):.1f}"
        )
        table.add_row(
            "sign-in, view cold (every ledger read proved again)", f"{statistics.median(cold):.1f}"
        )
        ratio = statistics.median(warm) / proof_only
        table.add_row("warm sign-in / proof alone", f"{ratio:.2f}x")
        console.print(table)

        # Wallet unlock.
        path = root / "wallet.sealed"
        person = adults[0]
        nation.enroll(person, path=path, passphrase="a long passphrase")  # noqa: S106
        unlock = _median_ms(
            lambda: Wallet.unlock(
                path, "a long passphrase", nation.view(), clock=nation.clock
            ).held(),
            10,
        )
        table = Table(title="Wallet unlock (scrypt N=2^15, AES-256-GCM, credentials rebuilt)")
        table.add_column("")
        table.add_column("ms", justify="right")
        table.add_row("unlock + rebuild 1 credential", f"{unlock:.1f}")
        console.print(table)
        _opening(console, nation)


BLINDING = "authority: review, blinding with its proof, append"
SHARE = "one trustee: review, check the blinding, share, append"
CHECK = "anyone: check every step (ciphertext, blinding, 3 shares)"
MAP = "authority: that check, unblind, map to the citizen"


def _approve(desk: TrusteeDesk, filed: OpeningFiling, blinding: int) -> int:
    return desk.approve(desk.review(filed.index, filed.evidence), blinding)


def _opening(console: Console, nation: Nation) -> None:
    """Lawful openings of forum accounts, each step with its ledger reads and writes
    (docs/crypto.md §11): blinding, 3 trustees' shares, anyone's check, the mapping."""
    forum = nation.services["forum-a"]
    steps: dict[str, list[float]] = {}

    def timed(name: str, fn: Callable[[], _T]) -> _T:
        start = time.perf_counter()
        result = fn()
        steps.setdefault(name, []).append((time.perf_counter() - start) * 1000)
        return result

    for account in range(1, 6):
        filed = file_opening_request(nation.court, nation.ledger, view=nation.view(),
                                     case=f"B-{account}", warrant=b"w", service=forum.did,
                                     evidence=forum.accounts.evidence(account)[0],
                                     clock=nation.clock)  # fmt: skip
        index = filed.index
        blind = partial(nation.authority.blind_opening, index, filed.evidence)
        blinding = timed(BLINDING, blind)
        shares = [timed(SHARE, partial(_approve, desk, filed, blinding))
                  for desk in nation.trustees[:3]]  # fmt: skip
        timed(CHECK, partial(check_opening, nation.view(), index, blinding, shares))
        timed(MAP, partial(nation.authority.identify_opening, index, blinding, shares))
    table = Table(title="A lawful opening on the ledger (median of 5; SQLite, embedded log)")
    table.add_column("step")
    table.add_column("ms", justify="right")
    for name, times in steps.items():
        table.add_row(name, f"{statistics.median(times):.1f}")
    console.print(table)


if __name__ == "__main__":
    main()
