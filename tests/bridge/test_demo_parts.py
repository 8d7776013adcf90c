"""The demo's parts that need no daemon: the looped input performance (bundled WAV and a
real FluidSynth re-render), the piano-roll reader and picture, and the OSC reader of
bridge/daemon_client.py against the daemon's own encoder (bridge/osc.py)."""
from __future__ import annotations

import argparse

import mido
import numpy as np
import pytest

from bridge import pianoroll
from bridge.config import load_config
from bridge.daemon_client import decode_osc
from bridge.demo import (INPUT_MIDI, INPUT_WAV, LOOP_BARS, TAIL_S, add_arguments, first_sound, make_performance,
                         read_wav)
from bridge.osc import build_bundle, build_message
from bridge.recorder import write_notes_midi
from model.api import STEMS, NoteEvent

SOUNDFONT = load_config().render.soundfont


def test_performance_loops_the_bundled_wav_for_eight_bars():
    wav, rate = read_wav(INPUT_WAV)
    wav = wav[:, 0]
    perf = make_performance(8, None, 48000, SOUNDFONT)
    assert perf.bpm == 100.0 and perf.rate == 48000
    bar = int(round(4 * 60 / 100 * 48000))
    loop = LOOP_BARS * bar
    tail = int(TAIL_S * 48000)
    assert perf.audio.shape == (8 * bar + tail,)
    # first pass: the bundled file sample for sample; second pass: the same again, except
    # where the first pass's release still sounds under its start
    assert np.array_equal(perf.audio[:loop], wav[:loop])
    assert np.allclose(perf.audio[loop:loop + tail], wav[:tail] + wav[loop:loop + tail], atol=1e-6)
    assert np.array_equal(perf.audio[loop + tail:2 * loop], wav[tail:loop])
    # the notes are what is played: the MIDI file's first four bars, twice
    first = [n for ns in pianoroll.read_midi(INPUT_MIDI).values() for n in ns if n.start < 4 * 2.4 - 1e-6]
    assert len(perf.notes) == 2 * len(first)
    assert sorted((n.pitch, round(n.start, 6)) for n in perf.notes[:len(first)]) == \
        sorted((n.pitch, round(n.start, 6)) for n in first)
    second = sorted(perf.notes, key=lambda n: n.start)[len(first):]
    assert min(n.start for n in second) == pytest.approx(4 * 2.4)
    assert perf.onset == first_sound(wav)


def test_performance_at_another_tempo_and_rate_is_rendered_from_the_midi():
    perf = make_performance(3, 150.0, 44100, SOUNDFONT)  # FluidSynth, for real
    bar_s = 4 * 60 / 150
    assert perf.audio.shape == (int(round(3 * bar_s * 44100)) + int(TAIL_S * 44100),)
    assert perf.rate == 44100 and perf.seconds == pytest.approx(3 * bar_s)
    assert np.abs(perf.audio).max() == pytest.approx(10 ** (-3 / 20), rel=1e-3)
    assert perf.onset < 0.01 * 44100  # the first chord is on the downbeat
    # 3 bars: the loop is cut after bar 3, notes clipped at its end, none after it
    assert max(n.end for n in perf.notes) <= 3 * bar_s + 1e-9
    assert max(n.start for n in perf.notes) < 3 * bar_s
    # each bar sounds: RMS per bar well above the silence threshold
    for b in range(3):
        seg = perf.audio[int(b * bar_s * 44100):int((b + 1) * bar_s * 44100)]
        assert np.sqrt(np.mean(seg ** 2)) > 0.01


def test_read_midi_round_trips_the_recorders_file(tmp_path):
    notes = [(NoteEvent("bass", 36, 100, 0.0, 1.0), 0.25, 0.6),
             (NoteEvent("keys", 60, 70, 0.0, 1.0), 0.5, 1.0),
             (NoteEvent("keys", 64, 70, 0.0, 1.0), 0.5, 1.0),
             (NoteEvent("drums", 42, 90, 0.0, 0.25), 1.0, 0.1)]
    path = tmp_path / "notes.mid"
    write_notes_midi(path, notes, 90.0, stems=STEMS)
    tracks = pianoroll.read_midi(path)
    assert set(tracks) == {"bass", "keys", "drums"}  # lead has no notes
    assert [(n.pitch, n.velocity) for n in tracks["keys"]] == [(60, 70), (64, 70)]
    tick = 60 / 90 / 480
    b = tracks["bass"][0]
    assert b.start == pytest.approx(0.25, abs=tick) and b.end == pytest.approx(0.85, abs=tick)
    assert tracks["drums"][0].start == pytest.approx(1.0, abs=tick)
    assert pianoroll.midi_bpm(path) == pytest.approx(90.0)


def test_read_midi_follows_tempo_changes(tmp_path):
    mid = mido.MidiFile(type=1, ticks_per_beat=480)
    t = mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(120), time=0),
                        mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(60), time=960)])
    n = mido.MidiTrack([mido.MetaMessage("track_name", name="x", time=0),
                        mido.Message("note_on", note=60, velocity=80, time=480),  # beat 1: 0.5 s
                        mido.Message("note_on", note=60, velocity=0, time=960)])  # beat 3: 1 s + 1 s
    mid.tracks += [t, n]
    mid.save(tmp_path / "t.mid")
    (note,) = pianoroll.read_midi(tmp_path / "t.mid")["x"]
    assert (note.start, note.end) == (pytest.approx(0.5), pytest.approx(2.0))


def test_plot_draws_every_track_in_its_colour(tmp_path):
    from matplotlib.colors import to_rgb
    from matplotlib.image import imread
    N = pianoroll.Note
    tracks = {"input": [N(60, 100, 0.0, 1.0), N(64, 100, 1.0, 2.0)],
              "bass": [N(36, 127, 0.0, 2.0)], "keys": [N(60, 127, 0.5, 1.5)],
              "lead": [], "drums": [N(36, 127, 0.0, 0.1), N(42, 127, 0.5, 0.6)]}
    path = pianoroll.plot(tracks, tmp_path / "roll.png", bar_lines=[0.0, 1.0, 2.0], title="t")
    img = imread(path)[:, :, :3]  # (rows, cols, rgb) floats
    assert img.shape[0] > 300 and img.shape[1] > 1000
    for name in ("input", "bass", "keys", "drums"):
        close = np.abs(img - np.array(to_rgb(pianoroll.COLOURS[name]))).max(axis=2) < 0.03
        assert close.sum() > 50, name  # loud notes: the pure track colour, many pixels of it
    lead = np.abs(img - np.array(to_rgb(pianoroll.COLOURS["lead"]))).max(axis=2) < 0.03
    assert lead.sum() == 0  # the empty row shows no notes
    with pytest.raises(ValueError):
        pianoroll.plot({}, tmp_path / "none.png")


def test_decode_osc_reads_what_the_daemon_sends():
    msg = build_message("/lmdm/status", ("playing", 100.0, 3, 1.5, 3, 0.02, 48.0, 300.0, 0, 1))
    ((addr, args),) = decode_osc(msg)
    assert addr == "/lmdm/status"
    assert args[0] == "playing" and args[2] == 3 and args[9] == 1
    assert args[1] == pytest.approx(100.0) and args[7] == pytest.approx(300.0)
    bundle = build_bundle([("/lmdm/note", ("bass", 36, 100, 250.0)), ("/lmdm/note", ("keys", 60, 70, 500.0))],
                          1.7e9)
    got = decode_osc(bundle)
    assert [(a, x[0], x[1]) for a, x in got] == [("/lmdm/note", "bass", 36), ("/lmdm/note", "keys", 60)]
    assert decode_osc(build_message("/lmdm/value", ("record", ""))) == [("/lmdm/value", ("record", ""))]


def test_block_beats_option_is_auto_by_default_and_one_of_0_1_2_4():
    p = argparse.ArgumentParser()
    add_arguments(p)
    assert p.parse_args([]).block_beats == 0.0 and p.parse_args(["--block-beats", "4"]).block_beats == 4.0
    with pytest.raises(SystemExit):
        p.parse_args(["--block-beats", "3"])
