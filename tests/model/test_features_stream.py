"""FeatureStream: streaming equals offline for any chunking; unheard frames are zeros."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from model.features import FEATURE_DIM, FeatureStream, audio_features

SR = 48000
SPF = SR * 60 / 110 / 4  # sixteenths at 110 bpm: a non-integer frame length


def _signal(seconds: float = 3.0, seed: int = 0) -> np.ndarray:
    """Decaying tones with attacks plus a little noise: exercises every feature."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(SR * seconds)) / SR
    y = 0.01 * rng.standard_normal(t.shape)
    for i, f in enumerate((110.0, 220.0, 261.63, 329.63, 392.0, 55.0)):
        onset = 0.4 * i
        env = np.where(t >= onset, np.exp(-(t - onset) * 2.0), 0.0)
        y += 0.2 * env * np.sin(2 * np.pi * f * t)
    return y.astype(np.float32)


SIGNAL = _signal()
OFFLINE = audio_features(SIGNAL, SR, SPF)


def _stream(chunks: list[int], signal: np.ndarray = SIGNAL) -> FeatureStream:
    fs = FeatureStream(SR)
    i = k = 0
    while i < signal.shape[0]:
        n = chunks[k % len(chunks)]
        fs.push(signal[i:i + n])
        i += n
        k += 1
    return fs


def test_offline_features_are_well_formed():
    assert OFFLINE.shape == (int(SIGNAL.shape[0] // SPF), FEATURE_DIM)
    assert OFFLINE.dtype == np.float32
    assert np.all(OFFLINE >= 0.0) and np.all(OFFLINE <= 1.0 + 1e-6)
    assert OFFLINE[:, 24].max() > 0.3  # the attacks are seen
    assert np.all(OFFLINE[:, 25] > 0.3)  # never silent


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=5000).map(lambda n: n if n > 64 else n * 64), min_size=1, max_size=6))
def test_streaming_equals_offline_for_any_chunking(chunks):
    fs = _stream(chunks)
    assert fs.samples_seen == SIGNAL.shape[0]
    np.testing.assert_allclose(fs.grid(0, OFFLINE.shape[0], SPF), OFFLINE, rtol=1e-4, atol=1e-5)


def test_period_sized_chunks_stereo_equal_mono_mix():
    stereo = np.stack([SIGNAL, SIGNAL], axis=1)  # (n, 2): the mean of equal channels is the signal
    fs = _stream([1024], stereo)
    np.testing.assert_allclose(fs.grid(0, OFFLINE.shape[0], SPF), OFFLINE, rtol=1e-4, atol=1e-5)


def test_frames_not_yet_heard_are_zeros_and_fill_in_later():
    fs = FeatureStream(SR)
    half = int(10.5 * SPF)
    fs.push(SIGNAL[:half])
    g = fs.grid(0, 20, SPF)
    assert np.all(g[11:] == 0.0)  # frame 10 ends after `half`: not complete
    np.testing.assert_allclose(g[:10], OFFLINE[:10], rtol=1e-4, atol=1e-5)
    fs.push(SIGNAL[half:])
    np.testing.assert_allclose(fs.grid(0, 20, SPF), OFFLINE[:20], rtol=1e-4, atol=1e-5)


def test_grid_at_an_offset_and_before_zero():
    fs = _stream([777])
    start = int(3 * SPF)
    np.testing.assert_allclose(fs.grid(start, 8, SPF), OFFLINE[3:11], rtol=1e-4, atol=1e-5)
    g = fs.grid(-4 * 6000, 6, 6000)  # four frames before the stream began: silence
    assert np.all(g[:4] == 0.0)
    np.testing.assert_allclose(g[4:], audio_features(SIGNAL, SR, 6000)[:2], rtol=1e-4, atol=1e-5)


def test_reset_restarts_the_stream():
    fs = _stream([4096])
    fs.reset()
    assert fs.samples_seen == 0
    assert np.all(fs.grid(0, 10, SPF) == 0.0)
    fs.push(SIGNAL)
    np.testing.assert_allclose(fs.grid(0, OFFLINE.shape[0], SPF), OFFLINE, rtol=1e-4, atol=1e-5)


def test_history_ring_forgets_old_frames():
    fs = FeatureStream(SR, history_s=1.0)
    fs.push(SIGNAL)
    g = fs.grid(0, OFFLINE.shape[0], SPF)
    assert np.all(g[:4] == 0.0)  # older than one second: gone
    np.testing.assert_allclose(g[-4:], OFFLINE[-4:], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("rate", [44100, 96000])
def test_other_rates_stream_equals_offline(rate):
    y = SIGNAL[: rate * 2]
    spf = rate * 60 / 120 / 4
    off = audio_features(y, rate, spf)
    fs = FeatureStream(rate)
    for i in range(0, y.shape[0], 1000):
        fs.push(y[i:i + 1000])
    np.testing.assert_allclose(fs.grid(0, off.shape[0], spf), off, rtol=1e-4, atol=1e-5)


def test_tiny_chunks_equal_offline():
    y = SIGNAL[: SR // 2]
    off = audio_features(y, SR, SPF)
    fs = _stream([1, 3, 2], y)
    np.testing.assert_allclose(fs.grid(0, off.shape[0], SPF), off, rtol=1e-4, atol=1e-5)
