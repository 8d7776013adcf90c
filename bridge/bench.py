"""`lmdm bench bridge`: how the live path behaves under load.

For each period (default 256 and 1024 frames at 48 kHz) it starts its own dummy JACK
server (`jackd --no-realtime -d dummy`), `lmdm serve` as a subprocess on it with the
configured model generating, and a probe client (bridge/jack_io.ProbeClient) that plays
a sine into in_1 and watches the stems. Over `--seconds` of generation it measures:
- the daemon's process-callback cost (p50/p99 us, timed inside the callback; the daemon
  writes them at exit via its hidden --stats-json flag), underruns and xruns; and, as a
  reference, the xruns of a do-nothing JACK client alone on the same server for as long
  (what the machine's load costs a non-realtime server before the daemon adds anything);
- OSC round trip (/lmdm/ping -> /lmdm/pong), spread over the run;
- control-to-audio latency: /lmdm/stem/bass/mute 0 sent while the bass is muted and
  sounding behind the mute, to the first period the probe sees sound on the bass port.
  Whether a note sounds behind the mute at that moment comes from the daemon's own
  /lmdm/note messages (the bench subscribes): a trial whose unmute falls in a rest, or
  whose note ends within CONTROL_MARGIN_S, would time the music, not the control, and is
  counted apart (`control_latency_rests`).
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import numpy as np

from bridge.daemon_client import OscLink
from bridge.osc import build_message
from model.api import STEMS

RATE = 48000


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--seconds", type=float, default=60.0, help="generation time per period (default 60)")
    p.add_argument("--periods", default="256,1024", help="JACK periods to test (default 256,1024)")
    p.add_argument("--model", default="default", help="model to generate with (default: default)")
    p.add_argument("--trials", type=int, default=20, help="control-to-audio latency trials (default 20)")
    p.add_argument("--no-reference", dest="reference", action="store_false",
                   help="skip the reference run (a do-nothing JACK client alone on the same server, "
                        "for the xruns the machine itself causes)")
    p.add_argument("--realtime", action="store_true",
                   help="run jackd with -R (SCHED_FIFO; needs the rights); default --no-realtime, as the tests")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pct(values, q) -> float | None:
    return float(np.percentile(values, q)) if len(values) else None


class _Osc:
    """Minimal OSC over UDP without pythonosc (bridge/osc.py builds the messages)."""

    def __init__(self, port: int):
        self.target = ("127.0.0.1", port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(1.0)

    def send(self, address: str, *args) -> None:
        self.sock.sendto(build_message(address, args), self.target)

    def ping(self, token: int) -> float | None:
        """Round trip in ms, or None if no pong within a second."""
        t0 = time.perf_counter()
        self.send("/lmdm/ping", token)
        want = b"/lmdm/pong\0\0,i\0\0" + struct.pack(">i", token)
        deadline = t0 + 1.0
        while time.perf_counter() < deadline:
            try:
                data, _ = self.sock.recvfrom(65536)
            except socket.timeout:
                return None
            if data == want:
                return (time.perf_counter() - t0) * 1000.0
        return None

    def close(self) -> None:
        self.sock.close()


def run_one(period: int, seconds: float, model: str, trials: int, log, realtime: bool = False,
            reference: bool = True) -> dict:
    from bridge.jack_io import ProbeClient, wait_for_server
    server = f"lmdmbench-{uuid.uuid4().hex[:8]}"
    jackd = subprocess.Popen(["jackd", "-n", server, "-R" if realtime else "--no-realtime", "-d", "dummy",
                              "-r", str(RATE), "-p", str(period)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
    tmp = Path(tempfile.mkdtemp(prefix="lmdm-bench-"))
    daemon = probe = osc = notes = None
    try:
        if not wait_for_server(server, 10.0):
            raise RuntimeError(f"jackd -d dummy -p {period} did not start")
        ref_xruns = None
        if reference:
            log(f"period {period}: reference client alone for {seconds:g} s")
            ref = ProbeClient(server, None, (), seconds + 5, name="lmdm-reference")
            time.sleep(seconds)
            ref_xruns = ref.xruns
            ref.close()
        port = _free_port()
        stats_path = tmp / "stats.json"
        env = dict(os.environ, PYTHONUNBUFFERED="1", JACK_NO_START_SERVER="1")
        cmd = [sys.executable, "-m", "bridge.cli", "serve", "--jack-server", server, "--osc-port", str(port),
               "--client-name", "lmdmbench", "--model", model, "--stats-json", str(stats_path)]
        daemon = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        lines: list[str] = []
        ready = threading.Event()
        loaded = {"model": model}

        def pump():
            for line in iter(daemon.stdout.readline, ""):
                lines.append(line.rstrip())
                if line.startswith("lmdm: ready"):
                    loaded["model"] = line.split("model ", 1)[1].split(",", 1)[0]
                    ready.set()
            ready.set()

        threading.Thread(target=pump, daemon=True).start()
        if not ready.wait(120) or daemon.poll() is not None:
            raise RuntimeError("lmdm serve did not start:\n" + "\n".join(lines[-20:]))
        probe = ProbeClient(server, "lmdmbench", STEMS, seconds + 30 + trials * 4.0)
        osc = _Osc(port)
        notes = OscLink(port)  # its own socket: /lmdm/note messages for the latency trials
        notes.send("/lmdm/subscribe")
        osc.send("/lmdm/play")
        log(f"period {period}: generating for {seconds:g} s")
        rtts = []
        t_end = time.monotonic() + seconds
        token = 0
        while time.monotonic() < t_end:  # pings spread over the run, every ~50 ms
            token += 1
            rtt = osc.ping(token)
            if rtt is not None:
                rtts.append(rtt)
            time.sleep(0.05)
        stem, (latencies, rests) = "bass", _control_latency(osc, probe, trials, "bass", notes)
        if not latencies:  # the model left the bass silent: time another stem that sounds
            loudest = STEMS[int(np.argmax(probe.peaks[:probe.count].max(axis=0)))]
            stem, (latencies, rests) = loudest, _control_latency(osc, probe, trials, loudest, notes)
        osc.send("/lmdm/stop")
        time.sleep(0.2)
        daemon.send_signal(signal.SIGINT)
        daemon.wait(30)
        stats = json.loads(stats_path.read_text())
        budget_us = period / RATE * 1e6
        return {
            "period": period, "sample_rate": RATE, "seconds": seconds, "realtime": realtime,
            "model": loaded["model"],
            "callback_us_p50": round(stats["callback_us_p50"], 1),
            "callback_us_p99": round(stats["callback_us_p99"], 1),
            "callback_us_max": round(stats["callback_us_max"], 1),
            "callback_p99_pct_of_period": round(100.0 * stats["callback_us_p99"] / budget_us, 2),
            "underruns": stats["underruns"], "xruns": stats["xruns"],
            "reference_client_xruns": ref_xruns,
            "periods": stats["cycles"], "generation_errors": stats["generation_errors"],
            "osc_rtt_ms_p50": _round(_pct(rtts, 50), 3), "osc_rtt_ms_p99": _round(_pct(rtts, 99), 3),
            "osc_pings": len(rtts), "osc_pings_lost": token - len(rtts),
            "control_latency_ms_p50": _round(_pct(latencies, 50), 1),
            "control_latency_ms_max": _round(max(latencies) if latencies else None, 1),
            "control_latency_ms_p90": _round(_pct(latencies, 90), 1),
            "control_latency_trials": len(latencies), "control_latency_stem": stem,
            "control_latency_rests": rests,
        }
    finally:
        if notes is not None:
            notes.close()
        if osc is not None:
            osc.close()
        if probe is not None:
            probe.close()
        if daemon is not None and daemon.poll() is None:
            daemon.kill()
            daemon.wait(5)
        if jackd.poll() is None:
            os.killpg(jackd.pid, signal.SIGTERM)
            try:
                jackd.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(jackd.pid, signal.SIGKILL)
        for f in tmp.iterdir():
            f.unlink()
        tmp.rmdir()


CONTROL_MARGIN_S = 0.1  # a note must sound this long after the unmute for a clean trial


def _sounding(notes, stem: str, t: float, margin: float) -> bool:
    """notes: OscLink of a subscriber. Did a `stem` note (by its /lmdm/note, sent as it
    starts) sound from t to t + margin?  Note messages leave up to one period early."""
    for arrived, args in notes.timed("/lmdm/note"):
        if len(args) >= 4 and args[0] == stem and arrived <= t and arrived + args[3] / 1000.0 >= t + margin:
            return True
    return False


def _round(x, n):
    return None if x is None else round(x, n)


def _control_latency(osc: _Osc, probe, trials: int, stem: str, notes=None) -> tuple[list[float], int]:
    """Unmute `stem` at a moment it plays behind the mute; time to sound on its port.
    -> (latencies in ms, rests: trials skipped because no note of the stem sounded behind
    the mute at the unmute, by the daemon's /lmdm/note messages in `notes`)."""
    j = STEMS.index(stem)
    lat = []
    misses = rests = 0
    for _ in range(trials * 3):
        if misses >= 5 and not lat:
            break  # this stem does not sound (often enough) to time it
        if len(lat) >= trials:
            break
        # sounding before the mute: the last 100 ms of the stem all non-silent
        n_recent = max(1, int(0.1 * probe.rate / probe.period))
        deadline = time.monotonic() + 3.0
        while time.monotonic() < deadline:
            c = probe.count
            if c > n_recent and (probe.peaks[c - n_recent:c, j] > 1e-4).all():
                break
            time.sleep(0.01)
        else:
            misses += 1
            continue
        osc.send(f"/lmdm/stem/{stem}/mute", 1)
        time.sleep(0.15)
        c0 = probe.count
        if (probe.peaks[c0 - 2:c0, j] > 0).any():
            continue  # the mute did not silence it: not a clean trial
        t0 = time.perf_counter()
        osc.send(f"/lmdm/stem/{stem}/mute", 0)
        clean = notes is None or _sounding(notes, stem, t0, CONTROL_MARGIN_S)
        heard = None
        while time.perf_counter() - t0 < 0.5:
            c = probe.count
            hits = np.nonzero(probe.peaks[c0:c, j] > 0)[0]
            if hits.size:
                heard = probe.times[c0 + hits[0]]
                break
            time.sleep(0.001)
        if not clean:
            rests += 1  # a rest behind the mute: the wait would be the music's
        elif heard is not None and heard >= t0:
            lat.append((heard - t0) * 1000.0)
        else:
            misses += 1  # no sound within 0.5 s although a note was due: not a latency
        time.sleep(0.1)
    return lat, rests


def main(args: argparse.Namespace) -> int:
    periods = [int(p) for p in str(args.periods).split(",") if p.strip()]
    log = (lambda msg: print(f"lmdm bench: {msg}", file=sys.stderr)) if args.json else \
        (lambda msg: print(f"lmdm bench: {msg}"))
    runs = [run_one(p, args.seconds, args.model, args.trials, log, args.realtime, args.reference)
            for p in periods]
    result = {"bench": "bridge", "model": args.model, "cpu_count": os.cpu_count(), "runs": runs}
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    for r in runs:
        print(f"period {r['period']:5d}: callback p50 {r['callback_us_p50']} us, p99 {r['callback_us_p99']} us "
              f"({r['callback_p99_pct_of_period']}% of the period); underruns {r['underruns']}, xruns {r['xruns']}; "
              f"OSC rtt p50 {r['osc_rtt_ms_p50']} ms, p99 {r['osc_rtt_ms_p99']} ms; "
              f"control-to-audio ({r['control_latency_stem']}) p50 {r['control_latency_ms_p50']} ms, "
              f"max {r['control_latency_ms_max']} ms")
    return 0
