"""The notes path matches the audio path: notes rendered by real FluidSynth give the same
chroma, bass chroma (and, roughly, onsets and loudness) as the notes themselves."""
from __future__ import annotations

import functools

import numpy as np
import pytest

from model.features import BASS, CHROMA, LOUDNESS, ONSET, audio_features, notes_features
from model.synth import render_notes

SF2 = "/usr/share/sounds/sf2/FluidR3_GM.sf2"
SR, BPM, FPB = 48000, 100, 4
SPF = SR * 60 / BPM / FPB

# I - vi - IV - V - ii - iii - bVII - I; each chord held 2 beats: bass root + close triad
PROGRESSION = [(0, "maj"), (9, "min"), (5, "maj"), (7, "maj"), (2, "min"), (4, "min"), (10, "maj"), (0, "maj")]


def chord_notes():
    notes = []
    for i, (root, q) in enumerate(PROGRESSION):
        third = 4 if q == "maj" else 3
        s, e = 2.0 * i, 2.0 * i + 2.0
        notes.append((36 + root, 90, s, e))
        notes += [(57 + (root + iv - 9) % 12, 80, s, e) for iv in (0, third, 7)]
    return notes


@functools.lru_cache(maxsize=None)  # one rendering per program for the whole module
def _features(program: int):
    notes = chord_notes()
    n_frames = 2 * FPB * len(PROGRESSION)
    a = audio_features(render_notes(notes, BPM, SR, SF2, program=program), SR, SPF, n_frames)
    return a, notes_features(notes, n_frames, FPB)


# skip the first two frames of each chord: the analysis windows still hold the last one
SETTLED = [f for f in range(2 * FPB * len(PROGRESSION)) if f % 8 >= 2]


@pytest.mark.parametrize("program", [0, 19, 24])  # piano, organ, nylon guitar
def test_rendered_chords_agree_with_their_notes_on_argmax(program):
    a, n = _features(program)
    f = SETTLED
    assert np.mean(a[f, CHROMA].argmax(1) == n[f, CHROMA].argmax(1)) >= 0.85
    assert np.mean(a[f, BASS].argmax(1) == n[f, BASS].argmax(1)) >= 0.9


@pytest.mark.parametrize("program", [4, 33, 48, 80])  # e-piano, bass, strings, square lead
def test_other_timbres_put_the_audio_argmax_in_the_chord(program):
    # timbre moves energy between chord tones (harmonics), never outside the chord
    a, n = _features(program)
    f = SETTLED
    am = a[f, CHROMA].argmax(1)
    assert np.mean(n[f, am] > 0) >= 0.95
    cos = np.sum(a[f, CHROMA] * n[f, CHROMA], 1) / np.linalg.norm(a[f, CHROMA], axis=1) / np.linalg.norm(n[f, CHROMA], axis=1)
    assert cos.mean() >= 0.75


@pytest.mark.parametrize("program", [0, 24])  # struck and plucked: sharp attacks
def test_rendered_onsets_are_on_the_notes_scale(program):
    a, n = _features(program)
    attacks = np.arange(0, a.shape[0], 8)
    between = np.setdiff1d(np.arange(a.shape[0]), np.concatenate([attacks, attacks + 1]))
    assert np.all(n[attacks, ONSET] > 0.5) and np.all(a[attacks, ONSET] > 0.3)
    assert np.abs(a[attacks, ONSET] - n[attacks, ONSET]).mean() < 0.25
    assert a[between, ONSET].max() < 0.3 and n[between, ONSET].max() == 0.0


@pytest.mark.parametrize("program,tol", [(0, 0.2), (48, 0.08)])  # piano decays faster
def test_rendered_loudness_is_on_the_notes_scale(program, tol):
    a, n = _features(program)
    assert np.abs(a[:, LOUDNESS] - n[:, LOUDNESS]).mean() < tol
