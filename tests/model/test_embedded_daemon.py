"""The shipped checkpoint: at most 25 MB, loads through the registry with its contract
check, and `lmdm serve` with model "embedded" generates blocks over a real dummy JACK
server: notes arrive over OSC, in the stems' ranges, and the stem ports carry sound; with
one-beat blocks (the model re-plans each bar as it hears it) it plays on without errors."""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from daemonkit import JackProbe, OscClient, start_daemon
from model.api import Block, Controls, check_contract
from model.embedded import CHECKPOINT, create, load_checkpoint

REPO = Path(__file__).resolve().parents[2]


def test_shipped_checkpoint_is_small_and_complete():
    files = {p.name: p.stat().st_size for p in CHECKPOINT.iterdir()}
    assert {"model.safetensors", "config.yaml", "prompts.safetensors"} <= set(files)
    assert sum(files.values()) <= 25 * 1024 * 1024, files
    model, cfg, meta, table, styles = load_checkpoint(CHECKPOINT)
    assert meta["training"]["steps"] > 0 and len(set(styles.values())) >= 9
    assert cfg.cond_dim == 26 and cfg.prompt_dim == 384 and cfg.target_frames == 16


def test_shipped_checkpoint_generates_a_bar_in_process():
    g = create(48000, prompt_encoder="table", threads=1)
    check_contract(g)
    n = 96000
    g.observe(np.zeros((n, 1), np.float32), [])
    out = g.generate(Block(0, 0.0, 4.0, 120.0, n, 0, n, "delay"), Controls(prompts=(("funk", 1.0),), seed=0))
    assert out.notes and {n.stem for n in out.notes} <= set(g.stems)


@pytest.mark.slow
def test_daemon_plays_the_embedded_model_over_dummy_jack(jack_server, tmp_path):
    # 160 bpm: a sixteenth (the margin's grid) is 94 ms, so a one-beat block's re-plan has
    # ~3x its usual time before the deadline; at 240 bpm (62 ms) a load spike on a shared
    # CI host missed one block in one of four runs
    d = start_daemon(jack_server, tmp_path, {"generation": {"model": "embedded", "prompt": "funk"},
                                                "engine": {"bpm": 160.0, "block_beats": 4.0}}, timeout=120)
    probe = client = None
    try:
        assert "model embedded" in d.output()
        probe = JackProbe(jack_server.name, d.client_name, freq=220.0)
        client = OscClient(d.osc_port)
        client.subscribe()
        since = client.mark()
        client.send("/lmdm/play")
        client.wait_for("/lmdm/status", 30, where=lambda m: m.args[0] == "playing" and m.args[4] >= 3, since=since)
        time.sleep(0.5)
        notes = client.all("/lmdm/note", since)
        assert notes, "the embedded model must send notes"
        ranges = {"bass": (28, 59), "keys": (48, 83), "lead": (60, 95), "drums": (35, 59)}
        for m in notes:
            stem, pitch, vel, dur_ms = m.args
            lo, hi = ranges[stem]
            assert lo <= pitch <= hi and 1 <= vel <= 127 and dur_ms > 0
        played = {m.args[0] for m in notes}
        assert any(probe.peak(s) > 1e-3 for s in played), "the stems' ports carry sound"
        assert not client.all("/lmdm/error", since), [m.args for m in client.all("/lmdm/error", since)]
        # one-beat blocks: the model re-plans the rest of each bar as it hears it, and plays on
        first = client.all("/lmdm/status", since)[-1].args[4]
        since = client.mark()
        client.send("/lmdm/block_beats", 1.0)
        client.wait_for("/lmdm/status", 30, where=lambda m: m.args[0] == "playing" and m.args[4] >= first + 10,
                        since=since)
        assert client.all("/lmdm/note", since), "notes go on with one-beat blocks"
        # a note a re-plan ends early was announced before (stem and pitch)
        announced = {tuple(m.args[:2]) for m in client.all("/lmdm/note", 0)}
        assert all(tuple(m.args) in announced for m in client.all("/lmdm/noteoff", since))
        assert not client.all("/lmdm/error", since), [m.args for m in client.all("/lmdm/error", since)]
    finally:
        if client:
            client.close()
        if probe:
            probe.close()
        d.stop()
