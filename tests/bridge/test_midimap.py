"""MIDI control (bridge/midimap.py): what a controller's CCs and program changes ask for.
Pure logic; the daemon over a real JACK server is tests/bridge/test_daemon_midimap.py."""
from __future__ import annotations

import pytest
import yaml

from bridge.config import ConfigError, load_config
from bridge.midimap import Intent, MidiMap, MidiMapError
from daemonkit import check_config


def cc(n: int, v: int, ch: int = 1) -> bytes:
    return bytes((0xB0 | (ch - 1), n, v))


def pc(n: int, ch: int = 1) -> bytes:
    return bytes((0xC0 | (ch - 1), n))


def test_a_knob_sweeps_a_setting_over_its_range_or_one_of_its_own():
    m = MidiMap({1: "density", 74: {"to": "guidance", "min": 1, "max": 6}, 75: "steps",
                 76: {"to": "bpm", "min": 140, "max": 60}})
    assert m.translate(cc(1, 0)) == [Intent("set", "density", 1, 0.0)]
    assert m.translate(cc(1, 127)) == [Intent("set", "density", 1, 1.0)]
    assert m.translate(cc(74, 0))[0].value == 1.0 and m.translate(cc(74, 127))[0].value == 6.0
    assert m.translate(cc(74, 64))[0].value == pytest.approx(1 + 5 * 64 / 127, abs=1e-4)
    assert m.translate(cc(75, 0))[0].value == 1 and m.translate(cc(75, 127))[0].value == 64  # an int setting
    assert isinstance(m.translate(cc(75, 50))[0].value, int)
    assert m.translate(cc(76, 0))[0].value == 140.0 and m.translate(cc(76, 127))[0].value == 60.0  # reversed


def test_switches_choices_toggles_and_actions():
    m = MidiMap({20: "stem/bass/mute", 21: {"to": "stem/lead/mute", "toggle": True}, 22: "mode", 64: "tap",
                 65: "play"})
    assert [m.translate(cc(20, v))[0].value for v in (0, 63, 64, 127)] == [False, False, True, True]
    assert [m.translate(cc(22, v))[0].value for v in (0, 42, 43, 85, 86, 127)] == [
        "accompany", "accompany", "delay", "delay", "free", "free"]  # three equal zones
    # a momentary button: press (127) then release (0); the press flips, the release does nothing
    assert m.translate(cc(21, 127)) == [Intent("toggle", "stem/lead/mute", 21)]
    assert m.translate(cc(21, 0)) == []
    assert m.translate(cc(21, 127)) == [Intent("toggle", "stem/lead/mute", 21)]
    # a button that sends only 127 presses every time; a knob turned up past 64 presses once
    assert m.translate(cc(64, 127)) == [Intent("action", "tap", 64)]
    assert m.translate(cc(64, 127)) == [Intent("action", "tap", 64)]
    assert [m.translate(cc(65, v)) for v in (10, 60, 70, 90, 110, 40, 100)] == [
        [], [], [Intent("action", "play", 65)], [], [], [], [Intent("action", "play", 65)]]


def test_program_changes_recall_scenes_and_the_channel_filters():
    m = MidiMap({1: "density"}, {0: "verse", 1: "chorus"}, channel=3)
    assert m.translate(pc(1, ch=3)) == [Intent("scene", "chorus")]
    assert m.translate(pc(5, ch=3)) is None  # a program the map does not name: the model's
    assert m.translate(cc(1, 100, ch=2)) is None and m.translate(pc(0, ch=2)) is None  # another channel
    assert m.translate(cc(2, 100, ch=3)) is None  # a CC the map does not name
    assert m.translate(bytes((0x92, 60, 100))) is None  # notes are always the model's
    omni = MidiMap({1: "density"})
    assert all(omni.translate(cc(1, 127, ch=c)) for c in range(1, 17))


def test_midi_learn_binds_the_next_cc_and_replaces_what_it_drove(tmp_path):
    f = tmp_path / "learned.yaml"
    m = MidiMap({1: "density", 2: "guidance"}, file=f)
    m.learn("density")
    assert m.translate(cc(7, 30)) == [Intent("learned", "density", 7)]  # the learning CC sets nothing
    assert m.translate(cc(7, 127)) == [Intent("set", "density", 7, 1.0)]
    assert m.translate(cc(1, 127)) is None  # density's earlier CC is free again
    m.learn("guidance")
    m.learn("none")  # cancels
    assert m.translate(cc(9, 1)) is None
    m.learn("stem/drums/mute")
    m.translate(cc(2, 0))  # CC 2 drove guidance: it now drives the drums' mute only
    assert m.describe() == (2, "stem/drums/mute", 7, "density")
    assert m.forget("density") == 1 and m.forget("density") == 0
    assert m.describe() == (2, "stem/drums/mute")
    m.writer.join()  # the last write holds the map in force
    assert yaml.safe_load(f.read_text()) == {2: "stem/drums/mute"}
    again = MidiMap({1: "density", 5: "steps"}, file=f)  # the file, once written, is the whole CC map
    assert again.describe() == (2, "stem/drums/mute")
    with pytest.raises(MidiMapError, match="'prompt' is not a control a CC can drive"):
        m.learn("prompt")


def test_a_broken_map_is_a_config_error_naming_the_key(tmp_path):
    cases = {
        "midi_map: {cc: {1: prompt}}": "midi_map.cc.1: 'prompt' is not a control a CC can drive",
        "midi_map: {cc: {128: density}}": "midi_map.cc: 128 is not a CC number 0..127",
        "midi_map: {cc: {1: {to: density, min: 2}}}": "midi_map.cc.1.min: 2 is not a number in density's range 0..1",
        "midi_map: {cc: {1: {to: mode, min: 0}}}": "min and max are for number settings",
        "midi_map: {cc: {1: {to: density, toggle: true}}}": "toggle: true or false, for a 0/1 switch only",
        "midi_map: {cc: {1: {to: density, curve: log}}}": "expected a control name or",
        "midi_map: {cc: {1: tuba}}": "'tuba' is not a control",
        "midi_map: {program: {0: ../up}}": "midi_map.program.0: '../up'",
        "midi_map: {program: {200: verse}}": "200 is not a program number",
        "midi_map: {channel: 17}": "midi_map.channel: 17",
        "midi_map: {cc: [1, 2]}": "midi_map.cc: expected a mapping",
        "midi_map: {cc: {1: density}, knobs: 3}": "unknown config key 'midi_map.knobs'",
        "midi_map: {file: ''}": "midi_map.file",
    }
    for text, message in cases.items():
        p = tmp_path / "c.yaml"
        p.write_text(text + "\n")
        with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(".", r"\.")):
            load_config(p)
    p.write_text("midi_map:\n  channel: 2\n  cc: {1: density, 64: tap}\n  program: {0: verse}\n  file: m.yaml\n")
    cfg = load_config(p)
    assert cfg.midi_map.file == str(tmp_path / "m.yaml")  # relative to the config file
    assert (cfg.midi_map.channel, cfg.midi_map.cc, cfg.midi_map.program) == (2, {1: "density", 64: "tap"}, {0: "verse"})
    (tmp_path / "m.yaml").write_text("1: {to: tuba}\n")
    with pytest.raises(MidiMapError, match=r"m\.yaml\.1: 'tuba'"):
        MidiMap.from_config(cfg.midi_map)


def test_lmdm_check_reads_the_learn_file_and_calls_a_broken_one_a_config_error(tmp_path):
    (tmp_path / "knobs.yaml").write_text("7: {to: density, min: 5}\n")
    (tmp_path / "c.yaml").write_text("midi_map:\n  file: knobs.yaml\n")
    code, (check,) = check_config(tmp_path / "c.yaml")
    assert code == 2
    assert check["status"] == "fail" and "knobs.yaml.7.min: 5 is not a number in density's range" in check["detail"]
