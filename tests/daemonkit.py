"""Test helpers shared by the bridge, patch and model suites: `lmdm serve` as a
subprocess on the test's private JACK server (start_daemon), an OSC test client (plain UDP
socket + python-osc parsing) and a JACK probe client that plays a sine into the daemon and
records its output ports. Fixtures wrapping them live in tests/bridge/conftest.py."""
from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml
from pythonosc import osc_bundle, osc_message
from pythonosc.osc_message_builder import OscMessageBuilder

from model.api import STEMS

REPO = Path(__file__).resolve().parents[1]

def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Short blocks keep tests to seconds: 240 bpm, 2 beats = 0.5 s per block. The baseline
# generator: deterministic, every stem busy, no torch to import.
FAST = {"engine": {"bpm": 240.0, "block_beats": 2.0, "beats_per_bar": 2}, "generation": {"model": "baseline"}}


# --- OSC test client ------------------------------------------------------------------

@dataclass
class Msg:
    address: str
    args: tuple
    timetag: float | None  # bundle timetag (seconds since the epoch), None for a bare message
    arrived: float  # time.time() on arrival


class OscClient:
    """Sends from the socket it listens on, so the daemon's replies come back here."""

    def __init__(self, port: int, host: str = "127.0.0.1"):
        self.target = (host, port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.messages: list[Msg] = []
        self._cv = threading.Condition()
        self._running = True
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def send(self, address: str, *args) -> None:
        b = OscMessageBuilder(address=address)
        for a in args:
            b.add_arg(a)
        self.sock.sendto(b.build().dgram, self.target)

    def send_raw(self, data: bytes) -> None:
        self.sock.sendto(data, self.target)

    def _loop(self) -> None:
        while self._running:
            try:
                data, _ = self.sock.recvfrom(65536)
            except (socket.timeout, OSError):
                continue
            now = time.time()
            try:
                msgs = self._parse(data, None, now)
            except Exception:
                continue
            with self._cv:
                self.messages += msgs
                self._cv.notify_all()

    def _parse(self, data: bytes, timetag, now) -> list[Msg]:
        if data.startswith(b"#bundle"):
            b = osc_bundle.OscBundle(data)
            out = []
            for content in b:
                if isinstance(content, osc_bundle.OscBundle):
                    out += self._parse(content.dgram, content.timestamp, now)
                else:
                    out.append(Msg(content.address, tuple(content.params), b.timestamp, now))
            return out
        m = osc_message.OscMessage(data)
        return [Msg(m.address, tuple(m.params), timetag, now)]

    def wait_for(self, address: str, timeout: float = 5.0, where=None, since: int = 0) -> Msg:
        """The first message at `address` (after index `since`) satisfying `where`."""
        deadline = time.monotonic() + timeout
        with self._cv:
            while True:
                for m in self.messages[since:]:
                    if m.address == address and (where is None or where(m)):
                        return m
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = sorted({m.address for m in self.messages[since:]})
                    raise AssertionError(f"no {address} within {timeout} s; saw {seen}")
                self._cv.wait(left)

    def all(self, address: str, since: int = 0) -> list[Msg]:
        with self._cv:
            return [m for m in self.messages[since:] if m.address == address]

    def mark(self) -> int:
        with self._cv:
            return len(self.messages)

    def ping(self, token: int = 1, timeout: float = 5.0) -> float:
        """Round trip in seconds."""
        since = self.mark()
        t0 = time.perf_counter()
        self.send("/lmdm/ping", token)
        self.wait_for("/lmdm/pong", timeout, where=lambda m: m.args == (token,), since=since)
        return time.perf_counter() - t0

    def subscribe(self) -> None:
        since = self.mark()
        self.send("/lmdm/subscribe")
        self.wait_for("/lmdm/subscribed", since=since)

    def close(self) -> None:
        self._running = False
        self._thread.join(1.0)
        self.sock.close()


# --- JACK probe -----------------------------------------------------------------------

class JackProbe:
    """A test JACK client: `out` plays a sine (or silence) into the daemon's in_1, one
    input port per stem (and mix_L) records the daemon's output peak per period, with the
    frame time of each period (so audio can be matched with events)."""

    def __init__(self, server: str, daemon_client: str, freq: float = 220.0, amp: float = 0.5,
                 watch=(*STEMS, "mix_L"), seconds: float = 120.0, input_port: str = "in_1"):
        import jack
        self.client = jack.Client("probe", servername=server, no_start_server=True)
        self.rate = self.client.samplerate
        self.period = self.client.blocksize
        self.freq, self.amp = freq, amp
        self.watch = tuple(watch)
        n = int(seconds * self.rate / self.period) + 1
        self.peaks = np.zeros((n, len(self.watch)), np.float32)  # (periods, ports)
        self.times = np.zeros(n, np.float64)  # time.time() at each period
        self.count = 0
        self.phase = 0
        self.playing = True
        self.out = self.client.outports.register("out")
        self.ins = [self.client.inports.register(w) for w in self.watch]
        self.client.set_process_callback(self._process)
        self.client.activate()
        self.client.connect(self.out, f"{daemon_client}:{input_port}")
        for w, p in zip(self.watch, self.ins):
            self.client.connect(f"{daemon_client}:{w}", p)

    def _process(self, n: int) -> None:
        t = (self.phase + np.arange(n)) / self.rate
        self.out.get_array()[:] = (self.amp * np.sin(2 * np.pi * self.freq * t)) if self.playing else 0.0
        self.phase += n
        i = self.count
        if i < len(self.times):
            for j, p in enumerate(self.ins):
                self.peaks[i, j] = np.abs(p.get_array()).max()
            self.times[i] = time.time()
            self.count = i + 1

    def peak(self, port: str, since: int = 0, until: int | None = None) -> float:
        j = self.watch.index(port)
        seg = self.peaks[since:(until if until is not None else self.count), j]
        return float(seg.max()) if seg.size else 0.0

    def close(self) -> None:
        try:
            self.client.deactivate()
            self.client.close()
        except Exception:
            pass


class MidiProbe:
    """Sends a held chord into the daemon's midi_in; records its midi_out (JACK ports
    `<daemon_client>:midi_in` / `:midi_out`, or the full port names given; daemon_client
    None: no connections, the daemon makes them). Setting `chord` later sends it then;
    send() sends any MIDI messages in the next cycle (`sent`: their frames)."""

    def __init__(self, server: str, daemon_client: str | None, chord=(), daemon_in: str | None = None,
                 daemon_out: str | None = None):
        import jack
        self.client = jack.Client("midiprobe", servername=server, no_start_server=True)
        self.out = self.client.midi_outports.register("out")
        self.inp = self.client.midi_inports.register("in")
        self.chord: list[int] = []  # sent in the next cycle once set (after the connections)
        self.events: list[tuple[int, bytes]] = []  # (frame, bytes) from the daemon
        self._outbox: list[bytes] = []  # send()'s, for the next cycle
        self.sent: list[tuple[int, bytes]] = []  # (frame, bytes) written to the daemon by send()
        self.lock = threading.Lock()
        self.xruns = 0  # as JACK tells this client (a late cycle of the shared host)
        self.client.set_process_callback(self._process)
        self.client.set_xrun_callback(self._xrun)
        self.client.activate()
        if daemon_client is not None:
            self.client.connect(self.out, daemon_in or f"{daemon_client}:midi_in")
            self.client.connect(daemon_out or f"{daemon_client}:midi_out", self.inp)
        self.chord = list(chord)  # not before: a cycle before the connection would lose it

    def _process(self, n: int) -> None:
        self.out.clear_buffer()
        chord, self.chord = [bytes((0x90, pitch, 90)) for pitch in self.chord], []
        frame = self.client.last_frame_time
        with self.lock:
            out, self._outbox = self._outbox[:n - len(chord)], self._outbox[n - len(chord):]
        for i, data in enumerate(chord + out):  # one frame apart, in order (JACK wants them so)
            self.out.write_midi_event(i, data)
            if i >= len(chord):
                self.sent.append((frame + i, data))
        got = [(frame + t, bytes(data)) for t, data in self.inp.incoming_midi_events()]
        if got:
            with self.lock:
                self.events += got

    def _xrun(self, delay_us: float) -> None:
        self.xruns += 1

    def send(self, *messages: bytes) -> None:
        with self.lock:
            self._outbox += [bytes(m) for m in messages]

    def close(self) -> None:
        self.client.deactivate()
        self.client.close()


def assert_on_the_grid(off, tol: float, period: int, what: str = "") -> None:
    """`off`: how far each note is from its grid point, in frames. Every note within `tol` of
    it but for whole JACK periods, and at most 1 in 20 off by any: a cycle this shared
    2-core host runs late moves what a client sees by a period (seen in CI runs, one note at
    a time, never the band off its beat), which a test of the band's phase must tell from a
    note off its beat."""
    off = [float(x) for x in off]
    rest = [abs((x + period / 2) % period - period / 2) for x in off]
    assert max(rest) <= tol, (what, "off the grid", sorted(rest)[-5:])
    moved = [x for x in off if abs(x) > tol]
    assert len(moved) <= len(off) // 20, (what, f"{len(moved)} of {len(off)} a period off", moved[:10])


# --- the daemon as a subprocess -------------------------------------------------------

@dataclass
class DaemonProc:
    proc: subprocess.Popen
    osc_port: int
    client_name: str
    jack_server: object
    lines: list[str] = field(default_factory=list)
    config_path: Path | None = None

    def stop(self, timeout: float = 10.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        return self.proc.returncode

    def output(self) -> str:
        return "\n".join(self.lines)


def _pump(stream, lines: list[str], ready: "queue.Queue[str]") -> None:
    for raw in iter(stream.readline, ""):
        line = raw.rstrip("\n")
        lines.append(line)
        if line.startswith("lmdm: ready") or line.startswith("lmdm: cannot start"):
            ready.put(line)
    ready.put("EOF")


def start_daemon(jack_server, tmp_path: Path, config: dict | None = None, extra: tuple = (),
                 timeout: float = 60.0, env: dict | None = None) -> DaemonProc:
    """`lmdm serve` on `jack_server` with an OSC port of its own; waits for its ready line.
    `env`: extra environment variables."""
    cfg = {"record": {"dir": str(tmp_path / "sessions")}}
    for section, values in (config or {}).items():
        cfg.setdefault(section, {}).update(values)
    cfg_path = tmp_path / "lmdm-test.yaml"
    cfg_path.write_text(yaml.safe_dump(cfg))
    port = free_udp_port()
    client_name = f"lmdm{port}"
    cmd = [sys.executable, "-m", "bridge.cli", "serve", "--config", str(cfg_path), "--osc-port", str(port),
           "--jack-server", jack_server.name, "--client-name", client_name, *extra]
    env = dict(os.environ, PYTHONUNBUFFERED="1", OMP_NUM_THREADS="1", **(env or {}))
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    d = DaemonProc(proc, port, client_name, jack_server, config_path=cfg_path)
    ready: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_pump, args=(proc.stdout, d.lines, ready), daemon=True).start()
    try:
        line = ready.get(timeout=timeout)
    except queue.Empty:
        d.stop()
        raise RuntimeError(f"lmdm serve did not get ready in {timeout} s:\n{d.output()}") from None
    if not line.startswith("lmdm: ready"):
        d.stop()
        raise RuntimeError(f"lmdm serve failed to start:\n{d.output()}")
    return d


def start_refused(jack_server, tmp_path: Path, config: dict, timeout: float = 30.0) -> str:
    """What `lmdm serve` said when it refused to start with `config` (AssertionError if it
    started)."""
    try:
        d = start_daemon(jack_server, tmp_path, config, timeout=timeout)
    except RuntimeError as exc:
        return str(exc)
    d.stop()
    raise AssertionError(f"the daemon started with {config}")


def check_config(config_path: Path) -> tuple[int, list[dict]]:
    """`lmdm check --config F --json`: its exit status and checks."""
    import json
    r = subprocess.run([sys.executable, "-m", "bridge.cli", "check", "--config", str(config_path), "--json"],
                       capture_output=True, text=True, timeout=120, cwd=REPO)
    return r.returncode, json.loads(r.stdout)["checks"]
