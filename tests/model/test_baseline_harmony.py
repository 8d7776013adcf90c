"""The baseline listens: its bass and keys follow the input's harmony; drums keep the grid."""
from __future__ import annotations

import numpy as np
import pytest

from model.api import Block, Controls, MidiEvent
from model.baseline import create

SR = 48000
BPM = 120.0
BAR = SR * 2
# C F G Am: (bass pitch, triad pitches)
PROGRESSION = [(36, (60, 64, 67)), (41, (60, 65, 69)), (43, (62, 67, 71)), (45, (60, 64, 69))]


def sines(pitches, seconds):
    t = np.arange(int(SR * seconds)) / SR
    return sum(0.08 * np.sin(2 * np.pi * 440 * 2 ** ((p - 69) / 12) * t) for p in pitches)


def progression_audio(bars):
    return np.concatenate([sines((b, *tri), BAR / SR) for b, tri in
                           (PROGRESSION[i % 4] for i in range(bars))]).astype(np.float32)


def pcs(i):
    bass, tri = PROGRESSION[i % 4]
    return {bass % 12} | {p % 12 for p in tri}


def feed(gen, x):
    for i in range(0, x.shape[0], 1024):
        gen.observe(x[i:i + 1024, None], [])


def stems(block_out, stem):
    return [n for n in block_out.notes if n.stem == stem]


@pytest.mark.parametrize("density", [0.2, 0.5, 0.9])
def test_delay_mode_revoices_each_heard_bar(density):
    gen = create(SR)
    gen.reset()
    x = progression_audio(8)
    good = total = 0
    for b in range(8):
        feed(gen, x[b * BAR:(b + 1) * BAR])
        out = gen.generate(Block(b, 4.0 * b, 4.0, BPM, BAR, b * BAR, BAR, "delay"), Controls(seed=b, density=density))
        bass, keys = stems(out, "bass"), stems(out, "keys")
        assert bass[0].pitch % 12 == PROGRESSION[b % 4][0] % 12  # the root, on the downbeat
        for n in bass + keys:
            total += 1
            good += n.pitch % 12 in pcs(b)
    assert good / total >= 0.9, good / total


def test_accompany_on_a_held_chord_plays_its_tones():
    gen = create(SR)
    gen.reset()
    x = sines((48, 60, 64, 67), 8 * BAR / SR).astype(np.float32)  # C major, 8 bars
    good = total = 0
    for b in range(8):
        feed(gen, x[b * BAR:(b + 1) * BAR])
        # block b+1 is scheduled 50 ms before bar b ends: the bar's tail is not heard yet
        out = gen.generate(Block(b + 1, 4.0 * (b + 1), 4.0, BPM, BAR, (b + 1) * BAR, -2400, "accompany"),
                           Controls(seed=b))
        for n in stems(out, "bass") + stems(out, "keys"):
            total += 1
            good += n.pitch % 12 in {0, 4, 7}
        assert stems(out, "bass")[0].pitch % 12 == 0
    assert good / total >= 0.9, good / total


def test_accompany_follows_a_repeating_progression_ahead():
    # Input plays C F G Am again and again. The block for bar k is scheduled before bar k is
    # heard; once the loop was heard twice the baseline plays bar k's chord, not bar k-1's.
    gen = create(SR)
    gen.reset()
    x = progression_audio(16)
    roots = []
    for b in range(16):
        start = b * BAR
        feed(gen, x[start - BAR:start] if b else x[:0])
        out = gen.generate(Block(b, 4.0 * b, 4.0, BPM, BAR, start, -2400, "accompany"), Controls(seed=b))
        roots.append(stems(out, "bass")[0].pitch % 12)
    want = [PROGRESSION[b % 4][0] % 12 for b in range(16)]
    assert roots[10:] == want[10:], (roots, want)


def test_midi_input_drives_the_chords_like_audio():
    gen = create(SR)
    gen.reset()
    silence = np.zeros((1024, 1), np.float32)
    for b in range(4):
        bass, tri = PROGRESSION[b]
        for i in range(0, BAR, 1024):
            ev = []
            if i == 0:
                ev = [MidiEvent(0, bytes([0x90, p, 90])) for p in (bass, *tri)]
            elif i + 1024 >= BAR:
                ev = [MidiEvent(BAR - i - 1, bytes([0x80, p, 0])) for p in (bass, *tri)]
            gen.observe(silence, ev)
        out = gen.generate(Block(b, 4.0 * b, 4.0, BPM, BAR, b * BAR, BAR, "delay"), Controls(seed=0))
        assert stems(out, "bass")[0].pitch % 12 == bass % 12
        assert {n.pitch % 12 for n in stems(out, "keys")} == {p % 12 for p in tri}


@pytest.mark.parametrize("bpm,start_beat", [(90.0, 0.0), (150.0, 2.0), (120.0, 8.0)])
def test_drums_follow_the_blocks_tempo_grid(bpm, start_beat):
    gen = create(SR)
    gen.reset()
    samples = int(round(4 * 60 / bpm * SR))
    out = gen.generate(Block(0, start_beat, 4.0, bpm, samples, 0, 0, "free"), Controls(seed=0, density=0.5))
    drums = stems(out, "drums")
    assert drums
    for n in drums:
        assert abs(n.start * 4 - round(n.start * 4)) < 1e-9
    bar_pos = lambda n: (start_beat + n.start) % 4  # noqa: E731
    kicks = {bar_pos(n) for n in drums if n.pitch == 36}
    snares = {bar_pos(n) for n in drums if n.pitch == 38}
    assert {0.0, 2.0} <= kicks and snares == {1.0, 3.0}
    hats = sorted(n.start for n in drums if n.pitch in (42, 46))
    assert np.allclose(np.diff(hats), 0.5)  # steady eighths at this density
