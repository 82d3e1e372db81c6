"""``realdid ledger …``: run and check a RealDID ledger from the command line.

The ledger home (``--home`` / ``REALDID_HOME``, default ``./.realdid``) holds
the SQLite store (or ``--db-url`` / ``REALDID_LEDGER_DB`` for PostgreSQL),
the log's signing key, the authority's ledger identity, witness keys and
state, and the light client's trusted checkpoint. Secret files are written
with mode 0600 and never printed.
"""

from __future__ import annotations

import base64
import json
import os
import sys
import time
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

import typer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from realdid import strictjson
from realdid.cli._terminal import Terminal
from realdid.errors import DecodeError, RealDIDError
from realdid.ledger.checkpoint import Checkpoint, CosignatureSigner, CosignatureVerifier
from realdid.ledger.client import (
    ForkDetectedError,
    LightClient,
    LogRollbackError,
    LogSource,
    TrustPolicy,
)
from realdid.ledger.entries import EntryType, decode_entry
from realdid.ledger.http import HttpLogSource
from realdid.ledger.identity import LedgerIdentity
from realdid.ledger.log import Log
from realdid.ledger.note import Note, NoteSigner, NoteVerifier, check_key_name
from realdid.ledger.registry import state_key_of
from realdid.ledger.stores.sql import SqlStore
from realdid.ledger.stores.witness_file import FileWitnessState
from realdid.ledger.witness import Witness

__all__ = ["app"]

app = typer.Typer(help="Run and check a RealDID ledger.", no_args_is_help=True)
witness_app = typer.Typer(help="A witness: cosigns checkpoints that extend what it saw.")
app.add_typer(witness_app, name="witness")

Home = Annotated[Path, typer.Option("--home", envvar="REALDID_HOME", help="ledger home")]
DbUrl = Annotated[
    str | None, typer.Option("--db-url", envvar="REALDID_LEDGER_DB", help="PostgreSQL URL")
]
DEFAULT_HOME = Path(".realdid")


def _write_secret(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)


def _seed(key: Ed25519PrivateKey) -> str:
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return base64.b64encode(raw).decode()


def _store(home: Path, db_url: str | None) -> SqlStore:
    return SqlStore.postgres(db_url) if db_url else SqlStore.sqlite(home / "ledger.db")


def _log(home: Path, db_url: str | None) -> Log:
    key_file = home / "log.key"
    if not key_file.exists():
        Terminal().abort(f"no ledger in {home}: run `realdid ledger init` first")
    return Log(_store(home, db_url), NoteSigner.parse(key_file.read_text().strip()))


def _identity(path: Path) -> LedgerIdentity:
    data = json.loads(path.read_text())
    key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(data["seed"]))
    return LedgerIdentity(data["did"], data["name"], key, data.get("fragment", "ledger-1"))


def _guard(term: Terminal) -> None:
    exc = sys.exc_info()[1]
    if isinstance(exc, ForkDetectedError):
        term.err.print("[bold red]fork detected[/]: two signed checkpoints that cannot both hold")
        for note in exc.evidence:
            term.err.print(note.decode())
        raise typer.Exit(2)
    if isinstance(exc, LogRollbackError):  # lost entries: not a fork, but no less serious
        term.err.print(f"[bold red]log rolled back[/]: {exc}")
        raise typer.Exit(3)
    if isinstance(exc, RealDIDError):
        term.abort(f"{exc.__class__.__name__}: {exc}")


@app.command()
def init(
    origin: Annotated[
        str, typer.Option(help="the log's origin line")
    ] = "ledger.realdid.example/v1",
    authority_did: Annotated[
        str, typer.Option(help="the authority's DID")
    ] = "did:realdid:authority",
    name: Annotated[str, typer.Option(help="the authority's name")] = "RealDID Authority",
    home: Home = DEFAULT_HOME,
    db_url: DbUrl = None,
) -> None:
    """Create a ledger: log key, authority identity, store, genesis entry, first checkpoint."""
    term = Terminal()
    if (home / "log.key").exists():
        term.abort(f"{home} already holds a ledger")
    try:
        log_signer = NoteSigner.generate(origin.split("/")[0])
        authority = LedgerIdentity.generate(authority_did, name)
        _write_secret(home / "log.key", log_signer.encode() + "\n")
        _write_secret(
            home / "authority.json",
            json.dumps({"did": authority.did, "name": name, "seed": _seed(authority.private_key)}),
        )
        log = Log(_store(home, db_url), log_signer)
        genesis = {"origin": origin, "document": authority.document().model_dump(mode="json")}
        log.append(authority.sign(EntryType.GENESIS, genesis))
        log.checkpoint()
    except RealDIDError:
        _guard(term)
        raise
    term.table(
        "ledger created",
        [
            ("home", str(home)),
            ("origin", origin),
            ("authority", authority.did),
            ("checkpoint size", "1 (the genesis entry)"),
        ],
    )
    term.note("log verifier key (give it to clients):")
    term.raw(log_signer.verifier.encode() + "\n")


@app.command()
def append(
    entry_file: Annotated[
        Path | None, typer.Argument(help="a signed entry (canonical JSON)")
    ] = None,
    entry_type: Annotated[
        str | None, typer.Option("--type", help="sign a new entry of this type")
    ] = None,
    body: Annotated[str | None, typer.Option(help="its body, JSON")] = None,
    as_: Annotated[Path | None, typer.Option("--as", help="identity file that signs it")] = None,
    home: Home = DEFAULT_HOME,
    db_url: DbUrl = None,
) -> None:
    """Append an entry: a signed file, or --type/--body signed by --as (default: authority)."""
    term = Terminal()
    try:
        if entry_type is None and entry_file is None:
            term.abort("give an entry file, or --type and --body")
        log = _log(home, db_url)
        if entry_type is not None:
            identity = _identity(as_ or home / "authority.json")
            kind, now = EntryType(entry_type), int(time.time())
            fields = strictjson.loads(body or "{}", what="--body")  # no RecursionError
            if not isinstance(fields, dict):
                raise DecodeError("--body: want a JSON object")
            draft = decode_entry(identity.sign(kind, fields, now))
            key = state_key_of(draft)  # supersede the key's current entry (see entries.prev)
            prev = None if key is None else log.registry.latest_index(key)
            octets = identity.sign(kind, fields, now, prev)
        else:
            assert entry_file is not None
            octets = entry_file.read_bytes() if str(entry_file) != "-" else sys.stdin.buffer.read()
        index = log.append(octets)
    except (RealDIDError, ValueError):
        _guard(term)
        term.abort("the entry is not valid JSON or names an unknown type")
    term.note(f"appended entry {index} (committed)")


@app.command()
def show(
    index: Annotated[int | None, typer.Argument(help="an entry's index")] = None,
    key: Annotated[str | None, typer.Option(help="look up a state key, with proofs")] = None,
    home: Home = DEFAULT_HOME,
    db_url: DbUrl = None,
) -> None:
    """Print an entry, or a state key's latest entry (checked by the light client)."""
    term = Terminal()
    try:
        log = _log(home, db_url)
        client = LightClient(_policy(log), log)
        if key is not None:
            found = client.lookup(key)
            term.note(f"{key}: " + ("absent (proved)" if found is None else "present (proved)"))
            if found is not None:
                term.out.print_json(found.model_dump_json())
            return
        if index is None:
            cp = client.update()
            term.note(f"{cp.size} entries; root {cp.root_hash.hex()}")
            return
        term.out.print_json(client.entry(index).model_dump_json())
    except RealDIDError:
        _guard(term)


def _policy(log: Log, witnesses: list[str] | None = None, quorum: int = 0) -> TrustPolicy:
    verifiers = tuple(CosignatureVerifier.parse(w) for w in witnesses or [])
    return TrustPolicy(log.origin, log.signer.verifier, verifiers, quorum)


@app.command()
def checkpoint(home: Home = DEFAULT_HOME, db_url: DbUrl = None) -> None:
    """Sign a checkpoint of the current log and state; print it."""
    term = Terminal()
    try:
        note = _log(home, db_url).checkpoint()
    except RealDIDError:
        _guard(term)
        raise
    term.raw(note.decode())


@app.command()
def verify(
    url: Annotated[str | None, typer.Option(help="verify a remote log's HTTP API")] = None,
    log_key: Annotated[str | None, typer.Option(help="the log's verifier key (with --url)")] = None,
    origin: Annotated[str | None, typer.Option(help="the log's origin (with --url)")] = None,
    witness: Annotated[list[str] | None, typer.Option(help="a witness verifier key")] = None,
    quorum: Annotated[int, typer.Option(help="cosignatures required")] = 0,
    home: Home = DEFAULT_HOME,
    db_url: DbUrl = None,
) -> None:
    """Light-client check: the latest checkpoint extends the one trusted before, every entry
    is included, and replaying them gives the checkpoint's state root. Exit 2 on a fork,
    3 if the log serves fewer entries than the client trusted (truncated or rolled back)."""
    term = Terminal()
    trust_file = home / "client.json"
    try:
        source: LogSource
        if url is not None:
            if log_key is None or origin is None:
                term.abort("--url needs --log-key and --origin")
            verifiers = tuple(CosignatureVerifier.parse(w) for w in witness or [])
            policy = TrustPolicy(origin, NoteVerifier.parse(log_key), verifiers, quorum)
            source = HttpLogSource(url)
        else:
            log = _log(home, db_url)
            policy, source = _policy(log, witness, quorum), log
        client = LightClient(policy, source)
        if trust_file.exists():
            trusted = base64.b64decode(json.loads(trust_file.read_text())["checkpoint"])
            client.accept(trusted)
        cp = client.update()
        client.replay()  # every entry proved included; state root and origin recomputed
        trust_file.parent.mkdir(parents=True, exist_ok=True)
        assert client.trusted_note is not None
        trust_file.write_text(
            json.dumps({"checkpoint": base64.b64encode(client.trusted_note).decode()})
        )
    except RealDIDError:
        _guard(term)
        raise
    term.table(
        "verified",
        [
            ("origin", cp.origin),
            ("size", str(cp.size)),
            ("root", cp.root_hash.hex()),
            ("entries", "each proved included; state root recomputed"),
        ],
    )


def _witness_path(home: Path, name: str, suffix: str = "") -> Path:
    """The witness's key file (``suffix`` "": seed) or state file (".state");
    key names may hold '/', so the name is percent-encoded."""
    return home / f"witness-{quote(name, safe='')}{suffix}.json"


@witness_app.command("init")
def witness_init(
    name: Annotated[str, typer.Option(help="the witness's key name")], home: Home = DEFAULT_HOME
) -> None:
    """Create a witness key (cosignature type 0x04)."""
    term = Terminal()
    try:
        check_key_name(name)  # a space or '+' would make every note it signs unparseable
    except RealDIDError as exc:
        term.abort(f"witness name {name!r}: {exc}")
    signer = CosignatureSigner.generate(name)
    path = _witness_path(home, name)
    if path.exists():
        term.abort(f"{path} exists")
    _write_secret(path, json.dumps({"name": name, "seed": _seed(signer.private_key)}))
    term.note(f"witness {name} created; its verifier key:")
    term.raw(signer.verifier.encode() + "\n")


@witness_app.command("cosign")
def witness_cosign(
    name: Annotated[str, typer.Option(help="the witness's key name")],
    home: Home = DEFAULT_HOME,
    db_url: DbUrl = None,
) -> None:
    """Cosign the log's latest checkpoint if it extends the last one this witness cosigned
    and the entries since then give its state root (the witness keeps its snapshot of
    the log next to its key, in ``witness-<name>.state.json``)."""
    term = Terminal()
    try:
        data = json.loads(_witness_path(home, name).read_text())
        log = _log(home, db_url)
        state = FileWitnessState(_witness_path(home, name, ".state"))
        signer = CosignatureSigner.from_seed(name, base64.b64decode(data["seed"]))
        witness = Witness(signer, {log.origin: log.signer.verifier}, state)
        cosigned = log.cosign([witness])
        cp = Checkpoint.parse(Note.parse(cosigned).text)
        new = state.get(log.origin)
        if new is None or new.text != cp.text() or name not in cosigned.decode():
            term.abort(
                "the witness refused: the checkpoint does not extend what it cosigned,"
                " or the entries do not give its state root"
            )
    except RealDIDError:
        _guard(term)
        raise
    term.note(f"{name} cosigned the checkpoint at size {cp.size}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="interface")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8010,
    home: Home = DEFAULT_HOME,
    db_url: DbUrl = None,
) -> None:
    """Serve the ledger's HTTP API (reads for everyone, writes for admitted institutions)."""
    import uvicorn

    from realdid.api.ledger import create_ledger_app

    uvicorn.run(create_ledger_app(_log(home, db_url)), host=host, port=port)
