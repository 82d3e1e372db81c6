"""The embedded deployment: one log, its witnesses, and a fresh cosigned checkpoint
after every write, in one process. What ``make demo`` and the story test run on;
a production log runs the same parts as services (``realdid ledger serve``)."""

from __future__ import annotations

from collections.abc import Sequence

from realdid.ledger.checkpoint import CosignatureSigner
from realdid.ledger.client import LightClient, TrustPolicy
from realdid.ledger.log import Log
from realdid.ledger.note import NoteSigner
from realdid.ledger.stores.base import LedgerStore
from realdid.ledger.witness import Witness

__all__ = ["EmbeddedLedger"]


class EmbeddedLedger:
    def __init__(self, log: Log, witnesses: Sequence[Witness], quorum: int) -> None:
        self.log = log
        self.witnesses = tuple(witnesses)
        self.quorum = quorum

    @classmethod
    def create(
        cls, store: LedgerStore, origin: str, witness_names: Sequence[str], quorum: int
    ) -> EmbeddedLedger:
        """A new log on ``store`` with fresh keys for the log and each witness."""
        signer = NoteSigner.generate(origin)
        witnesses = [
            Witness(CosignatureSigner.generate(name), {origin: signer.verifier})
            for name in witness_names
        ]
        return cls(Log(store, signer), witnesses, quorum)

    def append(self, entry: bytes) -> int:
        """Append (committed), then publish a checkpoint the witnesses cosigned."""
        index = self.log.append(entry)
        self.publish()
        return index

    def publish(self) -> bytes:
        self.log.checkpoint()
        return self.log.cosign(self.witnesses)

    def policy(self, origin: str) -> TrustPolicy:
        """What a client trusts: the log's key and a quorum of these witnesses."""
        return TrustPolicy(
            origin, self.log.signer.verifier, tuple(w.signer.verifier for w in self.witnesses),
            self.quorum,
        )  # fmt: skip

    def client(self, origin: str) -> LightClient:
        return LightClient(self.policy(origin), self.log)
