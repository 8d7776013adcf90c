"""engine.auto_steps on a real daemon: the embedded model asked for more than this machine
can do (64 denoising steps for blocks of a sixteenth at 300 bpm, 50 ms each) has its
steps halved, says so with /lmdm/error, and the band keeps playing; with auto_steps off
the steps stay where the performer put them."""
from __future__ import annotations

import time

import pytest

from daemonkit import start_daemon

# the prompt adds guidance rows (the embedded model's CFG with input guidance): more work per step
TOO_MUCH = {"engine": {"bpm": 300.0, "block_beats": 0.25, "beats_per_bar": 4},
            "generation": {"model": "default", "steps": 64, "prompt": "pop"}}


def steps_of(c) -> int:
    since = c.mark()
    c.send("/lmdm/get", "steps")
    return c.wait_for("/lmdm/value", since=since, where=lambda m: m.args[0] == "steps").args[1]


@pytest.mark.slow
def test_a_model_too_slow_for_its_blocks_plays_on_at_fewer_steps(jack_server, tmp_path, osc_client_factory):
    d = start_daemon(jack_server, tmp_path, TOO_MUCH)
    try:
        c = osc_client_factory(d.osc_port)
        c.subscribe()
        since = c.mark()
        c.send("/lmdm/play")
        err = c.wait_for("/lmdm/error", 30, where=lambda m: m.args[0] == "/lmdm/steps", since=since)
        assert "steps 64 -> 32" in err.args[1] and "auto_steps" in err.args[1]
        assert steps_of(c) < 64
        block = c.wait_for("/lmdm/status", 10, where=lambda m: m.args[0] == "playing", since=c.mark()).args[4]
        c.wait_for("/lmdm/status", 10, where=lambda m: m.args[0] == "playing" and m.args[4] > block + 8,
                   since=c.mark())  # blocks go on
        assert d.proc.poll() is None
    finally:
        assert d.stop() == 0, d.output()


@pytest.mark.slow
def test_auto_steps_off_leaves_the_steps_alone(jack_server, tmp_path, osc_client_factory):
    d = start_daemon(jack_server, tmp_path, {**TOO_MUCH, "engine": {**TOO_MUCH["engine"], "auto_steps": False}})
    try:
        c = osc_client_factory(d.osc_port)
        c.subscribe()
        since = c.mark()
        c.send("/lmdm/play")
        # a block reported at over 70 % of its length: the guard, were it on, would be filling up
        c.wait_for("/lmdm/status", 30, where=lambda m: m.args[0] == "playing" and m.args[5] > 0.7, since=since)
        time.sleep(2.0)  # well past the 8 blocks (0.4 s) a window takes
        assert not [m for m in c.all("/lmdm/error", since) if m.args[0] == "/lmdm/steps"]
        assert steps_of(c) == 64
    finally:
        assert d.stop() == 0, d.output()
