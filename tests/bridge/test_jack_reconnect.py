"""JACK server loss: the daemon reports it (/lmdm/error /lmdm/jack, state no_jack), keeps
serving OSC, and when a server with the same name is back it re-creates its ports and
plays again."""
from __future__ import annotations

import time

import pytest

from daemonkit import FAST, start_daemon


@pytest.mark.slow
def test_daemon_survives_server_loss_and_reconnects(jack_server, tmp_path, osc_client_factory, probe_factory):
    d = start_daemon(jack_server, tmp_path, {**FAST, "audio": {"reconnect_s": 0.5}})
    revived = None
    try:
        c = osc_client_factory(d.osc_port)
        c.subscribe()
        since = c.mark()
        c.send("/lmdm/play")
        c.wait_for("/lmdm/status", 10, where=lambda m: m.args[0] == "playing" and m.args[4] == 1, since=since)

        since = c.mark()
        jack_server.stop()  # the server goes away under the daemon
        err = c.wait_for("/lmdm/error", 10, where=lambda m: m.args[0] == "/lmdm/jack", since=since)
        assert "lost" in err.args[1]
        c.wait_for("/lmdm/status", 5, where=lambda m: m.args[0] == "no_jack", since=since)
        time.sleep(1.2)  # a few reconnect attempts against no server
        c.ping()
        assert d.proc.poll() is None

        since = c.mark()
        revived = type(jack_server)()  # the same kind of dummy server, under the same name
        revived.name = jack_server.name
        revived.start()
        c.wait_for("/lmdm/ready", 10, since=since)
        c.wait_for("/lmdm/status", 10, where=lambda m: m.args[0] == "playing" and m.args[4] >= 2, since=since)
        probe = probe_factory(revived.name, d.client_name, watch=("keys", "mix_L"))
        time.sleep(1.0)
        assert probe.peak("mix_L") > 0.01, "plays again on the new server"
        assert "reconnected" in d.output()
    finally:
        d.stop()
        if revived is not None:
            revived.stop()
