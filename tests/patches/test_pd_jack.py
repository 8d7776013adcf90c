"""Pd as a JACK client (`pd -jack`) on a private dummy JACK server: its output reaches
another client's input and that client's output comes back into Pd's [adc~]."""
from __future__ import annotations

import os
import re
import subprocess
import time

import numpy as np
import pytest

import patchkit

PD_NAME = "pdtest"


class JackPeer:
    """A JACK client that records Pd's output_1 and plays a 440 Hz sine into Pd's input_1."""

    def __init__(self, server: str, freq: float = 440.0, amp: float = 0.5, seconds: float = 2.0):
        import jack
        self.client = jack.Client("peer", servername=server, no_start_server=True)
        self.rate = self.client.samplerate
        self.buf = np.zeros(int(seconds * self.rate), np.float32)
        self.filled = 0
        self.phase = 0
        self.freq, self.amp = freq, amp
        self.inp = self.client.inports.register("in")
        self.out = self.client.outports.register("out")
        self.client.set_process_callback(self._process)
        self.client.activate()

    def _process(self, n: int) -> None:
        t = (self.phase + np.arange(n)) / self.rate
        self.out.get_array()[:] = self.amp * np.sin(2 * np.pi * self.freq * t)
        self.phase += n
        k = min(n, len(self.buf) - self.filled)
        if k > 0:
            self.buf[self.filled:self.filled + k] = self.inp.get_array()[:k]
            self.filled += k

    def close(self) -> None:
        self.client.deactivate()
        self.client.close()


def wait_for_ports(server: str, names: list[str], timeout: float = 10.0) -> None:
    import jack
    probe = jack.Client("portprobe", servername=server, no_start_server=True)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            have = {p.name for p in probe.get_ports()}
            if all(n in have for n in names):
                return
            time.sleep(0.1)
        raise AssertionError(f"JACK ports {names} never appeared; have {sorted(have)}")
    finally:
        probe.close()


def dominant_hz(x: np.ndarray, rate: int) -> float:
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.argmax(spec) * rate / len(x))


@pytest.mark.slow
def test_pd_audio_goes_out_and_comes_back_over_jack(jack_server, pd_harness, osc_peer):
    h = pd_harness(osc_peer.port, jack=jack_server.name, jack_name=PD_NAME)
    wait_for_ports(jack_server.name, [f"{PD_NAME}:output_1", f"{PD_NAME}:input_1"])
    peer = JackPeer(jack_server.name)
    try:
        peer.client.connect(f"{PD_NAME}:output_1", "peer:in")
        peer.client.connect("peer:out", f"{PD_NAME}:input_1")
        mark = len(h.pd.lines)
        deadline = time.monotonic() + 10
        while peer.filled < len(peer.buf) and time.monotonic() < deadline:
            time.sleep(0.1)
        # Pd's tone (a 220 Hz sine at 0.3) arrived in the peer: last second, after start-up
        x = peer.buf[-peer.rate:]
        assert abs(dominant_hz(x, peer.rate) - 220.0) < 3.0
        assert np.sqrt(np.mean(x ** 2)) == pytest.approx(0.3 / np.sqrt(2), rel=0.1)
        # the peer's sine (0.5 -> 91 dB in Pd's [env~] scale, 100 = RMS 1) reached [adc~ 1]
        levels = [float(m.group(1)) for m in
                  (re.search(r"^pd-in1: ([\d.]+)", line) for line in h.pd.lines[mark:]) if m]
        assert levels and max(levels) == pytest.approx(100 + 20 * np.log10(0.5 / np.sqrt(2)), abs=1.0)
        assert not h.pd.errors(), h.pd.errors()
    finally:
        peer.close()


PROBE = """#N canvas 0 50 400 300 12;
#X obj 20 20 r lmdm-demo-level-bass;
#X obj 20 50 print level-bass;
#X obj 200 20 r lmdm-demo-level-drums;
#X obj 200 50 print level-drums;
#X obj 20 100 r lmdm-demo-level-keys;
#X obj 20 130 print level-keys;
#X obj 200 100 r lmdm-demo-level-lead;
#X obj 200 130 print level-lead;
#X connect 0 0 1 0;
#X connect 2 0 3 0;
#X connect 4 0 5 0;
#X connect 6 0 7 0;
"""


@pytest.mark.slow
def test_demo_feeds_the_daemon_and_hears_the_stems(jack_server, daemon, tmp_path):
    """lmdm-demo.pd as a JACK client, wired by connect-jack.sh: its test riff goes out of
    Pd's output_3/4 into the daemon's in_1/in_2, the daemon's stems come back into Pd's
    input_5..8, and the demo's own level meters (printed by a probe patch) see them."""
    probe = tmp_path / "probe.pd"
    probe.write_text(PROBE)
    sends = [f"lmdm-demo connect 127.0.0.1 {daemon.osc_port}", "lmdm-demo-riff 1",
             "lmdm-demo-volume 0.5", "lmdm-demo play"]
    args = ["-inchannels", "8", "-outchannels", "4", "-open", str(probe)]
    for s in sends:
        args += ["-send", s]
    pd = patchkit.Pd(patchkit.PD_DIR / "lmdm-demo.pd", jack=jack_server.name, jack_name=PD_NAME,
                     extra_args=args, channels=None)
    try:
        c = daemon.client_name
        wait_for_ports(jack_server.name, [f"{PD_NAME}:output_4", f"{PD_NAME}:input_8", f"{c}:drums"])
        script = patchkit.PD_DIR / "connect-jack.sh"
        env = dict(os.environ, JACK_DEFAULT_SERVER=jack_server.name, JACK_NO_START_SERVER="1")
        done = subprocess.run(["sh", str(script), PD_NAME, c], env=env, capture_output=True,
                              text=True, timeout=30)
        assert done.returncode == 0, done.stderr
        assert done.stdout.count("connected") == 6, done.stdout
        import jack
        look = jack.Client("look", servername=jack_server.name, no_start_server=True)
        try:
            into = {p.name for p in look.get_all_connections(f"{c}:in_1")}
            assert f"{PD_NAME}:output_3" in into
        finally:
            look.close()
        # what Pd sends the daemon: the riff, listened to alongside (a second reader)
        tap = JackPeer(jack_server.name, amp=0.0, seconds=1.5)
        tap.client.connect(f"{PD_NAME}:output_3", "peer:in")
        # the demo's Pd-side meters print dB - 100 ([vu] scale): -100 is silence
        deadline = time.monotonic() + 25
        heard: dict[str, float] = {}
        while time.monotonic() < deadline and len(heard) < 2:
            for m in pd.matching(r"^level-(\w+): (-?[\d.]+)"):
                if float(m.group(2)) > -60:
                    heard[m.group(1)] = max(heard.get(m.group(1), -100.0), float(m.group(2)))
            time.sleep(0.3)
        assert heard, "no stem reached Pd: " + "\n".join(pd.lines[-20:])
        riff = tap.buf[:tap.filled]
        tap.close()
        assert np.sqrt(np.mean(riff ** 2)) > 0.01, "Pd sent silence to the daemon"
        assert not pd.errors(), pd.errors()
    finally:
        pd.stop()
