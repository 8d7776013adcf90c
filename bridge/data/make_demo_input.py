"""Make the bundled demo input: a short piano performance as MIDI and as audio.

    .venv/bin/python bridge/data/make_demo_input.py [OUT_DIR]   # default: next to this file

demo_input.mid  8 bars at 100 bpm, 4/4, one piano track (channel 1, program 0): the loop
                C - Am - F - G twice; left hand roots on beats 1 and 3, right hand triads,
                a melody on top (chord tones on strong beats, passing tones between).
demo_input.wav  the first 4 bars (one pass of the loop) + 0.5 s of release, rendered by
                FluidSynth (model.synth.render_notes, FluidR3_GM piano), mono 48 kHz
                16-bit, peak-normalised to -3 dBFS: 970 kB, inside the 1 MB budget that
                8 bars (1.9 MB) would not fit.
Everything is written out below, nothing is random: the files are reproducible.
"""
from __future__ import annotations

import sys
import wave
from pathlib import Path

import mido
import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # run as a plain script from anywhere

from model.synth import render_notes  # noqa: E402

BPM = 100.0
SAMPLE_RATE = 48000
SOUNDFONT = "/usr/share/sounds/sf2/FluidR3_GM.sf2"
WAV_BARS = 4
TAIL_S = 0.5

# (bass root, right-hand triad) per bar
CHORDS = {"C": (48, (60, 64, 67)), "Am": (45, (57, 60, 64)), "F": (41, (57, 60, 65)), "G": (43, (59, 62, 67))}
PROGRESSION = ["C", "Am", "F", "G", "C", "Am", "F", "G"]
# melody per bar: (pitch, start beat in the bar, beats)
MELODY = [
    [(76, 0, 1), (79, 1, 1), (77, 2, 0.5), (76, 2.5, 0.5), (74, 3, 1)],
    [(72, 0, 1.5), (76, 1.5, 0.5), (81, 2, 1), (79, 3, 1)],
    [(77, 0, 1), (76, 1, 0.5), (74, 1.5, 0.5), (72, 2, 1), (69, 3, 1)],
    [(71, 0, 1), (74, 1, 1), (79, 2, 2)],
    [(79, 0, 0.5), (76, 0.5, 0.5), (72, 1, 1), (76, 2, 1), (79, 3, 1)],
    [(81, 0, 1), (84, 1, 1), (83, 2, 0.5), (81, 2.5, 0.5), (79, 3, 1)],
    [(77, 0, 1.5), (81, 1.5, 0.5), (79, 2, 1), (77, 3, 1)],
    [(74, 0, 1), (71, 1, 1), (74, 2, 1), (79, 3, 1)],
]


def demo_notes(bars: int = len(PROGRESSION)) -> list[tuple[int, int, float, float]]:
    """(pitch, velocity, start_beat, end_beat) of the performance's first `bars` bars."""
    notes = []
    for bar in range(bars):
        root, triad = CHORDS[PROGRESSION[bar]]
        t = 4.0 * bar
        for beat in (0.0, 2.0):
            notes.append((root, 80, t + beat, t + beat + 1.9))
            notes += [(p, 62, t + beat, t + beat + 1.9) for p in triad]
        notes += [(p, 96 if s == int(s) else 84, t + s, t + s + d * 0.95) for p, s, d in MELODY[bar]]
    return sorted(notes, key=lambda n: (n[2], n[0]))


def write_midi(path: Path, notes) -> None:
    ticks = 480
    track = mido.MidiTrack([
        mido.MetaMessage("track_name", name="piano", time=0),
        mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(BPM), time=0),
        mido.MetaMessage("time_signature", numerator=4, denominator=4, time=0),
        mido.Message("program_change", channel=0, program=0, time=0),
    ])
    events = []
    for p, v, s, e in notes:
        events.append((round(s * ticks), 1, p, v))
        events.append((round(e * ticks), 0, p, 0))
    now = 0
    for t, on, p, v in sorted(events):
        track.append(mido.Message("note_on" if on else "note_off", channel=0, note=p, velocity=v, time=t - now))
        now = t
    track.append(mido.MetaMessage("end_of_track", time=0))
    mido.MidiFile(type=1, ticks_per_beat=ticks, tracks=[track]).save(str(path))


def write_wav(path: Path, notes) -> None:
    y = render_notes(notes, BPM, SAMPLE_RATE, SOUNDFONT, program=0, tail_s=TAIL_S + 0.5)
    n = int(round((WAV_BARS * 4 * 60.0 / BPM + TAIL_S) * SAMPLE_RATE))
    y = np.pad(y, (0, max(0, n - y.shape[0])))[:n]
    y *= 10 ** (-3 / 20) / np.abs(y).max()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(np.round(y * 32767).astype("<i2").tobytes())


def main(out: Path = HERE) -> None:
    out = Path(out)
    write_midi(out / "demo_input.mid", demo_notes())
    write_wav(out / "demo_input.wav", demo_notes(WAV_BARS))
    for name in ("demo_input.mid", "demo_input.wav"):
        print(f"{out / name}: {(out / name).stat().st_size} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
