"""Seeded OSC packet generator for fuzz tests: well-formed messages built from the address
table, random packets and mutations of both. Reused by the daemon-level fuzz test.

    from oscfuzz import packets
    for data in packets(seed=1, n=10_000):
        sock.sendto(data, ("127.0.0.1", port))

By default nothing is generated that would have lasting side effects on a daemon or on
other processes of the machine: no /lmdm/record (files), /lmdm/model (a model load),
/lmdm/subscribe (meters sent to random local ports). Everything else, valid or not, is fair.
The encoder is hand-written with struct so that it can build what no OSC library would.
"""
from __future__ import annotations

import random
import struct
from typing import Iterator

from bridge import osc_table

DEFAULT_EXCLUDE = ("/lmdm/record", "/lmdm/model", "/lmdm/subscribe", "/lmdm/unsubscribe")
NTP_DELTA = 2208988800  # seconds from 1900 (NTP) to 1970 (Unix)


# --- encoding -----------------------------------------------------------------------

def osc_string(s: str | bytes) -> bytes:
    b = s.encode() if isinstance(s, str) else s
    return b + b"\0" * (4 - len(b) % 4)


def encode_arg(tag: str, value) -> bytes:
    if tag == "i":
        return struct.pack(">i", value)
    if tag == "h":
        return struct.pack(">q", value)
    if tag == "f":
        return struct.pack(">f", value)
    if tag == "d":
        return struct.pack(">d", value)
    if tag == "s":
        return osc_string(value)
    if tag == "b":
        return struct.pack(">i", len(value)) + value + b"\0" * (-len(value) % 4)
    if tag in "rm":
        return struct.pack(">I", value & 0xFFFFFFFF)
    if tag == "t":
        return struct.pack(">Q", value)
    return b""  # T F N [ ]


def message(address: str, *args, tags: str | None = None) -> bytes:
    """An OSC message; tags guessed from Python types unless given (e.g. tags="f")."""
    if tags is None:
        tags = "".join(_guess(v) for v in args)
    payload = b"".join(encode_arg(t, v) for t, v in zip(tags, args + (None,) * len(tags)))
    return osc_string(address) + osc_string("," + tags) + payload


def _guess(v) -> str:
    if v is True:
        return "T"
    if v is False:
        return "F"
    if v is None:
        return "N"
    if isinstance(v, int):
        return "i" if -(2**31) <= v < 2**31 else "h"
    if isinstance(v, float):
        return "f"
    if isinstance(v, bytes):
        return "b"
    return "s"


def ntp(t: float | None) -> bytes:
    """A bundle timetag for Unix time t (None: immediately)."""
    if t is None:
        return struct.pack(">Q", 1)
    secs = t + NTP_DELTA
    return struct.pack(">II", int(secs) & 0xFFFFFFFF, int((secs % 1) * 2**32) & 0xFFFFFFFF)


def bundle(timetag: bytes, *elements: bytes) -> bytes:
    return b"#bundle\0" + timetag + b"".join(struct.pack(">i", len(e)) + e for e in elements)


# --- well-formed messages from the table --------------------------------------------

def _arg_values(rng: random.Random, a: osc_table.Arg) -> list[tuple[str, object]]:
    """(tag, value) candidates for one argument: in range, at the bounds, and outside."""
    if a.kind == "bool":
        return [("i", 0), ("i", 1), ("T", True), ("F", False), ("f", 1.0), ("i", 2)]
    if a.kind == "choice":
        return [("s", c) for c in a.choices] + [("s", "nonsense"), ("i", 1)]
    if a.kind == "str":
        return [("s", "x"), ("s", ""), ("s", "/lmdm/bpm"), ("i", 3)]
    lo = a.lo if a.lo is not None else -1000
    hi = a.hi if a.hi is not None else 1000
    mid = lo + (hi - lo) * rng.random()
    vals = [("f", float(lo)), ("f", float(hi)), ("f", mid), ("f", float(hi) + 1),
            ("f", float("nan")), ("f", float("inf")), ("s", "12"), ("T", True)]
    if a.kind == "int":
        vals += [(_int_tag(v), v) for v in (int(lo), int(hi), int(mid), int(lo) - 1)]
        vals += [("f", 1.5), ("h", 2**40)]
    return vals


def _int_tag(v: int) -> str:
    return "i" if -(2**31) <= v < 2**31 else "h"


_SPECIAL = {
    "/lmdm/prompt": [("s", ("jazz",)), ("sf", ("jazz", 0.5)), ("sfsf", ("a", 1.0, "b", 2.0)),
                     ("s", ("",)), ("ssssss", ("a", "b", "c", "d", "e", "f")), ("f", (1.0,)),
                     ("sf", ("x", -1.0)), ("", ())],
    "/lmdm/key": [("s", ("C minor",)), ("s", ("f# dorian",)), ("s", ("none",)), ("s", ("H major",)),
                  ("s", ("C blues",)), ("i", (3,))],
}


def table_messages(rng: random.Random, exclude=DEFAULT_EXCLUDE) -> list[bytes]:
    """For every control address: valid and invalid argument lists (about 250 messages)."""
    out = []
    for a in osc_table.ADDRESSES:
        if a.name in exclude:
            continue
        if a.name in _SPECIAL:
            out += [message(a.name, *vals, tags=tags) for tags, vals in _SPECIAL[a.name]]
            continue
        out.append(message(a.name))  # no arguments
        for i, spec in enumerate(a.args):
            for tag, value in _arg_values(rng, spec):
                # earlier arguments at a valid value, this one varied
                prefix = [_arg_values(rng, s)[0] for s in a.args[:i]]
                tags = "".join(t for t, _ in prefix) + tag
                out.append(message(a.name, *[v for _, v in prefix], value, tags=tags))
        out.append(message(a.name, 1, 2, 3, "x"))  # too many arguments
    return out


# --- random and mutated packets -----------------------------------------------------

_ADDR_PARTS = ["lmdm", "stem", "bass", "gain", "mute", "bpm", "x", "", "ping", "get", "describe",
               "prompt", "key", "seed", "input", "meter", "status", "error", "\xe9", "..", "#"]
_SAFE_PATTERNS = ["/lmdm/stem/*/gain", "/lmdm/stem/*/mute", "/lmdm/{bpm,steps}", "/lmdm/stem/[bk]*/gain",
                  "/lmdm/stem/[", "/lmdm/{", "/lmdm/stem/?ass/mute", "/lmdm/*", "/lmdm/stem/[z-a]/gain",
                  "/lmdm/stem/[!b]*/program", "/lmdm/}", "/lmdm/[]", "/lmdm/" + "*" * 200 + "x",
                  "/lmdm/" + "{a,b}" * 20, "/lmdm/stem/" + "*?" * 60 + "/gain"]
_TAGS = "ifshdbtTFNmr[]cSI\x00 ,"


def random_message(rng: random.Random) -> bytes:
    if rng.random() < 0.15:
        address = rng.choice(_SAFE_PATTERNS)
    else:
        address = "/" + "/".join(rng.choice(_ADDR_PARTS) for _ in range(rng.randint(1, 4)))
    tags = "".join(rng.choice(_TAGS) for _ in range(rng.randint(0, 6)))
    payload = bytes(rng.getrandbits(8) for _ in range(rng.choice([0, 4, 8, 12, 16, rng.randint(0, 64)])))
    head = osc_string(address)
    return head + (osc_string("," + tags) if rng.random() < 0.9 else b"") + payload


def random_bundle(rng: random.Random, pool: list[bytes], depth: int = 0) -> bytes:
    import time
    now = time.time()
    timetag = rng.choice([ntp(None), ntp(now - 10), ntp(now + rng.random() * 0.5), ntp(now + 1e6),
                          bytes(8), b"\xff" * 8, ntp(now + 0.01)])
    elements = []
    for _ in range(rng.randint(0, 4)):
        if depth < 10 and rng.random() < 0.2:
            elements.append(random_bundle(rng, pool, depth + 1))
        else:
            elements.append(rng.choice(pool))
    data = bundle(timetag, *elements)
    if rng.random() < 0.2:  # a lying element size
        size = rng.choice([-4, -1, 0, 3, 2**31 - 1, len(data)])
        data = data + struct.pack(">i", size) + rng.choice(pool)
    return data


def mutate(rng: random.Random, data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(8)
        if op == 0 and b:  # flip a bit
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
        elif op == 1 and b:  # truncate
            del b[rng.randrange(len(b)):]
        elif op == 2:  # append garbage or zeros
            b += bytes(rng.getrandbits(8) if rng.random() < 0.5 else 0 for _ in range(rng.randint(1, 9)))
        elif op == 3 and b:  # random byte
            b[rng.randrange(len(b))] = rng.getrandbits(8)
        elif op == 4 and len(b) >= 4:  # an extreme int32 at an aligned position
            i = rng.randrange(len(b) // 4) * 4
            b[i:i + 4] = struct.pack(">i", rng.choice([-1, -4, 0, 2**31 - 1, -(2**31), 4, 65536]))
        elif op == 5:  # a type tag swapped for another (maybe unknown) one
            j = b.find(b",")
            if 0 <= j < len(b) - 1:
                b[j + 1] = ord(rng.choice(_TAGS))
        elif op == 6 and b:  # duplicate a chunk
            i = rng.randrange(len(b))
            b[i:i] = b[i:i + rng.randint(1, 16)]
        elif op == 7 and b:  # remove a null (breaks string termination/padding)
            j = b.find(b"\0", rng.randrange(len(b)))
            if j >= 0:
                del b[j]
    return bytes(b)


def packets(seed: int, n: int, exclude=DEFAULT_EXCLUDE) -> Iterator[bytes]:
    """n packets: ~25% table messages, ~20% random messages, ~15% bundles, ~5% raw bytes,
    the rest mutations of those. Deterministic for a seed. Mutations never turn into an
    excluded address in practice (that would need its whole name spelled out)."""
    rng = random.Random(seed)
    pool = table_messages(rng, exclude)
    for _ in range(n):
        r = rng.random()
        if r < 0.25:
            data = rng.choice(pool)
        elif r < 0.45:
            data = random_message(rng)
        elif r < 0.60:
            data = random_bundle(rng, pool)
        elif r < 0.65:
            data = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 80)))
        else:
            base = rng.choice([rng.choice(pool), random_message(rng), random_bundle(rng, pool)])
            data = mutate(rng, base)
            if rng.random() < 0.7:  # keep most 4-byte aligned so they reach the deeper checks
                data = data[:len(data) // 4 * 4] if rng.random() < 0.5 else data + bytes(-len(data) % 4)
        yield data[:65000]
