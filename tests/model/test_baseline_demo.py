"""The bundled demo input (bridge/data) is what its script makes, and the baseline hears
its C - Am - F - G loop from the audio and from the MIDI file alike."""
from __future__ import annotations

import subprocess
import sys
import wave
from pathlib import Path

import mido
import numpy as np

from model.api import Block, Controls, MidiEvent
from model.baseline import create

DATA = Path(__file__).resolve().parents[2] / "bridge" / "data"
SR = 48000
BPM = 100.0
BAR = int(SR * 4 * 60 / BPM)  # 115200 samples
ROOTS = [0, 9, 5, 7]  # C Am F G


def test_demo_files_are_reproducible_and_in_budget(tmp_path):
    subprocess.run([sys.executable, str(DATA / "make_demo_input.py"), str(tmp_path)], check=True,
                   capture_output=True)
    for name in ("demo_input.mid", "demo_input.wav"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name
    assert (DATA / "demo_input.wav").stat().st_size <= 1_000_000
    with wave.open(str(DATA / "demo_input.wav")) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, SR)
        assert w.getnframes() >= 4 * BAR
    mid = mido.MidiFile(str(DATA / "demo_input.mid"))
    tempo = next(m.tempo for m in mid.tracks[0] if m.type == "set_tempo")
    assert mido.tempo2bpm(tempo) == BPM
    assert 7.5 * 4 * 60 / BPM < mid.length <= 8 * 4 * 60 / BPM  # 8 bars


def heard_roots(gen, feed_bar, bars):
    roots = []
    for b in range(bars):
        feed_bar(b)
        out = gen.generate(Block(b, 4.0 * b, 4.0, BPM, BAR, b * BAR, BAR, "delay"), Controls(seed=0))
        roots.append(next(n.pitch % 12 for n in out.notes if n.stem == "bass"))
    return roots


def test_baseline_hears_the_demo_audio_loop():
    with wave.open(str(DATA / "demo_input.wav")) as w:
        x = np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float32) / 32768.0
    gen = create(SR)
    gen.reset()

    def feed(b):
        seg = x[b * BAR:(b + 1) * BAR, None]
        for i in range(0, BAR, 1024):
            gen.observe(seg[i:i + 1024], [])

    assert heard_roots(gen, feed, 4) == ROOTS


def test_baseline_hears_the_demo_midi_loop():
    mid = mido.MidiFile(str(DATA / "demo_input.mid"))
    events, t = [], 0.0
    for msg in mid:  # iterating a MidiFile yields delta times in seconds
        t += msg.time
        if msg.type in ("note_on", "note_off"):
            events.append((int(round(t * SR)), bytes(msg.bytes())))
    gen = create(SR)
    gen.reset()
    silence = np.zeros((1024, 1), np.float32)

    def feed(b):
        for i in range(b * BAR, (b + 1) * BAR, 1024):
            gen.observe(silence, [MidiEvent(s - i, d) for s, d in events if i <= s < i + 1024])

    assert heard_roots(gen, feed, 8) == ROOTS * 2
