"""Tempo from JACK transport: while a timebase master rolls at 150 bpm the daemon's blocks
take that tempo (at the next block), and /lmdm/bpm applies again when it stops."""
from __future__ import annotations

import time

import pytest


class TimebaseMaster:
    def __init__(self, server: str, bpm: float):
        import jack
        self.jack = jack
        self.client = jack.Client("tbmaster", servername=server, no_start_server=True)
        self.bpm = bpm
        self.client.set_timebase_callback(self._timebase, conditional=False)
        self.client.activate()

    def _timebase(self, state, blocksize, pos, new_pos) -> None:
        j = self.jack
        pos.valid = j._lib.JackPositionBBT
        pos.beats_per_bar = 4.0
        pos.beat_type = 4.0
        pos.ticks_per_beat = 1920.0
        pos.beats_per_minute = self.bpm
        beats = pos.frame / pos.frame_rate * self.bpm / 60.0
        pos.bar = int(beats // 4) + 1
        pos.beat = int(beats % 4) + 1
        pos.tick = int((beats % 1.0) * 1920)

    def close(self) -> None:
        self.client.transport_stop()
        self.client.deactivate()
        self.client.close()


@pytest.mark.slow
def test_blocks_follow_the_rolling_transport_tempo(daemon, osc_client_factory):
    c = osc_client_factory(daemon.osc_port)
    c.subscribe()
    master = TimebaseMaster(daemon.jack_server.name, 150.0)
    try:
        master.client.transport_start()
        since = c.mark()
        c.send("/lmdm/play")
        m = c.wait_for("/lmdm/status", 10, where=lambda m: m.args[0] == "playing" and m.args[4] == 2, since=since)
        assert m.args[1] == pytest.approx(150.0, abs=0.01)
        c.send("/lmdm/bpm", 200.0)  # ignored while the transport rolls
        since = c.mark()
        m = c.wait_for("/lmdm/status", 10, where=lambda m: m.args[0] == "playing" and m.args[4] >= 4, since=since)
        assert m.args[1] == pytest.approx(150.0, abs=0.01)
        master.client.transport_stop()
        time.sleep(0.1)
        c.send("/lmdm/bpm", 200.0)  # stopped transport: OSC tempo rules again
        since = c.mark()
        m = c.wait_for("/lmdm/status", 10, where=lambda m: m.args[0] == "playing" and m.args[1] == 200.0, since=since)
    finally:
        master.close()
