"""A client for tools/bbs_peer.mjs: @digitalbazaar/bbs-signatures driven over a pipe.

One Node.js process serves many requests (JSON lines), so interop tests and
the benchmark pay Node's start-up once.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from types import TracebackType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tools" / "bbs_peer.mjs"
PACKAGE = ROOT / "node_modules" / "@digitalbazaar" / "bbs-signatures" / "package.json"


class PeerError(RuntimeError):
    """The peer refused a request (its message is in the exception)."""


def peer_available() -> str | None:
    """None if the peer can run here; otherwise the reason it cannot."""
    if shutil.which("node") is None:
        return "node is not on the PATH"
    if not PACKAGE.exists():
        return "node_modules is missing: run `make node` (npm ci)"
    return None


class DigitalBazaarPeer:
    """``with DigitalBazaarPeer() as peer: peer.call("sign", ...)``."""

    def __init__(self) -> None:
        node = shutil.which("node")
        if node is None:
            raise PeerError("node is not on the PATH")
        self._proc = subprocess.Popen(
            [node, str(SCRIPT)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    @property
    def version(self) -> str:
        return str(json.loads(PACKAGE.read_text())["version"])

    def call(self, op: str, **fields: Any) -> dict[str, Any]:
        if self._proc.stdin is None or self._proc.stdout is None:
            raise PeerError("the peer's pipes are closed")
        self._proc.stdin.write(json.dumps({"op": op, **fields}) + "\n")
        self._proc.stdin.flush()
        line = self._proc.stdout.readline()
        if not line:
            raise PeerError(f"the peer exited (code {self._proc.poll()})")
        response: dict[str, Any] = json.loads(line)
        if not response.get("ok"):
            raise PeerError(str(response.get("error")))
        return response

    def close(self) -> None:
        if self._proc.stdin is not None:
            self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()

    def __enter__(self) -> DigitalBazaarPeer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
