"""Bridge fixtures around tests/daemonkit.py: the daemon on the test's JACK server, OSC
test clients and JACK probes, closed after each test."""
from __future__ import annotations

import pytest

from daemonkit import FAST, JackProbe, OscClient, start_daemon


@pytest.fixture
def osc_client_factory():
    clients: list[OscClient] = []

    def make(port: int) -> OscClient:
        c = OscClient(port)
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.close()


@pytest.fixture
def daemon(jack_server, tmp_path):
    """`lmdm serve` with the baseline model on the test's JACK server, fast blocks."""
    d = start_daemon(jack_server, tmp_path, FAST)
    try:
        yield d
    finally:
        d.stop()


@pytest.fixture
def probe_factory():
    probes: list[JackProbe] = []

    def make(*args, **kwargs) -> JackProbe:
        p = JackProbe(*args, **kwargs)
        probes.append(p)
        return p

    yield make
    for p in probes:
        p.close()
