"""Helpers for the patch tests (imported by conftest.py and the tests as `patchkit`).

- Pd: a real headless `pd` (optionally a JACK client); every line it prints is kept and can
  be waited for; a small remote patch opened alongside takes FUDI over UDP, so a test can
  send any Pd message to any [r name] while Pd runs, and end Pd cleanly.
- Harness: Pd running a patch around the bundled [lmdm] abstraction whose four outlets
  are printed (lmdm-status: ..., lmdm-note: ..., lmdm-error: ..., lmdm-other: ...).
- OscPeer: a UDP socket that decodes OSC, standing in for the daemon or listening to it.
- Readers for .pd and .maxpat files (the patches' message interface, messages into [lmdm]).

Nothing is mocked: the packets a test sees are the ones Pd put on the loopback interface.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
from daemonkit import free_udp_port
from pythonosc.osc_bundle import OscBundle
from pythonosc.osc_message import OscMessage
from pythonosc.osc_message_builder import OscMessageBuilder

ROOT = Path(__file__).resolve().parents[2]
PD_DIR = ROOT / "patches" / "pd"
MAX_DIR = ROOT / "patches" / "max"


def harness_patch(daemon_port: int, reply_port: int = 0, audio: bool = False) -> str:
    """A patch with [lmdm 127.0.0.1 daemon_port reply_port] fed by [r harness-in] that
    prints [lmdm]'s four outlets as lmdm-status: / lmdm-note: / lmdm-error: / lmdm-other:.

    With audio, it also plays a 220 Hz tone at 0.3 into output 1 (Pd's JACK output_1) and
    prints the RMS of inputs 1 and 2 (input_1/2) about every 85 ms as `pd-in1: <dB>` /
    `pd-in2: <dB>` ([env~] scale: 100 is an RMS of 1, 0 is silence).
    """
    args = f"127.0.0.1 {daemon_port}" + (f" {reply_port}" if reply_port else "")
    objects = [
        "obj 20 20 r harness-in",                 # 0
        f"obj 20 60 lmdm {args}",                 # 1
        "obj 20 120 print lmdm-status",           # 2
        "obj 160 140 print lmdm-note",            # 3
        "obj 300 160 print lmdm-error",           # 4
        "obj 440 180 print lmdm-other",           # 5
    ]
    conns = [(0, 0, 1, 0), (1, 0, 2, 0), (1, 1, 3, 0), (1, 2, 4, 0), (1, 3, 5, 0)]
    if audio:
        objects += [
            "obj 20 260 osc~ 220",                # 6
            "obj 20 290 *~ 0.3",                  # 7
            "obj 20 320 dac~ 1",                  # 8
            "obj 200 260 adc~ 1 2",               # 9
            "obj 200 320 env~ 4096 4096",         # 10
            "obj 200 350 print pd-in1",           # 11
            "obj 320 320 env~ 4096 4096",         # 12
            "obj 320 350 print pd-in2",           # 13
            "obj 600 20 loadbang",                # 14
            "msg 600 50 \\; pd dsp 1",            # 15
        ]
        conns += [(6, 0, 7, 0), (7, 0, 8, 0), (9, 0, 10, 0), (10, 0, 11, 0),
                  (9, 1, 12, 0), (12, 0, 13, 0), (14, 0, 15, 0)]
    lines = ["#N canvas 0 50 900 500 12;"] + [f"#X {o};" for o in objects]
    lines += [f"#X connect {a} {o} {b} {i};" for a, o, b, i in conns]
    return "\n".join(lines) + "\n"


def remote_patch(port: int) -> str:
    """The test's hand inside Pd: FUDI over UDP. `to <receiver> <message...>` sends the
    message to [r receiver]; `quit` ends Pd cleanly (a killed JACK client makes jackd
    linger on its way out). Prints `pd-remote: ready` once listening."""
    objects = [
        f"obj 20 20 netreceive -u {port}",        # 0
        "obj 20 50 route quit to",                # 1
        "msg 20 80 \\; pd quit",                  # 2
        "obj 120 80 list split 1",                # 3  rest first (middle outlet), then the name
        "obj 120 110 t b s",                      # 4
        "obj 220 140 list",                       # 5
        "obj 220 170 list trim",                  # 6
        "obj 220 200 send",                       # 7  right inlet: the receiver's name
        "obj 400 20 loadbang",                    # 8
        "msg 400 50 ready",                       # 9
        "obj 400 80 print pd-remote",             # 10
    ]
    conns = [(0, 0, 1, 0), (1, 0, 2, 0), (1, 1, 3, 0), (3, 1, 5, 1), (3, 0, 4, 0),
             (4, 1, 7, 1), (4, 0, 5, 0), (5, 0, 6, 0), (6, 0, 7, 0), (8, 0, 9, 0), (9, 0, 10, 0)]
    lines = ["#N canvas 0 50 600 300 12;"] + [f"#X {o};" for o in objects]
    lines += [f"#X connect {a} {o} {b} {i};" for a, o, b, i in conns]
    return "\n".join(lines) + "\n"


class Pd:
    """A headless `pd` process; every stderr line is kept and can be waited for."""

    def __init__(self, patch: Path, jack: str | None = None, jack_name: str = "pdtest",
                 extra_args: list[str] | None = None, channels: int | None = 2):
        if shutil.which("pd") is None:
            pytest.fail("pd is not installed: run `make test`, which installs puredata-core")
        cmd = ["pd", "-nogui", "-noprefs", "-nomidi", "-stderr", "-path", str(PD_DIR)]
        env = dict(os.environ)
        if jack:
            env["JACK_DEFAULT_SERVER"] = jack
            env["JACK_NO_START_SERVER"] = "1"
            cmd += ["-jack", "-jackname", jack_name, "-nojackconnect"]
            if channels:
                cmd += ["-inchannels", str(channels), "-outchannels", str(channels)]
        else:
            cmd += ["-nosound"]
        self._dir = tempfile.TemporaryDirectory(prefix="lmdm-pd-")
        self.remote_port = free_udp_port()
        remote = Path(self._dir.name) / "remote.pd"
        remote.write_text(remote_patch(self.remote_port))
        cmd += ["-open", str(remote)] + (extra_args or []) + ["-open", str(patch)]
        self._ctrl = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.lines: list[str] = []
        self._new = threading.Condition()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, env=env, start_new_session=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for raw in self.proc.stderr:
            line = raw.decode(errors="replace").rstrip("\n")
            with self._new:
                self.lines.append(line)
                self._new.notify_all()

    def wait_for(self, pattern: str, timeout: float = 10.0, start: int = 0) -> re.Match:
        """The first stderr line at index >= start matching the regex, waiting for it."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        i = start
        with self._new:
            while True:
                while i < len(self.lines):
                    m = rx.search(self.lines[i])
                    if m:
                        return m
                    i += 1
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None and i >= len(self.lines):
                    raise AssertionError(f"Pd never printed /{pattern}/; it printed:\n"
                                         + "\n".join(self.lines[-40:]))
                self._new.wait(min(left, 0.2))

    def matching(self, pattern: str) -> list[re.Match]:
        rx = re.compile(pattern)
        with self._new:
            return [m for line in self.lines if (m := rx.search(line))]

    def errors(self) -> list[str]:
        """Lines where Pd reports a broken patch (missing object, bad connection, ...).
        The harness's own prints (lmdm-error: ... from the daemon) are not Pd's errors."""
        bad = re.compile(r"^error:|couldn't create|connection failed|no method for|bad arguments|"
                         r"argument number out of range|inlet: expected|stack overflow")
        with self._new:
            return [line for line in self.lines
                    if bad.search(line) and not line.startswith(("lmdm-", "pd-in"))]

    def ready(self, timeout: float = 10.0) -> "Pd":
        self.wait_for(r"^pd-remote: ready", timeout)
        return self

    def send(self, receiver: str, message: str) -> None:
        """One Pd message to [r receiver], e.g. send("lmdm-demo", "bpm 96")."""
        self._ctrl.sendto(f"to {receiver} {message.rstrip(';')};\n".encode(),
                          ("127.0.0.1", self.remote_port))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self._ctrl.sendto(b"quit;\n", ("127.0.0.1", self.remote_port))
            try:
                self.proc.wait(3)
            except subprocess.TimeoutExpired:
                pass
        self._ctrl.close()
        self._dir.cleanup()
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)


class OscPeer:
    """A UDP socket that decodes every OSC packet it receives (bundles are flattened)."""

    def __init__(self, port: int = 0):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", port))
        self.port = self.sock.getsockname()[1]
        self.sock.settimeout(0.02)

    def receive(self, timeout: float) -> list[tuple[str, list, str, tuple]]:
        """(address, args, type tags, sender) of the packets arriving within timeout."""
        out = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                data, sender = self.sock.recvfrom(65536)
            except socket.timeout:
                continue
            out += [(m.address, list(m.params), _tags(m), sender) for m in decode(data)]
        return out

    def wait_for(self, address: str, timeout: float = 5.0) -> tuple[str, list, str, tuple]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for msg in self.receive(0.1):
                if msg[0] == address:
                    return msg
        raise AssertionError(f"no {address} arrived within {timeout} s")

    def send(self, target: tuple[str, int], address: str, *args) -> None:
        b = OscMessageBuilder(address)
        for a in args:
            b.add_arg(a)
        self.sock.sendto(b.build().dgram, target)

    def close(self) -> None:
        self.sock.close()


def _tags(m: OscMessage) -> str:
    # the raw type tag string after the comma, e.g. "sif"
    dgram = m.dgram
    start = dgram.index(b",")
    end = dgram.index(b"\0", start)
    return dgram[start + 1:end].decode()


def decode(data: bytes) -> list[OscMessage]:
    if OscBundle.dgram_is_bundle(data):
        out = []
        for item in OscBundle(data):
            out += decode(item.dgram) if isinstance(item, OscBundle) else [item]
        return out
    return [OscMessage(data)]


class Harness:
    """Real Pd running [lmdm] against `daemon_port`; `send` types a message into [lmdm]."""

    def __init__(self, tmp_path: Path, daemon_port: int, reply_port: int = 0,
                 jack: str | None = None, jack_name: str = "pdtest"):
        patch = tmp_path / "harness.pd"
        patch.write_text(harness_patch(daemon_port, reply_port, audio=bool(jack)))
        self.pd = Pd(patch, jack=jack, jack_name=jack_name).ready()

    def send(self, message: str) -> None:
        """One Pd message into [lmdm]'s inlet, e.g. "bpm 96"."""
        self.pd.send("harness-in", message)

    def stop(self) -> None:
        self.pd.stop()


# --- reading patch files ----------------------------------------------------------------

def pd_unescape(text: str) -> str:
    return text.replace(" \\,", ",").replace(" \\;", ";").replace("\\$", "$").replace("\\", "")


def parse_pd(path: Path) -> list[dict]:
    """Canvases of a .pd file, top level first: {"name", "boxes": [(kind, text)], "conns"}.
    kind is obj/msg/text/floatatom/symbolatom; a subpatch appears in its parent as an obj
    "pd <name>" and as a canvas of its own."""
    text = path.read_text()
    records = re.split(r"(?<!\\);\n", text)
    stack: list[dict] = []
    canvases: list[dict] = []
    for rec in records:
        rec = rec.strip()
        if not rec:
            continue
        head = rec.split(" ", 2)
        if rec.startswith("#N canvas"):
            parts = rec.split()
            c = {"name": parts[6] if stack else "(top)", "boxes": [], "conns": []}
            stack.append(c)
            canvases.append(c)
        elif rec.startswith("#X restore"):
            stack.pop()
            stack[-1]["boxes"].append(("obj", " ".join(rec.split()[4:])))
        elif rec.startswith("#X connect"):
            a, o, b, i = (int(v) for v in rec.split()[2:6])
            stack[-1]["conns"].append((a, o, b, i))
        elif rec.startswith("#X coords"):
            continue
        elif head[0] == "#X" and head[1] in ("obj", "msg", "text", "floatatom", "symbolatom"):
            body = re.sub(r"^#X \w+ -?\d+ -?\d+ ?", "", rec)
            body = re.sub(r", f \d+$", "", body)
            stack[-1]["boxes"].append((head[1], pd_unescape(body)))
    return canvases


def messages_into(canvas: dict, target) -> list[str]:
    """Texts of the message boxes that reach the box matching target(kind, text), directly
    or through a [s name] whose [r name] feeds it."""
    boxes, conns = canvas["boxes"], canvas["conns"]
    goal = {i for i, b in enumerate(boxes) if target(*b)}
    names = set()
    for a, _, b, _ in conns:
        if b in goal and boxes[a][0] == "obj" and boxes[a][1].split()[0] in ("r", "receive"):
            names.add(boxes[a][1].split()[1])
    sends = {i for i, (k, t) in enumerate(boxes)
             if k == "obj" and t.split()[0] in ("s", "send") and t.split()[1:2] and t.split()[1] in names}
    hits = goal | sends
    return [boxes[a][1] for a, _, b, _ in conns if b in hits and boxes[a][0] == "msg"]


# [route]s inside the abstractions that are not part of the message interface: they test
# for a bang, a type, the stem "all", record's stop, or route the daemon's replies.
INTERNAL_ROUTES = ("bang", "float", "all", "stop", "lmdm", "status", "text")


def interface_selectors(route_texts: list[str]) -> set[str]:
    """The messages an abstraction accepts, read from its [route] objects."""
    out = set()
    for text in route_texts:
        args = text.split()[1:]
        if args and args[0] not in INTERNAL_ROUTES and not args[0].startswith("/"):
            out |= set(args)
    return out


def pd_routes(canvases: list[dict]) -> list[str]:
    return [t for c in canvases for k, t in c["boxes"] if k == "obj" and t.split()[:1] == ["route"]]


def load_maxpat(path: Path) -> dict:
    import json
    return json.loads(path.read_text())["patcher"]


def max_boxes(patcher: dict) -> dict[str, dict]:
    return {b["box"]["id"]: b["box"] for b in patcher["boxes"]}


def max_routes(patcher: dict) -> list[str]:
    return [b["text"] for b in max_boxes(patcher).values()
            if b["maxclass"] == "newobj" and b["text"].split()[:1] == ["route"]]
