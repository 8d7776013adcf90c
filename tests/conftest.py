"""Shared fixtures: a private dummy JACK server per test, free UDP ports."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import glob
import itertools

import pytest

# Tests run on a shared 2-core machine: keep torch from spreading over both cores.
os.environ.setdefault("OMP_NUM_THREADS", "1")


def pytest_collection_modifyitems(config, items):
    """Tests on a real dummy jackd (the jack_server fixtures, directly or through the daemon)
    and tests marked host_timing run the band in real time on a server this shared 2-core
    host can run a cycle late (no realtime scheduling here): they get one rerun on failure
    (pytest-rerunfailures; the summary counts them as "rerun"), so one late cycle or slow
    wake-up does not fail the suite while a fault that fails every run still does."""
    for item in items:
        jack = {"jack_server", "jack_server_8_out"} & set(getattr(item, "fixturenames", ()))
        if jack or item.get_closest_marker("host_timing"):
            item.add_marker(pytest.mark.flaky(reruns=1))


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def udp_port() -> int:
    return free_udp_port()


# JACK keeps a registry of at most 8 servers in /dev/shm; a server that dies without a
# clean stop keeps its slot until a server of the same name starts again. So test servers
# take their names from a small pool (a dead slot is reclaimed by the next test), and a
# session that starts with no jackd running clears what earlier crashed runs left.
_NAMES = itertools.cycle(range(4))


def _registry_in_use() -> bool:
    """Another process (a second test session, a daemon) has JACK's registry mapped: libjack
    keeps its mapping for the life of a process, so clearing the file under it would cut
    that process off from every server it starts later."""
    me = str(os.getpid())
    for maps in glob.glob("/proc/[0-9]*/maps"):
        if maps.split("/")[2] == me:
            continue
        try:
            with open(maps) as f:
                if "jack-shm-registry" in f.read():
                    return True
        except OSError:
            continue
    return False


def pytest_sessionstart(session):
    if subprocess.run(["pgrep", "-x", "jackd"], capture_output=True).returncode != 0 and not _registry_in_use():
        for path in glob.glob("/dev/shm/jack-shm-registry") + glob.glob("/dev/shm/jack_sem.*"):
            try:
                os.unlink(path)
            except OSError:
                pass


class JackServer:
    """`jackd -n NAME --no-realtime -d dummy`, started for one test and stopped after it."""

    def __init__(self, rate: int = 48000, period: int = 1024, playback: int | None = None):
        self.name = f"lmdmtest-{os.getpid()}-{next(_NAMES)}"
        self.rate = rate
        self.period = period
        self.playback = playback  # system:playback_* ports (the dummy driver's default: 2)
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 10.0) -> "JackServer":
        if shutil.which("jackd") is None:
            pytest.fail("jackd is not installed: run `make test`, which installs jackd2")
        self.proc = subprocess.Popen(
            ["jackd", "-n", self.name, "--no-realtime", "-d", "dummy",
             "-r", str(self.rate), "-p", str(self.period), *(("-P", str(self.playback)) if self.playback else ())],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        import jack
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jackd exited: {self.proc.stderr.read().decode(errors='replace')}")
            try:
                c = jack.Client("probe", servername=self.name, no_start_server=True)
                c.close()
                return self
            except jack.JackError:
                time.sleep(0.05)
        self.stop()  # a server that never answered must not outlive the test
        raise RuntimeError(f"jackd {self.name} did not come up in {timeout} s")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)


@pytest.fixture
def jack_server():
    server = JackServer().start()
    os.environ["JACK_NO_START_SERVER"] = "1"
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def jack_server_8_out():
    """A dummy server whose system device has 8 playback channels (PortAudio's JACK host
    API opens it like a sound card: tests/bridge/test_daemon_portaudio.py)."""
    server = JackServer(playback=8).start()
    os.environ["JACK_NO_START_SERVER"] = "1"
    try:
        yield server
    finally:
        server.stop()
