"""A real local EVM node for tests and benchmarks: anvil from npm @foundry-rs/anvil,
started on a free port on 127.0.0.1 and stopped by its PID."""

from __future__ import annotations

import contextlib
import platform
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def anvil_binary() -> Path:
    machine = {"x86_64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(
        platform.machine(), "amd64"
    )
    binary = ROOT / "node_modules" / "@foundry-rs" / f"anvil-linux-{machine}" / "bin" / "anvil"
    if not binary.exists():
        raise RuntimeError(f"anvil not found at {binary}: run `make node` (npm ci)")
    return binary


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def anvil() -> Iterator[str]:
    """Yield the JSON-RPC URL of a fresh anvil (instant mining, 10 unlocked accounts)."""
    port = _free_port()
    proc = subprocess.Popen(
        [str(anvil_binary()), "--host", "127.0.0.1", "--port", str(port), "--silent"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                httpx.post(
                    url, json={"jsonrpc": "2.0", "id": 1, "method": "eth_blockNumber"}, timeout=1
                )
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("anvil did not start") from None
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
