"""10,000 random and mutated OSC packets (tests/bridge/oscfuzz.py) at a playing
`lmdm serve`: it keeps answering ping, its audio callback never stops or fails, and
afterwards it plays again once sane settings are sent."""
from __future__ import annotations

import json
import socket
import time

import pytest

from daemonkit import FAST, start_daemon
from oscfuzz import packets

N_PACKETS = 10_000
SYNC_EVERY = 100  # a ping round trip every 100 packets paces the sender (no kernel drops)


@pytest.mark.slow
def test_fuzzed_packets_never_stop_the_daemon_or_its_audio(jack_server, tmp_path, osc_client_factory, probe_factory):
    stats = tmp_path / "stats.json"
    d = start_daemon(jack_server, tmp_path, FAST, extra=("--stats-json", str(stats)))
    try:
        probe = probe_factory(jack_server.name, d.client_name, watch=("mix_L",))
        c = osc_client_factory(d.osc_port)
        c.send("/lmdm/play")
        c.ping()
        fuzz = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        t0 = time.monotonic()
        periods0 = probe.count
        try:
            for i, data in enumerate(packets(seed=7, n=N_PACKETS)):
                fuzz.sendto(data, ("127.0.0.1", d.osc_port))
                if (i + 1) % SYNC_EVERY == 0:
                    assert c.ping(i, timeout=5.0) < 5.0
        finally:
            fuzz.close()
        elapsed = time.monotonic() - t0
        assert d.proc.poll() is None, d.output()

        time.sleep(0.7)  # fuzzed bundles are timed at most 0.5 s ahead
        c.send("/lmdm/stop")
        for address, args in [("/lmdm/bpm", (240.0,)), ("/lmdm/block_beats", (2.0,)), ("/lmdm/mode", ("accompany",)),
                              ("/lmdm/stem/*/mute", (0,)), ("/lmdm/stem/*/gain", (1.0,)), ("/lmdm/input/gain", (1.0,)),
                              ("/lmdm/density", (0.5,)), ("/lmdm/follow_transport", (0,))]:
            c.send(address, *args)
        c.ping()
        t_play = time.time()
        c.send("/lmdm/play")
        # the first block's start waits out the margin, which still remembers the slow steps
        # of the fuzzed settings (a 2.2 s wait was seen on CI): poll for sound, up to 10 s
        time.sleep(0.6)
        times = probe.times[:probe.count]
        after = int((times < t_play + 0.6).sum())
        deadline = time.monotonic() + 10.0
        while probe.peak("mix_L", after) <= 0.01 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert probe.peak("mix_L", after) > 0.01, "it plays again after the fuzz:\n" + d.output()[-3000:]
        assert probe.count - periods0 > 0.8 * elapsed * probe.rate / probe.period
        probe_periods = probe.count
    finally:
        assert d.stop() == 0, d.output()
    s = json.loads(stats.read_text())
    assert s["callback_errors"] == 0
    # the daemon's callback ran every period of the whole session: never stopped
    assert s["cycles"] >= probe_periods - 5
