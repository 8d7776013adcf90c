"""JACK MIDI through `lmdm serve`: every generated note goes out on midi_out (one channel
per stem, with its note-off), and a live MIDI instrument on midi_in feeds the generator
like audio does (a held E minor chord steers the baseline's keys to E, G and B)."""
from __future__ import annotations

import time

import pytest
from daemonkit import MidiProbe

CHANNELS = {0: "bass", 1: "keys", 2: "lead", 9: "drums"}
E_MINOR = (52, 55, 59)  # E3 G3 B3


@pytest.mark.slow
def test_generated_notes_go_out_on_jack_midi_and_midi_in_steers_generation(daemon, osc_client_factory):
    probe = MidiProbe(daemon.jack_server.name, daemon.client_name, chord=E_MINOR)
    try:
        c = osc_client_factory(daemon.osc_port)
        c.subscribe()
        time.sleep(0.3)  # the chord is heard before play
        since = c.mark()
        c.send("/lmdm/play")
        c.wait_for("/lmdm/status", 10, where=lambda m: m.args[0] == "playing" and m.args[4] == 6, since=since)
        time.sleep(0.2)
        with probe.lock:
            events = list(probe.events)
    finally:
        probe.close()

    ons = [(f, d[0] & 0x0F, d[1]) for f, d in events if d[0] & 0xF0 == 0x90 and d[2] > 0]
    offs = [(f, d[0] & 0x0F, d[1]) for f, d in events if d[0] & 0xF0 == 0x80 or (d[0] & 0xF0 == 0x90 and d[2] == 0)]
    assert {ch for _, ch, _ in ons} == set(CHANNELS), "one channel per stem"
    osc_notes = [m for m in c.all("/lmdm/note", since)]
    assert abs(len(ons) - len(osc_notes)) <= 0.2 * len(osc_notes) + 8, "the same notes as over OSC"
    for stem in CHANNELS.values():
        n_osc = sum(m.args[0] == stem for m in osc_notes)
        n_midi = sum(CHANNELS[ch] == stem for _, ch, _ in ons)
        assert n_midi > 0 and abs(n_midi - n_osc) <= 0.2 * n_osc + 4, (stem, n_midi, n_osc)
    # every note-on is followed by its note-off on the same channel and pitch
    for f, ch, pitch in ons[: len(ons) // 2]:
        assert any(fo > f and cho == ch and po == pitch for fo, cho, po in offs), (f, ch, pitch)

    keys = [m.args[1] % 12 for m in osc_notes if m.args[0] == "keys" and m.arrived > osc_notes[0].arrived + 1.0]
    assert keys, "keys notes after the first blocks"
    assert set(keys) <= {4, 7, 11}, f"keys should follow the held E minor chord: {sorted(set(keys))}"


@pytest.mark.slow
@pytest.mark.host_timing
def test_midi_clock_out_sends_start_ticks_at_the_tempo_and_stop(jack_server, tmp_path, osc_client_factory):
    """audio.midi_clock_out: midi_out carries Start at the first block, 24 ticks per beat at
    the band's tempo (240 bpm: one every 500 frames at 48 kHz) and Stop at /lmdm/stop.  Its
    midi_out patched back into its midi_in, the band does not follow its own clock (its
    Start would restart it, block after block)."""
    from daemonkit import FAST, start_daemon
    d = start_daemon(jack_server, tmp_path, {**FAST, "audio": {"midi_clock_out": True}})
    probe = MidiProbe(jack_server.name, d.client_name)
    probe.client.connect(f"{d.client_name}:midi_out", f"{d.client_name}:midi_in")  # the loop
    try:
        c = osc_client_factory(d.osc_port)
        c.subscribe()
        since = c.mark()
        c.send("/lmdm/play")
        c.wait_for("/lmdm/status", 10, where=lambda m: m.args[0] == "playing" and m.args[4] >= 4, since=since)
        playing = [m for m in c.all("/lmdm/status", since=since) if m.args[0] == "playing"]
        assert [m.args[4] for m in playing] == sorted(m.args[4] for m in playing), "no restarts"
        assert all(m.args[1] == pytest.approx(240.0) for m in playing)
        assert "MIDI clock on midi_in ignored" in d.output()
        c.send("/lmdm/stop")
        c.wait_for("/lmdm/status", 10, where=lambda m: m.args[0] == "stopped", since=since)
        time.sleep(0.3)
        with probe.lock:
            realtime = [(f, data[0]) for f, data in probe.events if data[0] >= 0xF8]
        kinds = [k for _, k in realtime]
        assert kinds[0] == 0xFA and kinds[-1] == 0xFC and kinds.count(0xFA) == kinds.count(0xFC) == 1
        ticks = [f for f, k in realtime if k == 0xF8]
        assert len(ticks) >= 4 * 24  # at least four beats' ticks (four blocks of two beats began)
        gaps = [b - a for a, b in zip(ticks, ticks[1:])]
        assert sorted(gaps)[len(gaps) // 2] == 500
        # nearly every tick one 500-frame step after the last: a JACK cycle run late on this
        # shared host can displace a few as the probe sees them (one CI run: a gap of 2572
        # frames, then 476, among ~100 of 500; not in five runs after it)
        assert sum(abs(g - 500) <= 1 for g in gaps) >= 0.95 * len(gaps), gaps
        assert realtime[0][0] == ticks[0]  # Start and the first tick at the first block's frame
    finally:
        probe.close()
        d.stop()
