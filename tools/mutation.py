"""Mutation testing of the security-critical modules, one module at a time (``make mutation``).

mutmut (3.x) copies the sources into ``mutants/``, plants one small defect per
mutant (an operator flipped, a constant changed, an argument dropped, ...) behind
a trampoline, records which tests reach which function, and then runs, for each
mutant, only the tests that reach the mutated function. A mutant the tests
catch is *killed*; one they miss *survived*. docs/mutation.md lists the scores
and, for every survivor that cannot change behaviour, why (an *equivalent*
mutant).

Each module runs in its own scratch directory under ``.mutation/<module>/``
(its own ``mutants/`` and its own result cache) with only the tests of its
area, so one module takes minutes and any one can be re-run alone:

    python tools/mutation.py                    # every module
    python tools/mutation.py nym range_proof    # some
    python tools/mutation.py --list             # the module names
    python tools/mutation.py --survivors nym    # print each survivor's diff
    python tools/mutation.py --again nym        # re-run the last survivors with today's tests
    python tools/mutation.py --score nym        # the table for the last run, running nothing

``--again`` keeps the mutants and re-runs only those that survived, against the
current tests (a test added can kill a mutant, never revive one), so the score
after new tests costs minutes, not a full run.

Run it under ``nice``: it keeps one core busy per child (``--max-children``).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = ROOT / ".mutation"

#: Tests of the crypto layer (the Node.js peer is left out: it tests interop, not logic).
_CRYPTO_TESTS = ("tests/crypto", "--ignore=tests/crypto/test_interop_digitalbazaar.py")
#: Tests of the ledger's pure logic (the EVM test needs anvil and tests the contract).
_LEDGER_TESTS = ("tests/ledger", "--ignore=tests/ledger/test_evm.py", "-k", "not evm")


@dataclass(frozen=True)
class Module:
    name: str
    files: tuple[str, ...]  # globs under src/, as mutmut's only_mutate wants them
    tests: tuple[str, ...]


MODULES = (
    Module("presentation", ("src/realdid/crypto/presentation/*",), _CRYPTO_TESTS),
    Module("range_proof", ("src/realdid/crypto/range_proof.py",), _CRYPTO_TESTS),
    Module("escrow", ("src/realdid/crypto/escrow.py",), _CRYPTO_TESTS),
    Module("escrow_blinding", ("src/realdid/crypto/escrow_blinding.py",), _CRYPTO_TESTS),
    Module("nym", ("src/realdid/crypto/nym.py",), _CRYPTO_TESTS),
    Module("rfc9162", ("src/realdid/ledger/rfc9162.py",), _LEDGER_TESTS),
    Module("checkpoint", ("src/realdid/ledger/checkpoint.py",), _LEDGER_TESTS),
    Module("note", ("src/realdid/ledger/note.py",), _LEDGER_TESTS),
    Module("threshold", ("src/realdid/crypto/threshold.py",), _CRYPTO_TESTS),
    Module("blind", ("src/realdid/crypto/blind.py",), _CRYPTO_TESTS),
    Module("bbs", ("src/realdid/crypto/bbs.py",), _CRYPTO_TESTS),
    Module("client", ("src/realdid/ledger/client.py",), _LEDGER_TESTS),
)


def _toml_list(items: tuple[str, ...] | list[str]) -> str:
    return "[" + ", ".join(json.dumps(item) for item in items) + "]"


def _prepare(module: Module) -> Path:
    """A fresh scratch directory: links to src/, tests/, tools/ and a mutmut-only pyproject."""
    work = SCRATCH / module.name
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    for name in ("src", "tests", "tools"):
        (work / name).symlink_to(ROOT / name)
    (work / "pyproject.toml").write_text(
        "[tool.mutmut]\n"
        'source_paths = ["src"]\n'
        f"only_mutate = {_toml_list(module.files)}\n"
        'also_copy = ["tools"]\n'
        f"pytest_add_cli_args_test_selection = {_toml_list(module.tests)}\n"
        # Workers fork from a process that ran the clean suite: the plugin empties the
        # caches it filled, which would otherwise answer for the mutated code.
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", "-p", "tools.mutation_fresh"]\n'
        "use_git_change_detection = false\n"
        # A mutant that loops for ever is killed; waiting 15 times the tests' time for it
        # (mutmut's default) made one module take hours.
        "timeout_multiplier = 3.0\ntimeout_constant = 5.0\n"
        # A raise statement offers mutmut nothing but its message text; which error is
        # raised is what the tests check, the wording is not measured.
        "do_not_mutate_patterns = ['^\\s*raise \\w+Error\\(']\n"
        "\n[tool.pytest.ini_options]\n"
        'addopts = "--strict-markers"\n'
        'markers = ["interop: runs a real peer implementation (Node.js)"]\n'
    )
    return work


#: Functions whose second argument only names the value in error messages ("what").
_LABELLED = r"(?:as_octets|as_octets_list|decode_g1|decode_g2|decode_scalar|decode_scalar_list"
_LABELLED += r"|point|scalar|take|_check_hashes|decode_base64|_position|check_index)"
_LABEL = re.compile(
    _LABELLED
    + r"\((?P<first>[^,()]*(?:\([^()]*\))?[^,()]*),"  # the value decoded
    + r"\s*(?:[rbf]?\"[^\"]*\"|None)?\s*(?=[,)])"  # its label, None, or nothing
)


_ARG = r"[^,()]*(?:\([^()]*\))?[^,()]*"
#: Functions whose third argument only names the value in error messages.
_LABEL3 = re.compile(
    r"_check_length\((?P<first>" + _ARG + r",\s*" + _ARG + r"),"
    r"\s*(?:[rbf]?\"[^\"]*\"|None)?\s*(?=[,)])"
)


#: The last argument of a call split over lines, when it is a label, None or nothing.
_TAIL = re.compile(r",\s*(?:[rbf]?\"[^\"]*\"|None)?\s*\)?\s*$")


def _without_labels(line: str) -> str:
    line = _LABEL3.sub(lambda m: f"LABEL3({m['first']}, ", line)
    return _LABEL.sub(lambda m: f"LABEL({_without_labels(m['first'])}, ", line)


def is_label_only(diff: str) -> bool:
    """True for a mutant that only changes (or drops) the "what" label of a decoder call:
    the error raised is the same, only its wording changes."""
    old = [line[1:] for line in diff.splitlines() if line.startswith("-") and line[1:2] != "-"]
    new = [line[1:] for line in diff.splitlines() if line.startswith("+") and line[1:2] != "+"]
    if re.search(_LABELLED + r"\($", diff, re.MULTILINE):  # a call split over lines
        before, after = (" ".join(x.strip() for x in lines) for lines in (old, new))
        return before != after and _TAIL.sub(")", before) == _TAIL.sub(")", after)
    if not old or len(old) != len(new):
        return False
    return all(
        a != b and _without_labels(a) == _without_labels(b) for a, b in zip(old, new, strict=True)
    )


def _mutmut() -> str:
    return str(Path(sys.executable).parent / "mutmut")


def _statuses(work: Path) -> dict[str, str]:
    """mutant name -> status, from ``mutmut results --all true``."""
    out = subprocess.run(
        [_mutmut(), "results", "--all", "true"],
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    statuses = {}
    for line in out.splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and name:
            statuses[name] = status
    return statuses


def _diff(work: Path, name: str) -> str:
    return subprocess.run(
        [_mutmut(), "show", name], cwd=work, capture_output=True, text=True, check=False
    ).stdout


_KILLED = ("killed", "timeout", "segfault")

#: Survivors judged equivalent (no input can tell them from the code), one per line:
#: ``<mutant name> <reason>``. Names hold for the sources they were measured on.
EQUIVALENT_FILE = ROOT / "tools" / "mutation_equivalent.txt"


def equivalent() -> dict[str, str]:
    if not EQUIVALENT_FILE.exists():
        return {}
    out = {}
    for line in EQUIVALENT_FILE.read_text().splitlines():
        name, _, reason = line.strip().partition(" ")
        if name and not name.startswith("#"):
            out[name] = reason.strip()
    return out


def run(module: Module, max_children: int, *, again: bool = False) -> dict[str, str]:
    """Run one module; returns mutant name -> killed / survived / label (see is_label_only).

    ``again``: re-run only the previous run's survivors, with the tests as they are now.
    """
    work = SCRATCH / module.name
    names: list[str] = []
    if again:
        previous: dict[str, str] = json.loads((work / "statuses.json").read_text())
        names = [name for name, status in previous.items() if status.startswith("survived")]
        (work / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)  # new tests: new map
        shutil.rmtree(work / "mutants" / "tests")
        print(f"== {module.name}: {len(names)} survivors again", flush=True)
    else:
        work = _prepare(module)
        print(f"== {module.name}: mutating {', '.join(module.files)}", flush=True)
    if again and not names:
        return previous
    with (work / "mutmut.log").open("a" if again else "w") as log:
        subprocess.run(
            [_mutmut(), "run", "--max-children", str(max_children), *names],
            cwd=work,
            check=False,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return classify(work)


def classify(work: Path) -> dict[str, str]:
    """killed / label / survived for each mutant of the run in ``work`` (saved beside it)."""
    statuses = {}
    known = equivalent()
    for name, status in _statuses(work).items():
        if status in _KILLED:
            statuses[name] = "killed"
        elif status == "not checked":  # a run cut short
            statuses[name] = status
        elif name in known:
            statuses[name] = "equivalent"
        elif is_label_only(_diff(work, name)):
            statuses[name] = "label"
        else:
            statuses[name] = f"survived ({status})" if status != "survived" else "survived"
    (work / "statuses.json").write_text(json.dumps(statuses, indent=1, sort_keys=True))
    return statuses


def _summary(name: str, statuses: dict[str, str]) -> str:
    total = len(statuses)
    killed = sum(s == "killed" for s in statuses.values())
    label = sum(s == "label" for s in statuses.values())
    same = sum(s == "equivalent" for s in statuses.values())
    survived = sum(s.startswith("survived") for s in statuses.values())
    unchecked = total - killed - label - same - survived
    score = 100.0 * killed / (killed + survived) if killed + survived else 100.0
    cut = f"  ({unchecked} not run)" if unchecked else ""
    return f"{name:<14}{total:>8}{killed:>8}{label:>7}{same:>7}{survived:>10}{score:>9.1f} %{cut}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="module names (default: all)")
    parser.add_argument("--list", action="store_true", help="print the module names")
    parser.add_argument("--max-children", type=int, default=2)
    parser.add_argument("--survivors", action="store_true", help="show each survivor's diff")
    parser.add_argument("--again", action="store_true", help="re-run the last survivors")
    parser.add_argument("--score", action="store_true", help="score the last run, run nothing")
    args = parser.parse_args()
    by_name = {m.name: m for m in MODULES}
    if args.list:
        print("\n".join(by_name))
        return 0
    unknown = [name for name in args.modules if name not in by_name]
    if unknown:
        parser.error(f"unknown modules {unknown}; want some of {list(by_name)}")
    chosen = [by_name[name] for name in args.modules] or list(MODULES)
    lines = []
    for module in chosen:
        if args.survivors:
            work = SCRATCH / module.name
            saved = json.loads((work / "statuses.json").read_text())
            for name, status in saved.items():
                if status.startswith("survived"):
                    print(f"# {name}: {status}")
                    print(_diff(work, name))
            continue
        if args.score:
            statuses = classify(SCRATCH / module.name)
        else:
            statuses = run(module, args.max_children, again=args.again)
        lines.append(_summary(module.name, statuses))
        print(lines[-1], flush=True)
    if lines:
        head = ("mutants", "killed", "label", "equiv", "survived", "score")
        print(
            f"{'module':<14}{head[0]:>8}{head[1]:>8}{head[2]:>7}{head[3]:>7}{head[4]:>10}{head[5]:>11}"
        )
        print("score = killed / (killed + survived); label: only error wording changes")
        print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
