"""Seeded mutators: bytes (flips, truncation, extension, splicing, crypto-shaped chunks),
JSON structure (duplicate names, wrong types, deep nesting, unsafe integers) and text
lines (signed notes), plus plain random input.

Everything is drawn from one ``random.Random``, so a campaign with the same seed
and the same seeds replays the same inputs.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from realdid.crypto._backend import P, R

__all__ = ["Mutator", "Pairs"]

#: Byte strings a crypto decoder must treat specially: the modulus, the group order,
#: the compressed identity, all-ones, the generator's flag byte, a zero scalar.
_SPECIAL: Final = (
    P.to_bytes(48, "big"),
    R.to_bytes(32, "big"),
    (R - 1).to_bytes(32, "big"),
    b"\xc0" + bytes(47),
    b"\xff" * 48,
    bytes(32),
    b"\x80" + bytes(47),
    b"\xe0" + bytes(47),
)
_INTERESTING_BYTES: Final = (0x00, 0x01, 0x7F, 0x80, 0xFF, 0x0A, 0x20, 0x22, 0x5C, 0x7B, 0x5B)
_JSON_VALUES: Final[tuple[str, ...]] = (
    "null", "true", "false", "0", "-1", "1.5", "1e308", "-0", "9007199254740992",
    "-9007199254740992", "1" + "0" * 5000, '""', '"\\ud800"', '"\\u0000"', '"' + "x" * 2000 + '"',
    "[]", "{}", "NaN", "Infinity", "[" * 70 + "]" * 70, '{"a":' * 70 + "1" + "}" * 70,
    "[" * 5000 + "]" * 5000, "[" * 3000, '{"a":' * 2000 + "1" + "}" * 2000,
)  # fmt: skip


@dataclass(frozen=True)
class Pairs:
    """A JSON object as a list of members, so that a name may repeat when dumped."""

    members: list[tuple[str, object]]


def _dump(value: object, *, spaced: bool) -> str:
    sep, colon = (", ", ": ") if spaced else (",", ":")
    if isinstance(value, Pairs):
        return "{" + sep.join(json.dumps(k) + colon + _dump(v, spaced=spaced)
                              for k, v in value.members) + "}"  # fmt: skip
    if isinstance(value, list):
        return "[" + sep.join(_dump(v, spaced=spaced) for v in value) + "]"
    if isinstance(value, _Raw):
        return value.text
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class _Raw:
    """A JSON text spliced in as is (a literal Python's json would not write)."""

    text: str


def _pairs(value: object) -> object:
    if isinstance(value, dict):
        return Pairs([(k, _pairs(v)) for k, v in value.items()])
    if isinstance(value, list):
        return [_pairs(v) for v in value]
    return value


class Mutator:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    # ------------------------------------------------------------------ bytes

    def random_bytes(self, limit: int) -> bytes:
        return self.rng.randbytes(self.rng.randrange(0, max(2, limit)))

    def mutate_bytes(self, data: bytes, others: Sequence[bytes]) -> bytes:
        """One to four stacked byte-level mutations of ``data``."""
        out = bytearray(data)
        for _ in range(self.rng.choice((1, 1, 1, 2, 2, 3, 4))):
            self.rng.choice(self._byte_ops)(self, out, others)
        return bytes(out)

    def _flip(self, b: bytearray, others: Sequence[bytes]) -> None:
        if b:
            for _ in range(self.rng.randrange(1, 9)):
                b[self.rng.randrange(len(b))] ^= 1 << self.rng.randrange(8)

    def _set_byte(self, b: bytearray, _: Sequence[bytes]) -> None:
        if b:
            b[self.rng.randrange(len(b))] = self.rng.choice(_INTERESTING_BYTES)

    def _truncate(self, b: bytearray, _: Sequence[bytes]) -> None:
        if b:
            cut = self.rng.randrange(len(b))
            if self.rng.random() < 0.7:
                del b[cut:]
            else:
                del b[:cut]

    def _extend(self, b: bytearray, _: Sequence[bytes]) -> None:
        tail = self.rng.randbytes(self.rng.choice((1, 1, 2, 4, 16, 32, 48, 96)))
        b.extend(tail if self.rng.random() < 0.5 or not b else bytes(b[-len(tail) :]))

    def _insert(self, b: bytearray, _: Sequence[bytes]) -> None:
        at = self.rng.randrange(len(b) + 1)
        b[at:at] = self.rng.randbytes(self.rng.randrange(1, 33))

    def _delete(self, b: bytearray, _: Sequence[bytes]) -> None:
        if b:
            at = self.rng.randrange(len(b))
            del b[at : at + self.rng.randrange(1, 65)]

    def _duplicate(self, b: bytearray, _: Sequence[bytes]) -> None:
        if b:
            at = self.rng.randrange(len(b))
            chunk = b[at : at + self.rng.randrange(1, 97)]
            where = self.rng.randrange(len(b) + 1)
            b[where:where] = chunk

    def _splice(self, b: bytearray, others: Sequence[bytes]) -> None:
        other = self.rng.choice(others) if others else bytes(b)
        cut, cut2 = self.rng.randrange(len(b) + 1), self.rng.randrange(len(other) + 1)
        b[cut:] = other[cut2:]

    def _special(self, b: bytearray, _: Sequence[bytes]) -> None:
        """Overwrite an aligned 32- or 48-byte slot with a value decoders must refuse."""
        special = self.rng.choice(_SPECIAL)
        size = len(special)
        slots = len(b) // 16
        if slots:
            at = self.rng.randrange(slots) * 16
            b[at : at + size] = special

    _byte_ops: Final[tuple[Callable[[Mutator, bytearray, Sequence[bytes]], None], ...]] = (
        _flip, _flip, _set_byte, _truncate, _extend, _insert, _delete, _duplicate, _splice,
        _special, _special,
    )  # fmt: skip

    # ------------------------------------------------------------------ JSON

    def mutate_json(self, data: bytes, others: Sequence[bytes]) -> bytes:
        """A structural mutation of a JSON seed (or a byte one if it is not JSON)."""
        try:
            tree = _pairs(json.loads(data))
        except ValueError:
            return self.mutate_bytes(data, others)
        for _ in range(self.rng.choice((1, 1, 1, 2, 3))):
            tree = self._mutate_node(tree, others)
        spaced = b'": ' in data
        return _dump(tree, spaced=spaced).encode()

    def _mutate_node(self, node: object, others: Sequence[bytes]) -> object:
        """Walk to a random node and change it (the change is returned in its place)."""
        children: list[tuple[object, int]] = []
        if isinstance(node, Pairs) and node.members:
            children = [(node, i) for i in range(len(node.members))]
        elif isinstance(node, list) and node:
            children = [(node, i) for i in range(len(node))]
        if children and self.rng.random() < 0.75:
            parent, i = self.rng.choice(children)
            if isinstance(parent, Pairs):
                name, child = parent.members[i]
                parent.members[i] = (name, self._mutate_node(child, others))
            else:
                assert isinstance(parent, list)
                parent[i] = self._mutate_node(parent[i], others)
            return node
        return self._change(node, others)

    def _change(self, node: object, others: Sequence[bytes]) -> object:
        rng = self.rng
        if isinstance(node, Pairs):
            members = list(node.members)
            op = rng.randrange(5)
            if op == 0 and members:  # a repeated name: I-JSON forbids it
                name, value = rng.choice(members)
                other = _Raw(rng.choice(_JSON_VALUES))
                members.insert(rng.randrange(len(members) + 1),
                               (name, rng.choice((value, other))))  # fmt: skip
            elif op == 1 and members:
                del members[rng.randrange(len(members))]
            elif op == 2:
                members.append((rng.choice(("x", "id", "@context", "type", "v", "")),
                                _Raw(rng.choice(_JSON_VALUES))))  # fmt: skip
            elif op == 3 and len(members) > 1:
                i, j = rng.randrange(len(members)), rng.randrange(len(members))
                members[i], members[j] = members[j], members[i]
            else:
                return _Raw(rng.choice(_JSON_VALUES))
            return Pairs(members)
        if isinstance(node, list):
            items = list(node)
            op = rng.randrange(4)
            if op == 0 and items:
                del items[rng.randrange(len(items))]
            elif op == 1 and items:
                items.insert(rng.randrange(len(items) + 1), rng.choice(items))
            elif op == 2:
                return []
            else:
                return _Raw(rng.choice(_JSON_VALUES))
            return items
        if isinstance(node, str):
            op = rng.randrange(6)
            if op == 0 and node:
                i = rng.randrange(len(node))
                swaps = (0x41, 0x2D, 0x5F, 0x2F, 0x2B, 0x3D, 0x20, 0xE9, 0x1F600, ord(node[i]) ^ 1)
                return node[:i] + chr(rng.choice(swaps)) + node[i + 1 :]
            if op == 1:
                return node[: rng.randrange(len(node) + 1)]
            if op == 2:
                return node + rng.choice(("=", "A", "\n", " ", "\x00", "é"))
            if op == 3 and others:  # a string from another seed
                try:
                    words = [
                        w for w in json.loads(rng.choice(others)).values() if isinstance(w, str)
                    ]
                except (ValueError, AttributeError):
                    words = []
                return rng.choice(words) if words else node.upper()
            if op == 4:
                return node.upper() if node != node.upper() else node.lower()
            return _Raw(rng.choice(_JSON_VALUES))
        if isinstance(node, bool) or node is None:
            return _Raw(rng.choice(_JSON_VALUES))
        if isinstance(node, int):
            return rng.choice((node + 1, node - 1, -node, node * 2**32, 2**53, 2**64, 2**32,
                               _Raw(rng.choice(_JSON_VALUES))))  # fmt: skip
        return _Raw(rng.choice(_JSON_VALUES))

    # ------------------------------------------------------------------ text lines

    def mutate_lines(self, data: bytes, others: Sequence[bytes]) -> bytes:
        """Line-level mutations of a signed note (and a byte-level one sometimes)."""
        lines = data.split(b"\n")
        rng = self.rng
        op = rng.randrange(7)
        i = rng.randrange(len(lines))
        if op == 0:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif op == 1:
            del lines[i]
        elif op == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == 3:
            lines[i] = lines[i] + rng.choice((b" ", b"=", b"\r", b" x", b"0"))
        elif op == 4:
            lines.insert(i, rng.choice((b"", b"\xe2\x80\x94 junk AAAAAAAA", b"\xe2\x80\x94 ",
                                        b"x", b" ")))  # fmt: skip
        elif op == 5:
            lines[i] = lines[i].upper() if rng.random() < 0.5 else lines[i].replace(b" ", b"  ")
        else:
            return self.mutate_bytes(data, others)
        return b"\n".join(lines)
