"""Fixtures for the patch tests. Helpers live in patchkit.py (a unique module name: every
test folder has a conftest.py, so `from conftest import ...` would be ambiguous)."""
from __future__ import annotations

import pytest

import patchkit
from daemonkit import FAST, start_daemon


@pytest.fixture
def osc_peer():
    peer = patchkit.OscPeer()
    yield peer
    peer.close()


@pytest.fixture
def pd_harness(tmp_path):
    """Factory: pd_harness(daemon_port, reply_port=0, jack=None) -> Harness (stopped after)."""
    made: list[patchkit.Harness] = []

    def make(daemon_port: int, reply_port: int = 0, jack: str | None = None, **kw):
        h = patchkit.Harness(tmp_path, daemon_port, reply_port, jack, **kw)
        made.append(h)
        return h

    yield make
    for h in made:
        h.stop()


@pytest.fixture
def daemon(jack_server, tmp_path):
    """`lmdm serve` (baseline model, fast blocks) on the test's JACK server, started by the
    bridge tests' own helper so both suites run the daemon the same way."""
    d = start_daemon(jack_server, tmp_path, FAST)
    try:
        yield d
    finally:
        d.stop()
