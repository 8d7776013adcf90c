"""A generator that raises, or sleeps past its deadline: that block plays silence, the
error reaches OSC subscribers, the next block plays again.

The daemon runs in-process here (bridge.daemon.Daemon with a test generator object) on a
real dummy JACK server with a real OSC server; a JACK probe client records the ports."""
from __future__ import annotations

import time

import numpy as np
import pytest

from bridge.config import load_config
from bridge.daemon import Daemon
from model.api import STEMS, NoteEvent, StemBlock
from daemonkit import FAST

FAIL_BLOCK = 3


class FlakyGenerator:
    """Sustained notes on every beat of every stem, except block FAIL_BLOCK, where it
    raises or sleeps `sleep_s` (past the deadline, shorter than one block)."""

    name = "flaky"
    stems = STEMS

    def __init__(self, sample_rate: int, how: str, sleep_s: float = 0.3):
        self.sample_rate = sample_rate
        self.how = how
        self.sleep_s = sleep_s
        self.calls = 0

    def reset(self) -> None:
        pass

    def observe(self, audio, midi) -> None:
        pass

    def generate(self, block, controls) -> StemBlock:
        self.calls += 1
        if block.index == FAIL_BLOCK and self.calls > 1:  # call 1 is the daemon's warm-up
            if self.how == "raise":
                raise RuntimeError("boom")
            time.sleep(self.sleep_s)
        pitches = {"bass": 40, "keys": 60, "lead": 72, "drums": 42}
        return StemBlock([NoteEvent(s, pitches[s], 100, float(b), 0.9)
                          for s in STEMS for b in range(int(block.beats))])


@pytest.fixture
def live_daemon(jack_server, tmp_path, osc_client_factory, probe_factory):
    started = []

    def make(generator, on_failure="silence"):
        # a margin of 150 ms (three sixteenths at 240 bpm): a load spike on a shared machine
        # does not make another block miss its deadline (the sleeping one, 300 ms, still does)
        cfg = load_config(None, {"engine": {**FAST["engine"], "on_failure": on_failure, "margin_min_ms": 150.0},
                                 "audio": {"jack_server": jack_server.name, "client_name": "lmdmfail"},
                                 "osc": {"port": 0}, "record": {"dir": str(tmp_path)}})
        d = Daemon(cfg, generator=generator, out=lambda line: None)
        d.start()
        started.append(d)
        client = osc_client_factory(d.osc.port)
        client.subscribe()
        probe = probe_factory(jack_server.name, d.backend.name)
        return d, client, probe

    yield make
    for d in started:
        d.stop()


def _block_periods(probe, client, block: int) -> tuple[int, int]:
    """Probe period indices inside `block`, from the status wall times, 2-period guards."""
    start = client.wait_for("/lmdm/status", 10, where=lambda m: m.args[0] == "playing" and m.args[4] == block)
    end = client.wait_for("/lmdm/status", 10, where=lambda m: m.args[0] == "playing" and m.args[4] == block + 1)
    times = probe.times[:probe.count]
    a = int(np.searchsorted(times, start.arrived)) + 2
    b = int(np.searchsorted(times, end.arrived)) - 2
    assert b - a >= 5, "a block should span many periods"
    return a, b


@pytest.mark.parametrize("how", ["raise", "sleep"])
def test_failed_block_plays_silence_reports_and_recovers(live_daemon, how):
    d, client, probe = live_daemon(FlakyGenerator(48000, how))
    since = client.mark()
    client.send("/lmdm/play")
    client.wait_for("/lmdm/status", 10, where=lambda m: m.args[4] == FAIL_BLOCK + 2, since=since)
    time.sleep(0.2)

    errors = [m.args[1] for m in client.all("/lmdm/error", since)
              if m.args[0] == "/lmdm/generate" and m.args[1].startswith(f"block {FAIL_BLOCK}:")]
    assert errors, "the failure must reach subscribers"
    assert ("boom" if how == "raise" else "deadline") in errors[0]

    before = _block_periods(probe, client, FAIL_BLOCK - 1)
    failed = _block_periods(probe, client, FAIL_BLOCK)
    after = _block_periods(probe, client, FAIL_BLOCK + 1)
    for stem in STEMS:
        assert probe.peak(stem, *before) > 0.01, f"{stem} should play before the failure"
        assert probe.peak(stem, *failed) == 0.0, f"{stem} should be silent in the failed block"
        assert probe.peak(stem, *after) > 0.01, f"{stem} should play again in the next block"
    assert client.ping() < 1.0  # and the daemon still serves
    assert d.ex.errors == 0


@pytest.mark.slow
def test_on_failure_dry_passes_the_live_input_to_the_mix(live_daemon):
    d, client, probe = live_daemon(FlakyGenerator(48000, "raise"), on_failure="dry")
    since = client.mark()
    client.send("/lmdm/play")
    client.wait_for("/lmdm/status", 10, where=lambda m: m.args[4] == FAIL_BLOCK + 2, since=since)
    failed = _block_periods(probe, client, FAIL_BLOCK)
    for stem in STEMS:
        assert probe.peak(stem, *failed) == 0.0  # the stems stay silent
    assert abs(probe.peak("mix_L", *failed) - probe.amp) < 0.01  # the mix carries the sine from in_1


def test_unloadable_default_model_falls_back_to_the_baseline(monkeypatch, caplog):
    """A damaged default model must not leave the performer without a band: "default"
    falls back to the rule-based baseline (logged); naming the model explicitly still
    fails with a clear error."""
    from model import api
    from model.api import ModelError
    from bridge.engine import load_model

    assert api.DEFAULT_MODEL != "baseline"
    monkeypatch.setitem(api.REGISTRY, api.DEFAULT_MODEL, "model.no_such_module:create")
    with caplog.at_level("ERROR"):
        gen = load_model("default", 48000)
    assert gen.name == "baseline"
    assert "playing the rule-based baseline" in caplog.text and api.DEFAULT_MODEL in caplog.text
    with pytest.raises(ModelError, match=api.DEFAULT_MODEL):
        load_model(api.DEFAULT_MODEL, 48000)
