"""Clear failures at start-up (no JACK server, a busy OSC port) and the PortAudio backend.
This machine has no sound card, so for PortAudio what can be checked here is that the
backend constructs and fails clearly (exit 1, a message that says what to do) when no
device is present; audio through a real device is not tested here."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bridge.backend import BackendError
from bridge.pa_io import PortAudioBackend
from bridge.rings import Exchange
from model.api import STEMS

REPO = Path(__file__).resolve().parents[2]


def _has_device() -> bool:
    import sounddevice as sd
    try:
        return len(sd.query_devices()) > 0
    except Exception:
        return False


def test_portaudio_backend_fails_clearly_without_a_device():
    if _has_device():
        pytest.skip("this machine has an audio device; the no-device path cannot be shown here")
    backend = PortAudioBackend(Exchange(2, len(STEMS)), STEMS, sample_rate=48000, period=1024)
    with pytest.raises(BackendError, match="no audio device"):
        backend.open()
    backend.close()  # closing a backend that never opened is harmless
    assert backend.port_names() == [] and backend.transport() is None


def test_serve_with_portaudio_and_no_device_exits_with_advice(tmp_path):
    if _has_device():
        pytest.skip("this machine has an audio device")
    r = subprocess.run([sys.executable, "-m", "bridge.cli", "serve", "--backend", "portaudio", "--osc-port", "0"],
                       cwd=REPO, capture_output=True, text=True, timeout=120)
    assert r.returncode == 1
    assert "cannot start" in r.stderr and "no audio device" in r.stderr and "JACK" in r.stderr


def test_serve_without_a_jack_server_exits_with_advice():
    r = subprocess.run([sys.executable, "-m", "bridge.cli", "serve", "--jack-server", "lmdm-no-such-server",
                        "--osc-port", "0"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert r.returncode == 1
    assert "cannot connect to JACK server 'lmdm-no-such-server'" in r.stderr and "jackd" in r.stderr


def test_serve_on_a_busy_osc_port_exits_with_advice(jack_server):
    import socket
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as busy:
        busy.bind(("127.0.0.1", 0))
        port = busy.getsockname()[1]
        r = subprocess.run([sys.executable, "-m", "bridge.cli", "serve", "--jack-server", jack_server.name,
                            "--osc-port", str(port), "--model", "baseline"],
                           cwd=REPO, capture_output=True, text=True, timeout=120)
    assert r.returncode == 1
    assert f"cannot listen for OSC on 127.0.0.1:{port}" in r.stderr and "--osc-port" in r.stderr
