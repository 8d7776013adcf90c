"""Input features per beat-grid frame: chroma, bass chroma, onset strength, loudness.

The model never hears raw input: it sees these 26 numbers per grid frame, from live audio
(FeatureStream) or from MIDI/notes (notes_features), so it is indifferent to the instrument
that plays and training data (rendered notes) matches what the daemon hears live.

Audio path. A fixed analysis hop (512 samples at 44.1/48 kHz, ~10.7 ms; scaled with the
rate) computes, for every hop, from windows that END at the hop boundary (causal: a frame
never depends on audio after it):
  - chroma: librosa's chroma filter bank on power spectra: 200 Hz..5 kHz from an 8-hop
    (85 ms) Hann window, below 200 Hz from the long bass window (a short window smears
    low notes over neighbouring pitch classes);
  - bass chroma: a 32-hop (341 ms) window on audio low-passed at 500 Hz and decimated to
    1/16 of the rate (so its FFT is 1024 points), band 30..330 Hz (up to E4), weighted
    towards low frequencies so the lowest note dominates;
  - onset strength: spectral flux (positive dB steps of a 40-band log-mel spectrum of a
    2-hop window, mean over bands), as librosa.onset.onset_strength does offline;
  - loudness: mean square of the hop's samples.
The long windows make chroma lag the audio by up to ~half a window (bass ~170 ms); the
same lag is in training features, which come from this code too.
grid() pools hops to beat-grid frames: energies summed then normalised per frame
(chroma and bass chroma by their max, so 0..1), onset the max over the frame mapped by
1 - exp(-flux / ONSET_REF_DB), loudness in dBFS mapped -60..0 dB -> 0..1.
Frames quieter than -60 dBFS have zero chroma; a bass band with no energy has zero bass.

Streaming equals offline: push() processes whole hops only and keeps the window history,
so any chunking yields the same hop features, and audio_features() is FeatureStream fed the
whole signal. grid() returns a frame only when every hop of it has been computed (the
audio up to the frame end, within one hop, was heard); other frames are zeros.

Notes path (notes_features): the same four features from (pitch, velocity, start, end)
notes -- chroma from sounding pitches weighted by their power (from velocity, decaying
per beat like a struck note), bass chroma one-hot on
the lowest sounding pitch at or below E4, onset at note starts from velocity, loudness from
the summed note power -- calibrated against FluidSynth renderings of the same notes
(tests/model/test_features_match.py checks that their chroma agrees).
"""
from __future__ import annotations

import math
from typing import Iterable

import librosa
import numpy as np
import scipy.fft
import scipy.signal

FEATURE_DIM = 26  # 12 chroma, 12 bass chroma, onset strength, loudness
CHROMA = slice(0, 12)
BASS = slice(12, 24)
ONSET = 24
LOUDNESS = 25

SILENCE_DB = -60.0  # loudness 0 and chroma gated below this level (dBFS, mean square)
ONSET_REF_DB = 6.0  # a flux of ~6 dB (mean over mel bands) maps to 1 - 1/e
CHROMA_SPLIT_HZ = 200.0  # chroma below this comes from the long (bass) window
BASS_MAX_PITCH = 64  # E4: top of the bass band, for audio (330 Hz) and notes alike
_EPS = 1e-12


def hop_for_rate(sample_rate: int) -> int:
    """Analysis hop: the power of two nearest to 10.7 ms (512 at 44.1 and 48 kHz)."""
    return 2 ** int(round(math.log2(sample_rate / 93.75)))


class FeatureStream:
    """Incremental audio features: push() audio as it arrives, grid() pools to frames.

    State: one chroma window of input history plus the pending samples of an incomplete
    hop, one bass window of the decimated low band, the low-pass filter's state, the last
    log-mel frame (for the flux) and a ring of raw per-hop features covering `history_s`
    seconds (pooled by grid()). Buffers are allocated here; push() allocates only the
    temporaries of the FFTs. Cost: ~2.5% of one core at 48 kHz in 1024-frame periods.
    """

    MAX_BATCH_HOPS = 64  # hops analysed per FFT batch (bounds the work buffers)
    BASS_DECIMATION_HOP = 32  # decimated samples per hop on the bass path

    def __init__(self, sample_rate: int, history_s: float = 120.0):
        self.sample_rate = sr = int(sample_rate)
        self.hop = hop_for_rate(sr)
        self.n_chroma = 8 * self.hop  # 85 ms at 48 kHz: semitones resolved above ~200 Hz
        self.n_onset = 2 * self.hop  # 21 ms: sharp attacks
        # Bass: a 341 ms window (semitones resolved down to ~60 Hz) on audio low-passed at
        # 500 Hz and decimated to 3 kHz, so its FFT is 1024 points, not 16384.
        self.decimation = self.hop // self.BASS_DECIMATION_HOP
        self.n_bass = 32 * self.BASS_DECIMATION_HOP  # decimated samples
        self._sos = scipy.signal.butter(8, 500.0, output="sos", fs=sr)
        bass_sr = sr / self.decimation

        def band(n_fft: int, rate: float, lo: float, hi: float) -> np.ndarray:
            f = np.fft.rfftfreq(n_fft, 1.0 / rate)
            return ((f >= lo) & (f <= hi)).astype(np.float32)

        # (bins, 12) filter banks: librosa's chroma mapping restricted to a band, cut to the
        # band's bins (the FFT bins above it are never touched).
        fb = librosa.filters.chroma(sr=sr, n_fft=self.n_chroma, tuning=0.0, octwidth=None, norm=None)
        fb = fb * band(self.n_chroma, sr, CHROMA_SPLIT_HZ, 5000.0)
        self._chroma_bins = int(np.flatnonzero(fb.any(axis=0))[-1]) + 1
        self._fb_chroma = np.ascontiguousarray(fb[:, :self._chroma_bins].T, np.float32)
        fb = librosa.filters.chroma(sr=bass_sr, n_fft=self.n_bass, tuning=0.0, octwidth=None, norm=None)
        f = np.fft.rfftfreq(self.n_bass, 1.0 / bass_sr)
        tilt = (30.0 / np.maximum(f, 30.0)) ** 1.5  # favour the lowest note of the band
        bass = fb * band(self.n_bass, bass_sr, 30.0, librosa.midi_to_hz(BASS_MAX_PITCH + 0.5)) * tilt
        # chroma below CHROMA_SPLIT_HZ comes from the long bass window, which resolves it
        low = fb * band(self.n_bass, bass_sr, 30.0, CHROMA_SPLIT_HZ - 1e-3)
        self._bass_bins = int(np.flatnonzero(bass.any(axis=0))[-1]) + 1
        both = np.concatenate([bass, low], axis=0)[:, :self._bass_bins]  # (24, bins)
        self._fb_bass = np.ascontiguousarray(both.T, np.float32)  # (bins, 24)
        self._mel = np.ascontiguousarray(librosa.filters.mel(
            sr=sr, n_fft=self.n_onset, n_mels=40, fmin=30.0, fmax=min(16000.0, sr / 2)).T, np.float32)
        # Windows scaled so that a sine's band power equals its mean square.
        self._win = {}
        for n in (self.n_chroma, self.n_bass, self.n_onset):
            w = np.hanning(n + 1)[:-1].astype(np.float32)  # periodic Hann
            self._win[n] = w * np.float32(math.sqrt(2.0) / w.sum())

        self._cap = int(math.ceil(history_s * sr / self.hop))
        self._ring = np.zeros((self._cap, FEATURE_DIM), np.float32)  # per hop, raw energies
        # Work buffers: [history of one window | pending audio of at most MAX_BATCH_HOPS hops]
        self._buf = np.zeros(self.n_chroma + self.MAX_BATCH_HOPS * self.hop, np.float32)
        self._bbuf = np.zeros(self.n_bass + self.MAX_BATCH_HOPS * self.BASS_DECIMATION_HOP, np.float32)
        self._prev_logmel = np.zeros(self._mel.shape[1], np.float32)
        self.reset()

    def reset(self) -> None:
        """Forget all input: the stream restarts at sample 0 with silent history."""
        self._buf[:] = 0.0
        self._bbuf[:] = 0.0
        self._zi = np.zeros((self._sos.shape[0], 2))  # low-pass filter state
        self._pending = 0  # samples after the history part of _buf (< one hop between pushes)
        self._hops = 0  # hops computed since reset; hop k ends at sample (k + 1) * hop
        self._ring[:] = 0.0
        self._prev_logmel[:] = -80.0
        self.samples_seen = 0

    def push(self, audio: np.ndarray) -> None:
        """audio: (n,) or (n, channels) float; channels are averaged. Any chunk size."""
        x = np.asarray(audio, dtype=np.float32)
        if x.ndim == 2:
            x = x.mean(axis=1, dtype=np.float32) if x.shape[1] > 1 else x[:, 0]
        hist, bhist, d = self.n_chroma, self.n_bass, self.decimation
        room = self._buf.shape[0] - hist
        i = 0
        while i < x.shape[0]:
            take = min(x.shape[0] - i, room - self._pending)
            chunk = x[i:i + take]
            self._buf[hist + self._pending: hist + self._pending + take] = chunk
            # bass path: keep every d-th low-passed sample, phase-locked to absolute time
            low, self._zi = scipy.signal.sosfilt(self._sos, chunk, zi=self._zi)
            first = (d - 1 - (self.samples_seen + i)) % d
            dec = low[first::d]
            b0 = bhist + self._pending // d
            self._bbuf[b0:b0 + dec.shape[0]] = dec
            self._pending += take
            i += take
            n = self._pending // self.hop
            if n:
                self._analyse(n)
                used, bused = n * self.hop, n * self.BASS_DECIMATION_HOP
                # keep one window of history before the new hop boundary, then the rest
                self._buf[:hist + self._pending - used] = self._buf[used:hist + self._pending]
                bend = bhist + self._pending // d
                self._bbuf[:bend - bused] = self._bbuf[bused:bend]
                self._pending -= used
        self.samples_seen += x.shape[0]

    def _frames(self, buf: np.ndarray, hist: int, hop: int, n_fft: int, n: int) -> np.ndarray:
        """(n, n_fft) windowed frames of buf ending at the next n hop boundaries."""
        end = hist + n * hop
        seg = buf[end - (n - 1) * hop - n_fft:end]
        st = seg.strides[0]
        frames = np.lib.stride_tricks.as_strided(seg, (n, n_fft), (hop * st, st), writeable=False)
        return frames * self._win[n_fft]

    def _analyse(self, n: int) -> None:
        """Features of the next n hops (the buffers hold their audio) into the ring."""
        out = np.empty((n, FEATURE_DIM), np.float32)
        fr = self._frames(self._buf, self.n_chroma, self.hop, self.n_chroma, n)
        out[:, CHROMA] = _power(fr, self._chroma_bins) @ self._fb_chroma
        fr = self._frames(self._bbuf, self.n_bass, self.BASS_DECIMATION_HOP, self.n_bass, n)
        bass_low = _power(fr, self._bass_bins) @ self._fb_bass  # (n, 24)
        out[:, BASS] = bass_low[:, :12]
        out[:, CHROMA] += bass_low[:, 12:]
        fr = self._frames(self._buf, self.n_chroma, self.hop, self.n_onset, n)
        logmel = 10.0 * np.log10(np.maximum(_power(fr, self._mel.shape[0]) @ self._mel, 1e-8))
        prev = np.concatenate([self._prev_logmel[None], logmel[:-1]])  # (n, 40), floor -80 dB
        out[:, ONSET] = np.maximum(logmel - prev, 0.0).mean(axis=1)
        self._prev_logmel[:] = logmel[-1]
        h = self._buf[self.n_chroma: self.n_chroma + n * self.hop].reshape(n, self.hop)
        out[:, LOUDNESS] = np.einsum("ij,ij->i", h, h) / self.hop
        self._ring[np.arange(self._hops, self._hops + n) % self._cap] = out
        self._hops += n

    def grid(self, start_sample: int, n_frames: int, samples_per_frame: float) -> np.ndarray:
        """(n_frames, FEATURE_DIM) float32 for frames [start + j*spf, start + (j+1)*spf).

        A frame holds the hops whose window ends inside it; it is zeros until all of them
        are computed, before sample 0, and once it is older than the history ring.
        """
        out = np.zeros((n_frames, FEATURE_DIM), np.float32)
        if n_frames <= 0:
            return out
        edges = start_sample + np.arange(n_frames + 1) * float(samples_per_frame)
        k = np.ceil(edges / self.hop).astype(np.int64) - 1  # first hop ending at/after edge
        k = np.maximum(k, 0)  # hops "before" sample 0 are silence: start at hop 0
        k0, k1 = k[:-1], np.maximum(k[1:], k[:-1] + 1)
        ok = (edges[1:] > 0) & (k1 <= self._hops) & (k0 >= self._hops - self._cap)
        if not ok.any():
            return out
        j = np.flatnonzero(ok)
        lo, hi = int(k0[j[0]]), int(k1[j[-1]])
        raw = self._ring[np.arange(lo, hi + 1) % self._cap]  # (+1: reduceat needs a sentinel)
        idx = np.stack([k0[j] - lo, k1[j] - lo], axis=1).ravel()
        sums = np.add.reduceat(raw, idx, axis=0)[0::2]  # (len(j), 26)
        peak = np.maximum.reduceat(raw[:, ONSET], idx)[0::2]
        count = (k1[j] - k0[j]).astype(np.float32)
        out[j] = _normalise(sums, peak, count)
        return out


def _power(frames: np.ndarray, bins: int) -> np.ndarray:
    """(n, n_fft) windowed frames -> (n, bins) power of the lowest `bins` FFT bins."""
    spec = scipy.fft.rfft(frames, axis=1)[:, :bins]  # scipy's: ~3x numpy's for float32
    return spec.real ** 2 + spec.imag ** 2


def _normalise(sums: np.ndarray, onset_peak: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Pooled raw energies (m, 26) -> the normalised features (m, 26)."""
    out = np.zeros_like(sums)
    ms = sums[:, LOUDNESS] / count
    db = 10.0 * np.log10(ms + _EPS)
    out[:, LOUDNESS] = np.clip((db - SILENCE_DB) / -SILENCE_DB, 0.0, 1.0)
    audible = db > SILENCE_DB
    c = sums[:, CHROMA]
    out[:, CHROMA] = np.where(audible[:, None], c / (c.max(axis=1, keepdims=True) + _EPS), 0.0)
    b = sums[:, BASS]
    bass_db = 10.0 * np.log10(b.sum(axis=1) / count + _EPS)
    has_bass = audible & (bass_db > SILENCE_DB)
    out[:, BASS] = np.where(has_bass[:, None], b / (b.max(axis=1, keepdims=True) + _EPS), 0.0)
    out[:, ONSET] = 1.0 - np.exp(-onset_peak / ONSET_REF_DB)
    return out


def audio_features(audio, sample_rate, samples_per_frame, n_frames=None) -> np.ndarray:
    """Offline features of a whole signal (sample 0 = frame 0 start) -> (n_frames, 26).

    Equals FeatureStream fed the same audio in any chunking. n_frames defaults to the
    frames the audio covers completely.
    """
    audio = np.asarray(audio, np.float32)
    if n_frames is None:
        n_frames = int(audio.shape[0] // samples_per_frame)
    fs = FeatureStream(sample_rate, history_s=audio.shape[0] / sample_rate + 1.0)
    fs.push(audio)
    return fs.grid(0, n_frames, samples_per_frame)


# Calibration of the notes path against FluidSynth renderings (model.synth, gain 0.8; GM
# piano, e-piano, bass, guitar, lead; measured by tests/model/test_features_match.py):
# - a velocity-v note reaches about NOTE_DB_AT_127 + 40*log10(v/127) dBFS and decays by
#   ~2 dB per beat (instruments differ: the notes path takes a middle course, floored);
# - an attack's flux is ~10 dB * v/127 from silence, scaled by the share of the frame's power
#   that is new and +15% per extra simultaneous note.
NOTE_DB_AT_127 = -19.0
DECAY_DB_PER_BEAT = 2.0
DECAY_FLOOR_DB = 12.0
ATTACK_FLUX_DB = 10.0


def velocity_db(velocity: float) -> float:
    return NOTE_DB_AT_127 + 40.0 * math.log10(max(velocity, 1) / 127.0)


def _as_tuple(n) -> tuple[int, float, float, float]:
    if hasattr(n, "pitch"):
        return int(n.pitch), float(n.velocity), float(n.start), float(n.start + n.duration)
    pitch, vel, s, e = n
    return int(pitch), float(vel), float(s), float(e)


def notes_features(notes: Iterable, n_frames: int, frames_per_beat: int) -> np.ndarray:
    """Notes -> (n_frames, FEATURE_DIM) float32 on the grid, frame 0 starting at beat 0.

    notes: iterable of (pitch, velocity, start_beat, end_beat); NoteEvent-like objects
    (pitch, velocity, start, duration attributes) are accepted too.
    """
    out = np.zeros((n_frames, FEATURE_DIM), np.float32)
    power = np.zeros((n_frames, 12))  # decayed note power per pitch class
    total = np.zeros(n_frames)  # all sounding power
    older = np.zeros(n_frames)  # power of notes that started in an earlier frame
    new_p = np.zeros(n_frames)  # power of notes starting in the frame
    new_n = np.zeros(n_frames)
    new_v = np.zeros(n_frames)  # loudest velocity starting in the frame
    lowest = np.full(n_frames, 128, np.int64)
    fpb = float(frames_per_beat)
    for pitch, vel, s, e in map(_as_tuple, notes):
        if e <= s or vel <= 0:
            continue
        f0, f1 = s * fpb, e * fpb
        a, b = max(int(math.floor(f0)), 0), min(int(math.ceil(f1)), n_frames)
        first = int(math.floor(f0))
        p0 = 10.0 ** (velocity_db(vel) / 10.0)
        if 0 <= first < n_frames:
            new_p[first] += p0
            new_n[first] += 1
            new_v[first] = max(new_v[first], vel)
        if a >= b:
            continue
        f = np.arange(a, b)
        overlap = np.minimum(f + 1, f1) - np.maximum(f, f0)  # share of the frame it sounds
        age = np.maximum((f + 0.5) / fpb - s, 0.0)  # beats since the attack
        w = p0 * 10.0 ** (-np.minimum(DECAY_DB_PER_BEAT * age, DECAY_FLOOR_DB) / 10.0) * overlap
        power[f, pitch % 12] += w
        total[f] += w
        older[f] += np.where(f > first, w, 0.0)
        if pitch <= BASS_MAX_PITCH:
            lowest[f] = np.minimum(lowest[f], pitch)
    audible = total > 0
    out[:, CHROMA] = np.where(audible[:, None], power / (power.max(axis=1, keepdims=True) + _EPS), 0.0)
    has_bass = lowest < 128
    out[np.flatnonzero(has_bass), 12 + lowest[has_bass] % 12] = 1.0
    share = new_p / (new_p + older + _EPS)
    flux = ATTACK_FLUX_DB * (new_v / 127.0) * share * (1.0 + 0.15 * np.maximum(new_n - 1, 0))
    out[:, ONSET] = 1.0 - np.exp(-flux / ONSET_REF_DB)
    db = 10.0 * np.log10(total + _EPS)
    out[:, LOUDNESS] = np.where(audible, np.clip((db - SILENCE_DB) / -SILENCE_DB, 0.0, 1.0), 0.0)
    return out
