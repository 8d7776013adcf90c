"""The OSC server of the daemon: UDP receive, strict parsing, validation against the
address table, replies, subscribers and timed bundles. The only module that imports
pythonosc.

Threads:
- receive thread: select + recvfrom (stop() wakes it through a pipe) -> allow-list -> strict
  packet check -> python-osc parse -> table validation -> dispatch now, or push onto the
  scheduler heap when a bundle's timetag is in the future. It never sleeps on timetags.
- scheduler thread: pops the heap at each message's time and dispatches it.
Dispatch (one message at a time, under a lock, whichever thread runs it) answers ping/subscribe/unsubscribe/describe/get itself and hands every other
control to on_control (which must not block); with `defer`, a get's answer runs after the
controls that came before it took effect. broadcast()/send() may be called from any
thread; sockets are non-blocking, so a slow or dead client never stalls the caller.
"""
from __future__ import annotations

import heapq
import ipaddress
import itertools
import logging
import numbers
import os
import select
import socket
import struct
import threading
import time
from dataclasses import dataclass
from typing import Callable

from pythonosc import osc_bundle, osc_message
from pythonosc.osc_bundle_builder import IMMEDIATELY, OscBundleBuilder
from pythonosc.osc_message_builder import OscMessageBuilder

from bridge import osc_table
from bridge.config import ConfigError
from bridge.osc_table import OscValidationError

log = logging.getLogger(__name__)

# python-osc logs a warning for each unknown type tag it skips; we reject those earlier.
logging.getLogger("pythonosc").setLevel(logging.ERROR)

RECV_TIMEOUT_S = 0.5  # select() safety net; stop() wakes the receive thread through a pipe
MAX_PACKET = 65536
MAX_BUNDLE_DEPTH = 8
SUPPORTED_TAGS = frozenset("ifshdbtTFNmr")  # what python-osc parses; anything else is refused
_FIXED_SIZE = {"i": 4, "f": 4, "r": 4, "m": 4, "h": 8, "d": 8, "t": 8, "T": 0, "F": 0, "N": 0}


@dataclass(frozen=True)
class Control:
    address: str  # e.g. "/lmdm/bpm"
    args: tuple  # validated and coerced per the table
    sender: tuple[str, int]  # (host, port) of the UDP sender


class MalformedPacket(ValueError):
    """A datagram that is not well-formed OSC. `address` is set when it could be read."""

    def __init__(self, reason: str, address: str = "?"):
        super().__init__(reason)
        self.address = address


@dataclass
class Counters:
    """Monotonic counts, readable by the daemon and the benchmark (plain ints: no lock)."""

    received: int = 0  # datagrams from allowed hosts
    denied: int = 0  # datagrams from hosts outside loopback + allow, dropped silently
    malformed: int = 0
    rejected: int = 0  # messages that failed validation or on_control
    controls: int = 0  # messages dispatched (server-handled or on_control)
    scheduled: int = 0  # messages held for a future timetag
    errors_sent: int = 0
    errors_dropped: int = 0  # error replies suppressed by the per-host rate limit
    replies_dropped: int = 0  # describe answers suppressed by its rate limit
    send_failures: int = 0
    subscribers_dropped: int = 0


class _TokenBucket:
    """rate tokens per second, at most `burst` banked; one bucket per sender host."""

    def __init__(self, rate: float, burst: float):
        self.rate, self.burst = rate, burst
        self.tokens: dict[str, tuple[float, float]] = {}  # host -> (tokens, last time)
        self.lock = threading.Lock()  # errors come from the receive, scheduler and engine threads

    def take(self, host: str, now: float) -> bool:
        with self.lock:
            return self._take(host, now)

    def _take(self, host: str, now: float) -> bool:
        tokens, last = self.tokens.get(host, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if len(self.tokens) > 4096:  # spoofed sources cannot grow this without bound
            self.tokens.clear()
        if tokens < 1.0:
            self.tokens[host] = (tokens, now)
            return False
        self.tokens[host] = (tokens - 1.0, now)
        return True


@dataclass
class _Subscriber:
    target: tuple[str, int]
    sock: socket.socket  # connected, non-blocking: a refused port shows up as a send error
    strikes: int = 0
    last_failure: float = 0.0


# --- strict packet check (python-osc is lenient: it skips unknown tags, ignores padding
# and trailing bytes, and loops forever on a negative bundle element size) -----------

def _read_string(data: bytes, i: int, what: str, address: str) -> tuple[str, int]:
    end = data.find(b"\0", i)
    if end < 0:
        raise MalformedPacket(f"{what} is not null-terminated", address)
    stop = end + 4 - (end - i) % 4  # string + 1..4 nulls, a multiple of 4 bytes
    if stop > len(data):
        raise MalformedPacket(f"{what} is not padded to 4 bytes", address)
    if any(data[end:stop]):
        raise MalformedPacket(f"{what} has non-zero padding", address)
    try:
        return data[i:end].decode("utf-8"), stop
    except UnicodeDecodeError:
        raise MalformedPacket(f"{what} is not valid UTF-8", address) from None


def check_message(data: bytes) -> str:
    """Raise MalformedPacket unless `data` is one well-formed OSC message; return its address."""
    address, i = _read_string(data, 0, "address", "?")
    if not address.startswith("/") or not address.isascii() or not address.isprintable() \
            or " " in address or "#" in address or len(address) > 256:
        raise MalformedPacket("bad address", "?")
    if i == len(data):
        return address  # no type tag string: OSC 1.0 allows it (no arguments)
    tags, i = _read_string(data, i, "type tag string", address)
    if not tags.startswith(","):
        raise MalformedPacket("type tag string does not start with ','", address)
    for tag in tags[1:]:
        if tag not in SUPPORTED_TAGS:
            raise MalformedPacket(f"unsupported type tag {tag!r}", address)
        if tag in _FIXED_SIZE:
            i += _FIXED_SIZE[tag]
        elif tag == "s":
            _, i = _read_string(data, min(i, len(data)), "string argument", address)
        else:  # "b": int32 size, bytes, zero padding
            if i + 4 > len(data):
                raise MalformedPacket("truncated blob size", address)
            (size,) = struct.unpack_from(">i", data, i)
            stop = i + 4 + size + (-size % 4)
            if size < 0 or stop > len(data):
                raise MalformedPacket("bad blob size", address)
            i = stop
        if i > len(data):
            raise MalformedPacket(f"truncated argument {tag!r}", address)
    if i != len(data):
        raise MalformedPacket(f"{len(data) - i} trailing bytes", address)
    return address


def check_bundle(data: bytes, depth: int = 0) -> None:
    """Raise MalformedPacket unless `data` is a well-formed bundle (nested <= 8 deep)."""
    if depth >= MAX_BUNDLE_DEPTH:
        raise MalformedPacket(f"bundles nested deeper than {MAX_BUNDLE_DEPTH}", "#bundle")
    if len(data) < 16:
        raise MalformedPacket("truncated bundle timetag", "#bundle")
    i = 16
    while i < len(data):
        if i + 4 > len(data):
            raise MalformedPacket("truncated bundle element size", "#bundle")
        (size,) = struct.unpack_from(">i", data, i)
        i += 4
        if size <= 0 or size % 4 or i + size > len(data):
            raise MalformedPacket(f"bad bundle element size {size}", "#bundle")
        check_packet(data[i:i + size], depth + 1)
        i += size


def check_packet(data: bytes, depth: int = 0) -> None:
    if not data:
        raise MalformedPacket("empty packet")
    if len(data) % 4:
        raise MalformedPacket(f"packet size {len(data)} is not a multiple of 4")
    if data.startswith(b"#bundle\0"):
        check_bundle(data, depth)
    elif data.startswith(b"/"):
        check_message(data)
    else:
        raise MalformedPacket("not an OSC message or bundle")


def _timed_messages(bundle: osc_bundle.OscBundle, outer: float) -> list[tuple[float, osc_message.OscMessage]]:
    """(time, message) for every message in a bundle tree; 0.0 means immediately.
    A nested bundle never runs before its enclosing bundle (OSC 1.0)."""
    t = float(bundle.timestamp) if bundle.timestamp != IMMEDIATELY else 0.0
    t = max(t, outer)
    out = []
    for content in bundle:
        if isinstance(content, osc_bundle.OscBundle):
            out += _timed_messages(content, t)
        else:
            out.append((t, content))
    return out


# --- outgoing messages --------------------------------------------------------------

def build_message(address: str, args: tuple) -> bytes:
    """Explicit OSC types for what patches understand: bool -> i 0/1, None -> s "none",
    numpy scalars -> i/f; tuples and lists are spread."""
    b = OscMessageBuilder(address=address)
    for v in _flatten(args):
        if isinstance(v, bool):
            b.add_arg(int(v), "i")
        elif isinstance(v, numbers.Integral):
            b.add_arg(int(v), "i" if -(2**31) <= int(v) < 2**31 else "h")
        elif isinstance(v, numbers.Real):
            b.add_arg(float(v), "f")
        elif isinstance(v, str):
            b.add_arg(v, "s")
        elif isinstance(v, (bytes, bytearray)) and v:
            b.add_arg(bytes(v), "b")
        elif v is None:
            b.add_arg("none", "s")
        else:
            b.add_arg(str(v), "s")
    return b.build().dgram


def _flatten(args) -> list:
    out = []
    for v in args:
        if isinstance(v, (tuple, list)):
            out += _flatten(v)
        else:
            out.append(v)
    return out


def build_bundle(messages: list[tuple[str, tuple]], timetag: float | None) -> bytes:
    builder = OscBundleBuilder(IMMEDIATELY if timetag is None else timetag)
    for address, args in messages:
        builder.add_content(osc_message.OscMessage(build_message(address, args)))
    return builder.build().dgram


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# --- the server ---------------------------------------------------------------------

class OscServer:
    """See the module docstring. Timetags and broadcast_bundle() times are seconds since
    the epoch (time.time()), as in OSC/NTP; None means immediately."""

    def __init__(self, host: str, port: int, allow: list[str],
                 on_control: Callable[[Control], None],
                 get_value: Callable[[str], object], *,
                 error_rate: float = 100.0, max_scheduled: int = 1024,
                 max_ahead_s: float = 300.0, max_subscribers: int = 32,
                 max_strikes: int = 20, defer: Callable[[Callable[[], None]], None] | None = None):
        self.host = host
        self.allow = [ipaddress.ip_network(n, strict=False) for n in allow]
        if not _is_loopback(host) and not self.allow:
            raise ConfigError(f"osc.host: binding to {host!r} needs osc.allow, a list of client networks")
        self.on_control = on_control
        self.get_value = get_value
        # runs a /lmdm/get's answer in order with the controls before it (the daemon: on the
        # engine thread, after it applied them); None: at once, on the dispatching thread
        self.defer = defer
        self.max_scheduled = max_scheduled
        self.max_ahead_s = max_ahead_s
        self.max_subscribers = max_subscribers
        self.max_strikes = max_strikes
        self.counters = Counters()

        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.sock.bind((host, port))
        self.sock.setblocking(False)  # replies never wait; receiving waits in select()
        self.port: int = self.sock.getsockname()[1]

        self._error_bucket = _TokenBucket(error_rate, error_rate)
        self._describe_bucket = _TokenBucket(4.0, 4.0)  # one describe is ~50 replies
        self._subs: dict[tuple[str, int], _Subscriber] = {}
        self._subs_lock = threading.Lock()

        self._heap: list[tuple[float, int, Control]] = []  # (time, seq, control)
        self._seq = itertools.count()
        self._heap_cv = threading.Condition()
        # Immediate messages dispatch on the receive thread, timed ones on the scheduler
        # thread: this lock keeps on_control calls one at a time and in order.
        self._dispatch_lock = threading.Lock()
        self._running = False
        self._threads: list[threading.Thread] = []
        self._wake_r, self._wake_w = os.pipe()  # stop() writes here to end select() at once

    # lifecycle ---------------------------------------------------------------------
    def start(self) -> None:
        if self._running:
            return
        self._running = True
        self._threads = [threading.Thread(target=self._receive_loop, name="osc-recv", daemon=True),
                         threading.Thread(target=self._schedule_loop, name="osc-sched", daemon=True)]
        for t in self._threads:
            t.start()

    def stop(self) -> None:
        self._running = False
        if self._wake_w >= 0:
            os.write(self._wake_w, b"x")
        with self._heap_cv:
            self._heap.clear()
            self._heap_cv.notify_all()
        for t in self._threads:
            t.join(timeout=2.0)
        with self._subs_lock:
            for sub in self._subs.values():
                sub.sock.close()
            self._subs.clear()
        self.sock.close()
        for fd in (self._wake_r, self._wake_w):
            if fd >= 0:
                os.close(fd)
        self._wake_r = self._wake_w = -1

    def __enter__(self) -> "OscServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def subscribers(self) -> list[tuple[str, int]]:
        with self._subs_lock:
            return list(self._subs)

    @property
    def pending(self) -> int:
        return len(self._heap)

    # sending -----------------------------------------------------------------------
    def send(self, target: tuple[str, int], address: str, *args) -> None:
        self._sendto(build_message(address, args), target)

    def error(self, target, address: str, reason: str) -> None:
        """/lmdm/error to target, at most error_rate per second per host (counted)."""
        if not self._error_bucket.take(target[0], time.monotonic()):
            self.counters.errors_dropped += 1
            return
        self.counters.errors_sent += 1
        self._sendto(build_message("/lmdm/error", (address[:256], reason[:256])), target)

    def broadcast(self, address: str, *args) -> None:
        if self._subs:
            self._broadcast_dgram(build_message(address, args))

    def broadcast_bundle(self, messages: list[tuple[str, tuple]], timetag: float | None) -> None:
        if self._subs and messages:
            self._broadcast_dgram(build_bundle(messages, timetag))

    def _sendto(self, dgram: bytes, target: tuple[str, int]) -> None:
        try:
            self.sock.sendto(dgram, target[:2])
        except OSError:
            self.counters.send_failures += 1

    def _broadcast_dgram(self, dgram: bytes) -> None:
        now = time.monotonic()
        with self._subs_lock:
            subs = list(self._subs.values())
        for sub in subs:
            try:
                sub.sock.send(dgram)
                if sub.strikes and now - sub.last_failure > 2.0:
                    sub.strikes = 0  # clean for 2 s: an old hiccup, not a dead port
            except OSError:
                # A refused port alternates failed and "successful" sends (each ICMP error is
                # reported once), so strikes only reset after 2 s without a failure.
                self.counters.send_failures += 1
                sub.strikes += 1
                sub.last_failure = now
                if sub.strikes >= self.max_strikes:
                    self._drop_subscriber(sub.target)
                    self.counters.subscribers_dropped += 1

    # subscribers -------------------------------------------------------------------
    def _subscribe(self, target: tuple[str, int]) -> None:
        if target[1] == self.port and _is_loopback(target[0]):
            raise OscValidationError("subscribe: that is the daemon's own port")
        with self._subs_lock:
            if target in self._subs:
                self._subs[target].strikes = 0
                return
            if len(self._subs) >= self.max_subscribers:
                raise OscValidationError(f"too many subscribers (at most {self.max_subscribers})")
            sock = socket.socket(self.sock.family, socket.SOCK_DGRAM)
            sock.setblocking(False)
            sock.connect(target)
            self._subs[target] = _Subscriber(target, sock)

    def _drop_subscriber(self, target: tuple[str, int]) -> bool:
        with self._subs_lock:
            sub = self._subs.pop(target, None)
        if sub is not None:
            sub.sock.close()
        return sub is not None

    # receiving ---------------------------------------------------------------------
    def _allowed(self, host: str) -> bool:
        try:
            ip = ipaddress.ip_address(host.split("%")[0])
        except ValueError:
            return False
        if getattr(ip, "ipv4_mapped", None):
            ip = ip.ipv4_mapped
        return ip.is_loopback or any(ip.version == n.version and ip in n for n in self.allow)

    def _receive_loop(self) -> None:
        while self._running:
            try:
                ready, _, _ = select.select([self.sock, self._wake_r], [], [], RECV_TIMEOUT_S)
                if self.sock not in ready:
                    continue
                data, sender = self.sock.recvfrom(MAX_PACKET)
            except (BlockingIOError, InterruptedError):
                continue
            except (OSError, ValueError):  # ValueError: select() on a closed socket
                if not self._running:
                    return
                continue  # e.g. a stray ICMP error reported on the socket
            try:
                self.handle_packet(data, sender[:2])
            except Exception:  # never let one packet stop the server
                log.exception("OSC packet handling failed")

    def handle_packet(self, data: bytes, sender: tuple[str, int]) -> None:
        """Everything that happens to one datagram, on the receive thread."""
        if not self._allowed(sender[0]):
            self.counters.denied += 1
            return
        self.counters.received += 1
        try:
            check_packet(data)
            if data.startswith(b"/"):
                timed = [(0.0, osc_message.OscMessage(data))]
            else:
                timed = _timed_messages(osc_bundle.OscBundle(data), 0.0)
        except MalformedPacket as exc:
            self.counters.malformed += 1
            self.error(sender, exc.address, f"malformed packet: {exc}")
            return
        except Exception as exc:  # python-osc disagreeing with the strict check
            self.counters.malformed += 1
            self.error(sender, "?", f"malformed packet: {type(exc).__name__}")
            return
        now = time.time()
        for t, msg in timed:
            self._accept(msg.address, tuple(msg.params), sender, t, now)

    def _accept(self, address: str, args: tuple, sender: tuple[str, int], t: float, now: float) -> None:
        """Validate one message (expanding patterns), then dispatch now or at time t."""
        try:
            if osc_table.is_pattern(address):
                targets = osc_table.match(address)
            else:
                a = osc_table.BY_NAME.get(address)
                targets = [a] if a is not None else []
                if a is not None and a.kind != "control":
                    raise OscValidationError("a feedback address (daemon -> patch) cannot be sent to the daemon")
            if not targets:
                raise OscValidationError("unknown address")
            controls = [Control(a.name, a.validate(args), sender) for a in targets]
            if t > now + self.max_ahead_s:
                raise OscValidationError(f"timetag more than {self.max_ahead_s:g} s ahead")
        except OscValidationError as exc:
            self.counters.rejected += 1
            self.error(sender, address, str(exc))
            return
        if t <= now:
            for c in controls:
                self._dispatch(c)
            return
        with self._heap_cv:
            if len(self._heap) + len(controls) > self.max_scheduled:
                full = True
            else:
                full = False
                for c in controls:
                    heapq.heappush(self._heap, (t, next(self._seq), c))
                self._heap_cv.notify()
        if full:
            self.counters.rejected += 1
            self.error(sender, address, f"too many scheduled messages (at most {self.max_scheduled})")
        else:
            self.counters.scheduled += len(controls)

    def _schedule_loop(self) -> None:
        while self._running:
            with self._heap_cv:
                if not self._heap:
                    self._heap_cv.wait(0.5)
                    continue
                wait = self._heap[0][0] - time.time()
                if wait > 0:
                    self._heap_cv.wait(min(wait, 0.5))
                    continue
                _, _, control = heapq.heappop(self._heap)
            try:
                self._dispatch(control)
            except Exception:
                log.exception("scheduled OSC dispatch failed")

    # dispatch ----------------------------------------------------------------------
    def _dispatch(self, c: Control) -> None:
        with self._dispatch_lock:
            self._dispatch_locked(c)

    def _dispatch_locked(self, c: Control) -> None:
        self.counters.controls += 1
        handler = self._HANDLERS.get(c.address)
        try:
            if handler is not None:
                handler(self, c)
            else:
                self.on_control(c)
        except Exception as exc:  # ValueError from on_control and anything unexpected
            self.counters.rejected += 1
            reason = str(exc) or type(exc).__name__
            self.error(c.sender, c.address, reason if isinstance(exc, ValueError) else f"internal error: {reason}")

    def _on_ping(self, c: Control) -> None:
        self.send(c.sender, "/lmdm/pong", *c.args)

    def _on_subscribe(self, c: Control) -> None:
        target = (c.sender[0], c.args[0] if c.args else c.sender[1])
        self._subscribe(target)
        self.send(target, "/lmdm/subscribed", target[1])

    def _on_unsubscribe(self, c: Control) -> None:
        target = (c.sender[0], c.args[0] if c.args else c.sender[1])
        self._drop_subscriber(target)
        self.send(target, "/lmdm/unsubscribed", target[1])

    def _on_describe(self, c: Control) -> None:
        if not self._describe_bucket.take(c.sender[0], time.monotonic()):
            self.counters.replies_dropped += 1
            raise OscValidationError("describe: too many requests, try again in a second")
        pattern = c.args[0] if c.args else None
        hits = osc_table.match(pattern, kind=None) if pattern else osc_table.ADDRESSES
        if not hits:
            raise OscValidationError(f"describe: no address matches {pattern!r}")
        for a in hits:
            self.send(c.sender, "/lmdm/address", a.name, a.types, a.range, a.help, a.kind)

    def _on_get(self, c: Control) -> None:
        names = [c.args[0]] if c.args else list(osc_table.PARAMS)
        if c.args and names[0] not in osc_table.PARAMS:
            raise OscValidationError(f"get: unknown parameter {names[0]!r}")
        if self.defer is None:
            self._answer_get(c, names)
        else:  # a get right after a set reads the value set
            self.defer(lambda: self._answer_get(c, names))

    def _answer_get(self, c: Control, names: list[str]) -> None:
        for name in names:
            try:
                value = self.get_value(name)
            except KeyError:
                self.error(c.sender, c.address, f"get: no value for {name!r}")
                continue
            except Exception as exc:  # answered off the dispatch path: report, never raise
                log.exception("get %s failed", name)
                self.error(c.sender, c.address, f"internal error: {exc}")
                continue
            self.send(c.sender, "/lmdm/value", name, value)

    _HANDLERS: dict[str, Callable[["OscServer", Control], None]] = {
        "/lmdm/ping": _on_ping,
        "/lmdm/subscribe": _on_subscribe,
        "/lmdm/unsubscribe": _on_unsubscribe,
        "/lmdm/describe": _on_describe,
        "/lmdm/get": _on_get,
    }
