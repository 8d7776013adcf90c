"""A real headless Pd drives the real daemon (`lmdm serve` on a dummy JACK server) the way
lmdm-demo.pd does: prompt, tempo, a mute, play. Status, notes, values and errors come back
through [lmdm]'s outlets, printed by Pd and read here."""
from __future__ import annotations


import pytest

from model.api import STEMS


def status_fields(line: str) -> list[str]:
    return line.split("list ", 1)[1].split()


@pytest.mark.slow
def test_pd_controls_the_daemon_and_hears_back(daemon, pd_harness):
    h = pd_harness(daemon.osc_port)
    h.pd.wait_for(r"^lmdm-other: subscribed", timeout=10)
    mark = len(h.pd.lines)
    for message in ("prompt warm funky bass", "bpm 96", "mute drums 1", "play"):
        h.send(message)

    # status every block: state bpm bar beat block rtf step_ms latency_ms underruns xruns
    playing = h.pd.wait_for(r"^lmdm-status: list playing 96 ", timeout=15, start=mark)
    fields = status_fields(playing.string)
    assert len(fields) == 10
    bar, beat, block = int(fields[2]), float(fields[3]), int(fields[4])
    assert bar >= 0 and beat >= 0 and block >= 0
    assert float(fields[5]) >= 0 and float(fields[7]) >= 0  # rtf, latency_ms

    # notes: stem pitch velocity duration_ms
    note = h.pd.wait_for(r"^lmdm-note: list (\w+) (\d+) (\d+) ([\d.e+-]+)$", timeout=15, start=mark)
    stem, pitch, velocity, duration = note.groups()
    assert stem in STEMS and 0 <= int(pitch) <= 127 and 1 <= int(velocity) <= 127
    assert float(duration) > 0

    # the daemon holds what Pd sent
    for query, answer in (("get bpm", r"value bpm 96$"),
                          ("get stem/drums/mute", r"value stem/drums/mute 1$"),
                          ("get prompt", r"value prompt warm\\ funky\\ bass 1$")):
        at = len(h.pd.lines)
        h.send(query)
        assert h.pd.wait_for(rf"^lmdm-other: {answer}", timeout=5, start=at)

    # a value out of range is refused by the daemon and reported on the errors outlet
    at = len(h.pd.lines)
    h.send("bpm 400")
    err = h.pd.wait_for(r"^lmdm-error: list /lmdm/bpm (.*)$", timeout=5, start=at)
    assert "400" in err.group(1) and "range" in err.group(1)

    at = len(h.pd.lines)
    h.send("stop")
    assert h.pd.wait_for(r"^lmdm-status: list (stopped|idle)", timeout=10, start=at)
    assert not h.pd.errors(), h.pd.errors()
    assert daemon.proc.poll() is None
