"""Fixtures for the patch tests. Helpers live in patchkit.py (a unique module name: every
test folder has a conftest.py, so `from conftest import ...` would be ambiguous)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

import patchkit
# tests/bridge/conftest.py imports free_udp_port from whichever `conftest` module pytest
# loaded last, which may be this one.
from patchkit import free_udp_port  # noqa: F401

BRIDGE_CONFTEST = Path(__file__).resolve().parents[1] / "bridge" / "conftest.py"


def bridge_fixtures():
    """tests/bridge/conftest.py as a module of its own (its fixtures are not visible from
    here, and pytest_plugins is only allowed in the root conftest): start_daemon, FAST."""
    name = "lmdm_bridge_conftest"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BRIDGE_CONFTEST)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod  # its dataclasses look their module up while being defined
    spec.loader.exec_module(mod)
    return mod


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
    bridge = bridge_fixtures()
    d = bridge.start_daemon(jack_server, tmp_path, bridge.FAST)
    try:
        yield d
    finally:
        d.stop()
