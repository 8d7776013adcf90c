"""Driving `lmdm serve` from outside, as `lmdm demo` does (and a benchmark or a test may):
a JACK server to run on (a running one, or a private `jackd -d dummy` started and
stopped here), the daemon as a child process, and an OSC link to it.

Children run in their own session (a terminal's Ctrl-C reaches only the parent, which
stops them in order: daemon first, then jackd) and are signalled if the parent dies, even
by SIGKILL (Linux prctl), so nothing is left running. The OSC link decodes replies itself: bridge/osc.py stays the one
module importing pythonosc, and provides build_message for sending.
"""
from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

JACKD_RATE, JACKD_PERIOD = 48000, 1024
STOP_TIMEOUT_S = 15.0


class ClientError(RuntimeError):
    """A failure with a message meant for the user (what failed, and what to do)."""


# --- JACK -----------------------------------------------------------------------------

JACKD_START_S = 10.0
_REGISTRY_HINT = (
    ". JACK's registry (/dev/shm/jack-shm-registry) has room for 8 servers, and a server "
    "that was killed (not stopped) keeps its entry until one of the same name starts: stop "
    "other jackd servers, or, when no jackd runs at all, remove /dev/shm/jack-shm-registry")


def _die_with_parent(sig: int):
    """A preexec_fn: the child gets `sig` when this process dies, even by SIGKILL, so a
    killed demo leaves no orphan jackd or daemon behind (Linux prctl; elsewhere None).
    libc is loaded here, in the parent: the forked child only makes the call."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes
    try:
        prctl = ctypes.CDLL(None).prctl
    except (OSError, AttributeError):
        return None

    def set_pdeathsig() -> None:
        prctl(1, int(sig), 0, 0, 0)  # PR_SET_PDEATHSIG

    return set_pdeathsig


class JackServer:
    """The server to run on: a named one, the default one, or a private dummy jackd
    started here, named lmdm-demo-<pid> (and stopped by close())."""

    def __init__(self):
        self.name: str | None = None  # None: the default server
        self.rate = 0
        self.proc: subprocess.Popen | None = None
        self._err = None

    def open(self, name: str | None, say) -> None:
        from bridge.jack_io import server_rate
        if name:
            rate = server_rate(name)
            if rate is None:
                raise ClientError(f"no JACK server named {name!r} is running (leave out --jack-server "
                                  "and a private one is started)")
            self.name, self.rate = name, rate
            say(f"JACK: using the running server {name!r} ({rate} Hz)")
            return
        rate = server_rate(None)
        if rate is not None:
            self.rate = rate
            say(f"JACK: using the running default server ({rate} Hz)")
            return
        self.start_private(say)

    def start_private(self, say) -> None:
        from bridge.jack_io import server_rate
        if shutil.which("jackd") is None:
            raise ClientError("jackd is not installed: `make demo` installs it (Debian package jackd2)")
        # Never give a client the server's name: with JACK 2 (1.9.21) a client's socket
        # then replaces the server's, and no further client can connect.
        name = f"lmdm-demo-{os.getpid()}"
        deadline = time.monotonic() + JACKD_START_S
        while True:
            self._spawn(name)
            while self.proc.poll() is None and time.monotonic() < deadline:
                rate = server_rate(name)
                if rate is not None:
                    self.name, self.rate = name, rate
                    say(f"JACK: no server running; started a private dummy server {name!r} "
                        f"({rate} Hz, period {JACKD_PERIOD})")
                    return
                time.sleep(0.1)
            why = self._stderr_tail()
            if self.proc.poll() is None:
                raise ClientError(f"jackd did not come up within {JACKD_START_S:g} s: {why}")
            if "Too many servers" not in why or time.monotonic() > deadline:
                full = "Too many servers" in why
                raise ClientError(f"jackd exited at start: {why}" + (_REGISTRY_HINT if full else ""))
            time.sleep(0.5)  # a slot in JACK's registry may free up as other servers stop

    def _spawn(self, name: str) -> None:
        if self._err is not None:
            self._err.close()
        self._err = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            ["jackd", "-n", name, "--no-realtime", "-d", "dummy", "-r", str(JACKD_RATE), "-p", str(JACKD_PERIOD)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._err, start_new_session=True,
            preexec_fn=_die_with_parent(signal.SIGTERM))

    def _stderr_tail(self) -> str:
        self._err.seek(0)
        lines = self._err.read().decode(errors="replace").strip().splitlines()
        return " / ".join(lines[-3:]) or "(no output)"

    def close(self) -> None:
        p, self.proc = self.proc, None
        if p is not None and p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:  # leaves a stale entry in JACK's registry
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(5)
        if self._err is not None:
            self._err.close()
            self._err = None


# --- the daemon -----------------------------------------------------------------------

class DaemonProcess:
    """`lmdm serve` as a child process; its output is kept (daemon.log) and parsed for the
    OSC port, the JACK client name and the model."""

    def __init__(self, cmd: list[str]):
        env = dict(os.environ, PYTHONUNBUFFERED="1", JACK_NO_START_SERVER="1")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, env=env, start_new_session=True,
                                     # if we die: SIGKILL, not SIGINT. A daemon closing its
                                     # client while a private jackd stops (SIGTERM, same
                                     # moment) hung jackd 1.9.21 for 5 s, then it died
                                     # without leaving JACK's server registry (stale entry).
                                     preexec_fn=_die_with_parent(signal.SIGKILL))
        self.lines: list[str] = []
        self.osc_port = 0
        self.client = ""
        self.model = ""
        self._ready: queue.Queue[bool] = queue.Queue()
        threading.Thread(target=self._pump, name="lmdm-demo-daemon-log", daemon=True).start()

    def _pump(self) -> None:
        for raw in iter(self.proc.stdout.readline, ""):
            line = raw.rstrip("\n")
            self.lines.append(line)
            if m := re.search(r"OSC listening on udp://[^:]+:(\d+)", line):
                self.osc_port = int(m.group(1))
            elif m := re.search(r"JACK client '([^']+)'", line):
                self.client = m.group(1)
            elif m := re.match(r"lmdm: ready: model (\S+?),", line):
                self.model = m.group(1)
                self._ready.put(True)
        self._ready.put(False)

    def wait_ready(self, timeout: float) -> None:
        try:
            ok = self._ready.get(timeout=timeout)
        except queue.Empty:
            raise ClientError(f"the daemon did not get ready within {timeout:.0f} s{self.tail()}") from None
        if not ok or not self.osc_port or not self.client:
            raise ClientError(f"the daemon failed to start{self.tail()}")

    def tail(self, n: int = 12) -> str:
        lines = self.lines[-n:]
        return ("; its last output:\n    " + "\n    ".join(lines)) if lines else ""

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> int:
        """SIGINT (the daemon disconnects its ports and closes a recording), then wait."""
        p = self.proc
        if p.poll() is None:
            p.send_signal(signal.SIGINT)
            try:
                p.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(5)
        return p.returncode


# --- OSC --------------------------------------------------------------------------------

def decode_osc(data: bytes) -> list[tuple[str, tuple]]:
    """An OSC packet -> [(address, args)], bundles flattened. Types i h f d s T F N; the
    daemon sends no others. (bridge/osc.py is the only pythonosc user; this reads replies.)"""
    if data.startswith(b"#bundle\0"):
        out, i = [], 16
        while i + 4 <= len(data):
            (size,) = struct.unpack_from(">i", data, i)
            out += decode_osc(data[i + 4:i + 4 + size])
            i += 4 + size
        return out
    address, i = _osc_string(data, 0)
    tags, i = _osc_string(data, i)
    args: list = []
    for t in tags[1:]:
        if t in "if":
            args.append(struct.unpack_from(">" + t, data, i)[0])
            i += 4
        elif t in "hd":
            args.append(struct.unpack_from(">" + ("q" if t == "h" else "d"), data, i)[0])
            i += 8
        elif t == "s":
            s, i = _osc_string(data, i)
            args.append(s)
        elif t in "TFN":
            args.append({"T": True, "F": False, "N": None}[t])
        else:
            raise ValueError(f"OSC type {t!r} not understood")
    return [(address, tuple(args))]


def _osc_string(data: bytes, i: int) -> tuple[str, int]:
    end = data.index(b"\0", i)
    return data[i:end].decode("utf-8", "replace"), (end + 4) & ~3


class OscLink:
    """The demo's side of the OSC conversation (UDP on 127.0.0.1): sends with
    bridge.osc.build_message, keeps every reply in `messages` as (address, args)."""

    def __init__(self, port: int):
        self.target = ("127.0.0.1", port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.messages: list[tuple[str, tuple]] = []
        self.arrivals: list[float] = []  # time.perf_counter() at which each message arrived
        self._cv = threading.Condition()
        self._token = 0
        self._running = True
        self._thread = threading.Thread(target=self._loop, name="lmdm-demo-osc", daemon=True)
        self._thread.start()

    def send(self, address: str, *args) -> None:
        from bridge.osc import build_message
        self.sock.sendto(build_message(address, args), self.target)

    def _loop(self) -> None:
        while self._running:
            try:
                data = self.sock.recv(65536)
            except (socket.timeout, OSError):
                continue
            try:
                msgs = decode_osc(data)
            except (ValueError, IndexError, struct.error):
                continue  # not ours to judge: the daemon's own tests check its packets
            now = time.perf_counter()
            with self._cv:
                self.messages += msgs
                self.arrivals += [now] * len(msgs)
                self._cv.notify_all()

    def mark(self) -> int:
        with self._cv:
            return len(self.messages)

    def since(self, mark: int, address: str | None = None) -> list[tuple[str, tuple]]:
        with self._cv:
            return [m for m in self.messages[mark:] if address is None or m[0] == address]

    def timed(self, address: str, mark: int = 0) -> list[tuple[float, tuple]]:
        """(arrival perf_counter, args) of the messages to `address` since `mark`."""
        with self._cv:
            return [(t, m[1]) for t, m in zip(self.arrivals[mark:], self.messages[mark:]) if m[0] == address]

    def wait_for(self, address: str, since: int = 0, where=None, timeout: float = 5.0) -> tuple:
        deadline = time.monotonic() + timeout
        with self._cv:
            while True:
                for a, args in self.messages[since:]:
                    if a == address and (where is None or where(args)):
                        return args
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ClientError(f"the daemon did not answer with {address} within {timeout:g} s")
                self._cv.wait(min(left, 0.2))

    def sync(self, timeout: float = 5.0) -> None:
        """Ping and wait for the pong: replies to anything sent before have arrived."""
        self._token += 1
        token = self._token
        mark = self.mark()
        self.send("/lmdm/ping", token)
        self.wait_for("/lmdm/pong", mark, lambda a: a == (token,), timeout)

    def control(self, address: str, *args) -> None:
        """Send a control; raise ClientError with the daemon's reason if it refused it."""
        mark = self.mark()
        self.send(address, *args)
        self.sync()
        refused = [a for addr, a in self.since(mark, "/lmdm/error") if a and a[0] == address]
        if refused:
            raise ClientError(f"the daemon refused {address}: {refused[0][1] if len(refused[0]) > 1 else '?'}")

    def get(self, name: str, timeout: float = 5.0):
        mark = self.mark()
        self.send("/lmdm/get", name)
        return self.wait_for("/lmdm/value", mark, lambda a: a and a[0] == name, timeout)[1]

    def close(self) -> None:
        self._running = False
        self._thread.join(1.0)
        self.sock.close()
