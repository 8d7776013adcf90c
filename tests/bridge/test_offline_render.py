"""`lmdm render`: the live engine's core driven from a file. On the bundled short inputs it
writes non-silent stems, a mix and a valid MIDI file with one track per stem."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import mido
import numpy as np
import pytest
from scipy.io import wavfile

from bridge.config import load_config
from bridge.offline import read_input, render
from model.api import STEMS

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "bridge" / "data"
SR = 48000


def _lmdm(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bridge.cli", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=240)


def _check_outputs(out: Path, min_seconds: float, every_stem: bool) -> None:
    lengths, sounding = set(), []
    for stem in STEMS:
        rate, audio = wavfile.read(out / f"{stem}.wav")
        assert rate > 0 and audio.ndim == 1
        if np.abs(audio).max() > 1e-3:
            sounding.append(stem)
        lengths.add(audio.shape[0])
    # every stem must sound with the baseline; what a learned model plays is its own business
    assert sounding == list(STEMS) if every_stem else sounding, f"sounding stems: {sounding}"
    rate, mix = wavfile.read(out / "mix.wav")
    assert mix.shape[1] == 2 and np.abs(mix).max() > 0.01
    lengths.add(mix.shape[0])
    assert len(lengths) == 1 and lengths.pop() >= min_seconds * rate
    midi = mido.MidiFile(out / "notes.mid")
    names = {t.name for t in midi.tracks}
    assert set(STEMS) <= names, names
    for track in midi.tracks:
        if track.name in sounding:
            assert any(m.type == "note_on" and m.velocity > 0 for m in track), f"no notes in {track.name}"


@pytest.mark.slow
@pytest.mark.parametrize("name, model", [("demo_input.wav", None), ("demo_input.mid", None),
                                         ("demo_input.wav", "baseline")])
def test_render_bundled_input_writes_stems_mix_and_midi(tmp_path, name, model):
    src = DATA / name
    assert src.is_file(), f"bundled input {src} is missing"
    extra = ("--model", model) if model else ()  # None: the shipped default model
    r = _lmdm("render", "--input", str(src), "--out", str(tmp_path / "out"), "--seed", "1", *extra)
    assert r.returncode == 0, r.stderr
    assert "notes" in r.stdout and "mix.wav" in r.stdout
    audio, _, rate, _ = read_input(src, SR)
    _check_outputs(tmp_path / "out", audio.shape[0] / rate * 0.99, every_stem=model == "baseline")


def _sine_file(tmp_path: Path, seconds: float = 4.0) -> Path:
    t = np.arange(int(seconds * SR)) / SR
    x = 0.4 * (np.sin(2 * np.pi * 220 * t) + np.sin(2 * np.pi * 277.18 * t) + np.sin(2 * np.pi * 329.63 * t)) / 3
    path = tmp_path / "chord.wav"
    wavfile.write(path, SR, (x * 32767).astype(np.int16))
    return path


def test_render_is_deterministic_and_covers_the_input(tmp_path):
    audio, midi, rate, _ = read_input(_sine_file(tmp_path), SR)
    cfg = load_config(None, {"generation": {"seed": 3, "model": "baseline"}, "engine": {"bpm": 120.0}})
    a = render(cfg, audio, midi, rate)
    b = render(cfg, audio, midi, rate)
    # 4 s at 120 bpm = two 4/4 bars, in one-beat blocks (block_beats auto, accompany mode)
    assert a.blocks == 8 and a.stems.shape == (4, 2 * 96000)
    assert np.array_equal(a.stems, b.stems) and a.notes == b.notes
    assert all(np.abs(a.stems[i]).max() > 0.01 for i in range(4))
    # every note lies inside the output, and starts on the block it belongs to
    for note, start, dur, bpm in a.notes:
        assert 0 <= start < a.stems.shape[1] and dur > 0 and bpm == 120.0


def test_render_loads_a_model_the_config_names(tmp_path):
    """`lmdm render --config FILE --model NAME` with NAME from the file's models: section:
    the same notes as the built-in it is configured as."""
    f = tmp_path / "studio.yaml"
    f.write_text("models:\n  plain: {type: baseline, history_s: 30.0}\n")
    src = _sine_file(tmp_path)
    runs = {m: _lmdm("render", "--input", str(src), "--out", str(tmp_path / m), "--seed", "2", "--bpm", "120",
                     "--config", str(f), "--model", m) for m in ("plain", "baseline")}
    assert all(r.returncode == 0 for r in runs.values()), [r.stderr for r in runs.values()]
    notes = {m: mido.MidiFile(tmp_path / m / "notes.mid") for m in runs}
    on = {m: [(t.name, x.note) for t in mf.tracks for x in t if x.type == "note_on" and x.velocity]
          for m, mf in notes.items()}
    assert on["plain"] and on["plain"] == on["baseline"]
    bad = _lmdm("render", "--input", str(src), "--out", str(tmp_path / "x"), "--config", str(f), "--model", "nosuch")
    assert bad.returncode != 0 and "nosuch" in bad.stderr


def test_delay_mode_answers_two_blocks_later(tmp_path):
    audio, midi, rate, _ = read_input(_sine_file(tmp_path), SR)
    cfg = load_config(None, {"generation": {"seed": 3, "model": "baseline"}, "engine": {"bpm": 120.0, "mode": "delay"}})
    r = render(cfg, audio, midi, rate)
    assert r.blocks == 4  # two input bars, answered two bars later
    assert not r.stems[:, :2 * 96000].any(), "nothing to answer in the first two blocks"
    assert np.abs(r.stems[:, 2 * 96000:]).max() > 0.01
    assert min(start for _, start, _, _ in r.notes) >= 2 * 96000


def test_render_help_and_clear_errors(tmp_path):
    r = _lmdm("render", "--help")
    assert r.returncode == 0 and "--input" in r.stdout and "accompany" in r.stdout
    r = _lmdm("render", "--input", str(tmp_path / "missing.wav"), "--out", str(tmp_path / "o"))
    assert r.returncode == 2 and "not found" in r.stderr
    bad = tmp_path / "x.txt"
    bad.write_text("hello")
    r = _lmdm("render", "--input", str(bad), "--out", str(tmp_path / "o"))
    assert r.returncode == 2 and ".wav or .mid" in r.stderr


def test_render_takes_the_midi_files_meter(tmp_path):
    """A MIDI file in 3/4 renders in 3/4 (the baseline's bass on each 3/4 downbeat, the
    written notes.mid in 3/4); --beats-per-bar wins over the file; 7/8 (not whole beats)
    leaves the config's meter."""
    from bridge.offline import midi_meter

    def waltz(path: Path, num: int, den: int) -> Path:
        mid = mido.MidiFile(ticks_per_beat=480)
        tr = mido.MidiTrack()
        mid.tracks.append(tr)
        tr.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(120)))
        tr.append(mido.MetaMessage("time_signature", numerator=num, denominator=den))
        for bar in range(6):
            tr.append(mido.Message("note_on", note=48, velocity=90, time=0 if bar == 0 else 1440 - 400))
            tr.append(mido.Message("note_off", note=48, velocity=0, time=400))
        mid.save(path)
        return path

    src = waltz(tmp_path / "waltz.mid", 3, 4)
    assert midi_meter(src) == 3 and midi_meter(waltz(tmp_path / "six.mid", 6, 8)) == 3
    assert midi_meter(waltz(tmp_path / "seven.mid", 7, 8)) is None and midi_meter(_sine_file(tmp_path)) is None
    cfg = tmp_path / "sparse.yaml"
    cfg.write_text("engine:\n  block_beats: 0\n  mode: free\ngeneration:\n  model: baseline\n  density: 0.1\n")
    r = _lmdm("render", "--input", str(src), "--out", str(tmp_path / "out"), "--seed", "1", "--config", str(cfg))
    assert r.returncode == 0, r.stderr
    assert "in 3/4" in r.stdout
    midi = mido.MidiFile(tmp_path / "out" / "notes.mid")
    sig = [m for t in midi.tracks for m in t if m.type == "time_signature"]
    assert [(m.numerator, m.denominator) for m in sig] == [(3, 4)]
    bass = next(t for t in midi.tracks if t.name == "bass")
    ticks, starts = 0, []
    for m in bass:
        ticks += m.time
        if m.type == "note_on" and m.velocity > 0:
            starts.append(ticks / midi.ticks_per_beat)
    assert starts and all(abs(b % 3) < 1e-6 for b in starts), starts  # whole 3/4 bars on the root
    r = _lmdm("render", "--input", str(src), "--out", str(tmp_path / "five"), "--seed", "1", "--config", str(cfg),
              "--beats-per-bar", "5")
    assert r.returncode == 0 and "in 5/4" in r.stdout, r.stderr
