"""Feature values mean what they say: pitch classes, bass, attacks, level."""
from __future__ import annotations

import numpy as np

from model.features import BASS, CHROMA, LOUDNESS, ONSET, audio_features, notes_features

SR = 48000
SPF = SR * 60 / 120 / 4  # 6000 samples: sixteenths at 120 bpm


def tone(freqs, seconds=1.0, amp=0.1, start=0.0):
    t = np.arange(int(SR * seconds)) / SR
    y = sum(amp * np.sin(2 * np.pi * f * t) for f in freqs)
    return np.where(t >= start, y, 0.0).astype(np.float32)


def test_sine_chroma_names_its_pitch_class():
    for midi in (57, 60, 64, 69, 76):  # A3 C4 E4 A4 E5
        f = 440.0 * 2 ** ((midi - 69) / 12)
        a = audio_features(tone([f]), SR, SPF)
        assert np.all(a[2:, CHROMA].argmax(axis=1) == midi % 12), midi


def test_bass_chroma_follows_the_lowest_note():
    # A1 (55 Hz) under a C major triad: bass says A, chroma has A, C, E and G
    y = tone([55.0, 261.63, 329.63, 392.0], seconds=1.5)
    a = audio_features(y, SR, SPF)[4:]
    assert np.all(a[:, BASS].argmax(axis=1) == 9)
    top4 = np.sort(np.argsort(a[:, CHROMA].mean(axis=0))[-4:])
    assert list(top4) == [0, 4, 7, 9]


def test_high_melody_has_no_bass():
    a = audio_features(tone([880.0]), SR, SPF)[2:]
    assert np.all(a[:, BASS] == 0.0)
    assert np.all(a[:, CHROMA].argmax(axis=1) == 9)


def test_silence_is_all_zero_and_quiet_is_gated():
    assert np.all(audio_features(np.zeros(SR, np.float32), SR, SPF) == 0.0)
    a = audio_features(tone([440.0], amp=1e-4), SR, SPF)  # -83 dBFS
    assert np.all(a[:, CHROMA] == 0.0) and np.all(a[:, LOUDNESS] == 0.0)


def test_loudness_maps_dbfs_to_unit_range():
    # a sine of amplitude A has mean square A^2/2: amplitude 0.1414 -> -20 dBFS -> 40/60
    a = audio_features(tone([440.0], amp=0.1414), SR, SPF)
    np.testing.assert_allclose(a[2:, LOUDNESS], 40 / 60, atol=0.01)
    b = audio_features(tone([440.0], amp=0.01414), SR, SPF)  # -40 dBFS
    np.testing.assert_allclose(b[2:, LOUDNESS], 20 / 60, atol=0.01)


def test_onset_peaks_at_the_attack_frame():
    start = 5 * SPF / SR + 0.002  # just inside frame 5
    a = audio_features(tone([440.0], seconds=1.0, start=start), SR, SPF)
    assert a[:, ONSET].argmax() == 5
    assert a[5, ONSET] > 0.5
    assert np.all(a[7:, ONSET] < 0.1)  # a steady tone has no onsets


def test_notes_features_shape_and_meaning():
    notes = [(48, 100, 0.0, 2.0), (64, 80, 0.0, 2.0), (67, 80, 0.0, 2.0), (72, 100, 1.0, 1.5)]
    n = notes_features(notes, 12, 4)
    assert n.shape == (12, 26) and n.dtype == np.float32
    assert np.all(n[:8, CHROMA].argmax(axis=1) == 0)  # C sounds twice and loudest
    assert np.all(n[:8, BASS].argmax(axis=1) == 0) and np.all(n[:8, BASS].sum(axis=1) == 1.0)
    assert n[0, ONSET] > 0.5 and n[4, ONSET] > 0.1 and n[1, ONSET] == 0.0
    assert np.all(n[8:] == 0.0)  # nothing sounds after beat 2
    assert np.all(n[:8, LOUDNESS] > 0.3)
