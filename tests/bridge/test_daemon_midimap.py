"""MIDI control on a running daemon (dummy JACK): a controller's knobs, buttons and program
changes on midi_in move its settings, start and stop the band, recall scenes and tap the
tempo; MIDI learn over OSC binds the next CC and keeps it across a restart; subscribers
see every setting a CC moved."""
from __future__ import annotations

import statistics
import time

import yaml

from daemonkit import FAST, MidiProbe, start_daemon, start_refused


def cc(n: int, v: int) -> bytes:
    return bytes((0xB0, n, v))


def read(c, name: str) -> tuple:
    since = c.mark()
    c.send("/lmdm/get", name)
    return c.wait_for("/lmdm/value", since=since, where=lambda m: m.args[0] == name).args[1:]


def midi_config(tmp_path) -> dict:
    return {**FAST, "midi_map": {
        "cc": {1: "density", 20: {"to": "stem/bass/mute", "toggle": True}, 21: "play", 22: "stop",
               23: "mode", 64: "tap", 74: {"to": "guidance", "min": 1, "max": 6}},
        "program": {0: "verse", 1: "missing"}, "file": str(tmp_path / "learned.yaml")},
        "scenes": {"presets": {"verse": {"density": 0.25, "temperature": 1.5}}}}


def test_a_controller_drives_the_daemon_and_midi_learn_binds_a_knob(jack_server, tmp_path, osc_client_factory):
    d = start_daemon(jack_server, tmp_path, midi_config(tmp_path))
    probe = None
    try:
        c = osc_client_factory(d.osc_port)
        c.subscribe()
        probe = MidiProbe(jack_server.name, d.client_name)
        # a knob: density over its range, guidance over the config's 1..6; subscribers see both
        since = c.mark()
        probe.send(cc(1, 127), cc(74, 0))
        c.wait_for("/lmdm/value", where=lambda m: m.args == ("density", 1.0), since=since)
        c.wait_for("/lmdm/value", where=lambda m: m.args == ("guidance", 1.0), since=since)
        since = c.mark()
        probe.send(*[cc(1, v) for v in range(0, 65, 8)])  # turned fast: one value per engine cycle at most
        c.wait_for("/lmdm/value", where=lambda m: m.args[0] == "density" and abs(m.args[1] - 64 / 127) < 1e-4,
                   since=since)  # (OSC floats are 32-bit)
        assert len(c.all("/lmdm/value", since)) < 9
        assert abs(read(c, "density")[0] - 64 / 127) < 1e-4
        # a button that flips the bass's mute at each press (its release does nothing)
        since = c.mark()
        probe.send(cc(20, 127), cc(20, 0))
        c.wait_for("/lmdm/value", where=lambda m: m.args == ("stem/bass/mute", 1), since=since)
        probe.send(cc(20, 127))
        c.wait_for("/lmdm/value", where=lambda m: m.args == ("stem/bass/mute", 0), since=since)
        probe.send(cc(23, 127))  # the mode's third zone
        c.wait_for("/lmdm/value", where=lambda m: m.args == ("mode", "free"), since=since)
        # play and stop buttons
        probe.send(cc(21, 127))
        c.wait_for("/lmdm/status", 10, where=lambda m: m.args[0] == "playing", since=since)
        # a program change recalls a scene (on the next bar line: the band plays)
        probe.send(bytes((0xC0, 0)))
        c.wait_for("/lmdm/scene", 10, where=lambda m: m.args == ("verse",), since=since)
        assert read(c, "density") == (0.25,) and read(c, "temperature") == (1.5,)
        probe.send(bytes((0xC0, 1)))  # a scene that does not exist: an error to subscribers
        err = c.wait_for("/lmdm/error", where=lambda m: m.args[0] == "/lmdm/scene/recall", since=since)
        assert "MIDI program change: no scene 'missing'" in err.args[1], err.args
        # MIDI learn: the next CC drives the control asked for; the learner hears which
        since = c.mark()
        c.send("/lmdm/midi/learn", "temperature")
        time.sleep(0.2)
        probe.send(cc(30, 5))
        assert c.wait_for("/lmdm/midi/learned", since=since).args == (30, "temperature")
        assert read(c, "temperature") == (1.5,)  # the learning move sets nothing
        probe.send(cc(30, 127))
        c.wait_for("/lmdm/value", where=lambda m: m.args == ("temperature", 2.0), since=since)
        c.send("/lmdm/midi/learn", "prompt")
        assert "not a control a CC can drive" in c.wait_for("/lmdm/error", since=since).args[1]
        since = c.mark()
        c.send("/lmdm/midi/forget", "bpm")
        assert "no CC drives 'bpm'" in c.wait_for("/lmdm/error", since=since).args[1]
        assert read(c, "midi_map") == (1, "density", 20, "stem/bass/mute", 21, "play", 22, "stop", 23, "mode",
                                       30, "temperature", 64, "tap", 74, "guidance")
        probe.send(cc(22, 127))
        c.wait_for("/lmdm/status", 10, where=lambda m: m.args[0] == "stopped", since=since)
        # tap tempo from a footswitch: stamped at the frames the taps came in
        sr = 48000
        for _ in range(4):
            probe.send(cc(64, 127), cc(64, 0))
            time.sleep(0.5)
        taps = [f for f, data in probe.sent if data == cc(64, 127)]
        want = 60.0 * sr / statistics.median(b - a for a, b in zip(taps, taps[1:]))
        bpm = read(c, "bpm")[0]
        assert abs(bpm - want) < 1.5, (bpm, want)
        told = [m.args[1] for m in c.all("/lmdm/value", since) if m.args[0] == "bpm"][:-1]  # (the last: the get's)
        assert len(told) == 3 and abs(told[-1] - bpm) < 0.01, told  # each tapped tempo, to subscribers
        assert read(c, "state") == ("stopped",)
        assert not [m for m in c.all("/lmdm/error") if m.args[0] not in (
            "/lmdm/scene/recall", "/lmdm/midi/learn", "/lmdm/midi/forget")]
    finally:
        if probe is not None:
            probe.close()
        d.stop()
    # what was learned is kept: the next start reads the whole CC map from the file
    assert yaml.safe_load((tmp_path / "learned.yaml").read_text())[30] == "temperature"
    d = start_daemon(jack_server, tmp_path, midi_config(tmp_path))
    try:
        c = osc_client_factory(d.osc_port)
        assert read(c, "midi_map")[10:12] == (30, "temperature")
    finally:
        d.stop()


def test_a_broken_learn_file_stops_the_start_with_an_error_naming_it(jack_server, tmp_path):
    (tmp_path / "learned.yaml").write_text("7: {to: tuba}\n")
    said = start_refused(jack_server, tmp_path, midi_config(tmp_path))
    assert "config error: midi_map.file" in said and "'tuba'" in said, said
