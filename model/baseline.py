"""The rule-based reference generator: the bridge's test double and the baseline to beat.

Per block it
1. listens: the input's features (model.features: audio through FeatureStream, MIDI input
   through notes_features of the notes it tracked) over the recent frames it may see
   (up to block.start_sample + block.visible_until; none in 'free' mode);
2. names a chord: major/minor triad templates matched to the recency-weighted chroma, with
   a bonus for the bass chroma on the root; with Controls.key only the key's diatonic
   triads are candidates. A progression that repeats (period 1, 2, 4 or 8 blocks) is
   followed ahead: in 'accompany' mode the chord of the block one period back is used,
   since the current block's own chord cannot be heard yet. Without input (or in 'free'
   mode) a I-V-vi-IV progression in the key (C major by default) plays;
3. writes the stems on the beat grid (1/FRAMES_PER_BEAT beat), busier with density:
   bass on the root (whole notes .. root/fifth/octave eighths with an approach note),
   keys comping the triad in a voice-led close voicing, lead an arpeggio walk over chord
   tones (scale passing tones when a key is set), drums kick/snare/hats from the tempo
   and the input's onset density (plus fills and crashes at the busy end).
It is deterministic for a given Controls.seed and input, and costs well under 5 ms/block.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from model.api import STEMS, Block, Controls, MidiEvent, NoteEvent, StemBlock
from model.codec import SCALES
from model.features import BASS, CHROMA, LOUDNESS, ONSET, FeatureStream, notes_features

FRAMES_PER_BEAT = 4  # the grid every note starts on (sixteenths)
LISTEN_BEATS = 4.0  # how far back the chord estimate looks
MAJOR = (0, 2, 4, 5, 7, 9, 11)
MINOR = (0, 2, 3, 5, 7, 8, 10)  # natural minor; V is also allowed as major
DEFAULT_PROGRESSION = (0, 7, 9, 5)  # I V vi IV as roots in a major key (vi minor)
GM = {"kick": 36, "snare": 38, "hat": 42, "open": 46, "crash": 49, "ride": 51, "tom_lo": 45, "tom_hi": 50}
STEPS = (-1, 1, 1, 2, -2)  # the lead's walk over chord tones: mostly up, some leaps
_PC = {"c": 0, "d": 2, "e": 4, "f": 5, "g": 7, "a": 9, "b": 11}


# the church modes /lmdm/key takes besides major and minor (bridge/osc_table.KEY_MODES;
# their scales: model.codec.SCALES); ionian and aeolian read as major and minor
CHURCH_MODES = ("dorian", "phrygian", "lydian", "mixolydian", "locrian")
MODE_ALIASES = {"ionian": "major", "aeolian": "minor"}


def parse_key(text: str | None) -> tuple[int, str] | None:
    """"C minor" / "F# major" / "Bb" / "a" / "Ebm" / "D dorian" -> (tonic pitch class, mode):
    "major", "minor" or one of CHURCH_MODES (ionian and aeolian read as major and minor).

    A bare lowercase letter means minor (as in chord charts); None or "" -> None.
    Raises ValueError naming the text when it is not a key.
    """
    if text is None or not text.strip():
        return None
    m = re.fullmatch(r"\s*([A-Ga-g])\s*([#b♯♭]?)\s*(maj(?:or)?|min(?:or)?|m|[A-Za-z]+)?\s*", text)
    mode = (m.group(3) or "").lower() if m else ""
    if not m or (mode and not re.fullmatch(r"maj(?:or)?|min(?:or)?|m", mode)
                 and mode not in CHURCH_MODES and mode not in MODE_ALIASES):
        raise ValueError(f"not a key: {text!r} (expected e.g. 'C minor', 'F# major', 'Bb', 'D dorian')")
    letter, acc = m.group(1), m.group(2)
    pc = (_PC[letter.lower()] + {"#": 1, "♯": 1, "b": -1, "♭": -1, "": 0}[acc]) % 12
    if mode in CHURCH_MODES or mode in MODE_ALIASES:
        mode = MODE_ALIASES.get(mode, mode)
    elif mode:
        mode = "major" if mode.startswith("maj") else "minor"
    else:
        mode = "minor" if letter.islower() else "major"
    return pc, mode


def _mode_intervals(mode: str) -> tuple[int, ...]:
    return MAJOR if mode == "major" else MINOR if mode == "minor" else SCALES[mode]


def _minor_mode(mode: str) -> bool:
    """A mode whose tonic triad is minor (its third is a minor third): minor, dorian,
    phrygian, locrian."""
    return 3 in _mode_intervals(mode)


@dataclass(frozen=True)
class Chord:
    root: int  # pitch class
    minor: bool

    @property
    def tones(self) -> tuple[int, int, int]:  # pitch classes root, third, fifth
        return self.root, (self.root + (3 if self.minor else 4)) % 12, (self.root + 7) % 12


def _templates() -> tuple[list[Chord], np.ndarray]:
    chords = [Chord(r, q) for q in (False, True) for r in range(12)]
    t = np.zeros((24, 12), np.float32)
    for i, c in enumerate(chords):
        t[i, list(c.tones)] = 1.0
    return chords, t / np.sqrt(3.0)


CHORDS, TEMPLATES = _templates()  # 24 triads, (24, 12) unit templates


def diatonic(key: tuple[int, str]) -> list[Chord]:
    """The major and minor triads of the key (minor: V major too; a church mode: those built
    on its degrees, so D dorian has G major and no B flat)."""
    tonic, mode = key
    if mode == "major":
        degrees = [(0, False), (2, True), (4, True), (5, False), (7, False), (9, True)]
    elif mode == "minor":
        degrees = [(0, True), (3, False), (5, True), (7, True), (7, False), (8, False), (10, False)]
    else:
        sc = SCALES[mode]
        degrees = []
        for i, root in enumerate(sc):
            third, fifth = (sc[(i + 2) % 7] - root) % 12, (sc[(i + 4) % 7] - root) % 12
            if fifth == 7 and third in (3, 4):
                degrees.append((root, third == 3))
    return [Chord((tonic + d) % 12, m) for d, m in degrees]


def scale(key: tuple[int, str] | None, chord: Chord) -> tuple[int, ...]:
    """Pitch classes lead passing tones may use: the key's scale, else the chord's own."""
    if key is None:
        return tuple(sorted((chord.root + s) % 12 for s in (MINOR if chord.minor else MAJOR)))
    return tuple(sorted((key[0] + s) % 12 for s in _mode_intervals(key[1])))


@dataclass
class _State:
    """Everything the generator remembers between blocks; reset() makes a new one."""

    midi_on: dict[int, tuple[int, int]] = field(default_factory=dict)  # pitch -> (vel, start)
    midi_done: list[tuple[int, int, int, int]] = field(default_factory=list)  # pitch, vel, s, e
    spans: dict[int, tuple[int, int, float]] = field(default_factory=dict)  # block -> start, samples, bpm
    chords: dict[int, Chord] = field(default_factory=dict)  # chords heard in whole blocks
    keys_center: float = 64.0  # mean pitch of the last keys voicing (voice leading)
    lead_pitch: int = 76


class BaselineGenerator:
    """Rule-based accompaniment. See the module docstring."""

    name = "baseline"

    def __init__(self, sample_rate: int, stems: tuple[str, ...] = STEMS,
                 frames_per_beat: int = FRAMES_PER_BEAT, history_s: float = 60.0):
        self.sample_rate = int(sample_rate)
        self.stems = tuple(stems)
        self.fpb = int(frames_per_beat)
        self.history_s = float(history_s)
        self.features = FeatureStream(self.sample_rate, history_s=history_s)
        self._rng = np.random.default_rng()
        self.reset()

    def reset(self) -> None:
        self.features.reset()
        self._s = _State()

    # -- listening -----------------------------------------------------------------------
    def observe(self, audio: np.ndarray, midi: Sequence[MidiEvent]) -> None:
        base = self.features.samples_seen
        for ev in midi:
            self._midi(ev, base + int(ev.offset))
        self.features.push(audio)

    def _midi(self, ev: MidiEvent, t: int) -> None:
        if len(ev.data) < 3:
            return
        kind, pitch, vel = ev.data[0] & 0xF0, ev.data[1] & 0x7F, ev.data[2] & 0x7F
        if kind == 0x90 and vel > 0:
            self._note_off(pitch, t)  # a re-strike ends the sounding note
            self._s.midi_on[pitch] = (vel, t)
        elif kind in (0x80, 0x90):
            self._note_off(pitch, t)

    def _note_off(self, pitch: int, t: int) -> None:
        if pitch in self._s.midi_on:
            vel, start = self._s.midi_on.pop(pitch)
            done = self._s.midi_done
            done.append((pitch, vel, start, t))
            horizon = t - int(self.history_s * self.sample_rate)
            if len(done) > 256 and done[0][3] < horizon:
                self._s.midi_done = [n for n in done if n[3] >= horizon]

    def _listen(self, end: int, beats: float, bpm: float) -> np.ndarray | None:
        """(frames, 26) input features of the `beats` before input sample `end`, or None."""
        spf = self.sample_rate * 60.0 / bpm / self.fpb
        n = int(round(beats * self.fpb))
        start = int(round(end - n * spf))
        feats = self.features.grid(start, n, spf)
        notes = [(p, v, s, e) for p, v, s, e in self._s.midi_done if e > start and s < end]
        notes += [(p, v, s, end) for p, (v, s) in self._s.midi_on.items() if s < end]
        if notes:
            spb = spf * self.fpb
            rel = [(p, v, (s - start) / spb, (min(e, end) - start) / spb) for p, v, s, e in notes]
            feats = np.maximum(feats, notes_features(rel, n, self.fpb))
        if feats[:, LOUDNESS].max() <= 0.0:
            return None
        return feats

    def _estimate(self, feats: np.ndarray, key: tuple[int, str] | None) -> Chord:
        """Best triad for recency- and loudness-weighted chroma (+ bass on the root)."""
        n = feats.shape[0]
        w = feats[:, LOUDNESS] * np.exp((np.arange(n) - n + 1) / (2.0 * self.fpb))
        chroma = w @ feats[:, CHROMA]
        bass = w @ feats[:, BASS]
        chroma /= np.linalg.norm(chroma) + 1e-9
        bass /= bass.max() + 1e-9
        score = TEMPLATES @ chroma + 0.25 * bass[[c.root for c in CHORDS]]
        if key is not None:
            allowed = set(diatonic(key))
            score = np.where([c in allowed for c in CHORDS], score, -np.inf)
        return CHORDS[int(np.argmax(score))]

    def _chord_for(self, block: Block, key: tuple[int, str] | None) -> Chord:
        """The chord to play over this block."""
        s = self._s
        if block.mode == "free":
            return self._default_chord(block, key)
        s.spans[block.index] = (block.start_sample, block.samples, block.bpm)
        visible = block.start_sample + min(block.visible_until, block.samples)
        # chords of whole blocks already heard, for following a repeating progression
        for b, (start, samples, bpm) in list(s.spans.items()):
            if b not in s.chords and b != block.index and start + samples <= visible:
                beats = samples * bpm / 60.0 / self.sample_rate
                f = self._listen(start + samples, beats, bpm)
                if f is not None:
                    s.chords[b] = self._estimate(f, key)
        for b in [b for b in s.spans if b < block.index - 16]:
            s.spans.pop(b, None)
            s.chords.pop(b, None)
        if block.mode == "delay":
            f = self._listen(block.start_sample + block.samples, block.beats, block.bpm)
            return self._estimate(f, key) if f is not None else self._default_chord(block, key)
        ahead = self._repeat(block.index)
        if ahead is not None:
            return ahead
        f = self._listen(visible, LISTEN_BEATS, block.bpm)
        return self._estimate(f, key) if f is not None else self._default_chord(block, key)

    def _repeat(self, index: int) -> Chord | None:
        """The chord one period back if the heard chords repeat with that period."""
        ch = self._s.chords
        for period in (1, 2, 4, 8):
            if index - period not in ch:
                continue
            pairs = [(ch[b], ch[b - period]) for b in range(index - 4, index) if b in ch and b - period in ch]
            if len(pairs) >= 2 and sum(a == b for a, b in pairs) >= 0.75 * len(pairs):
                return ch[index - period]
        return None

    @staticmethod
    def _default_chord(block: Block, key: tuple[int, str] | None) -> Chord:
        tonic, mode = key if key else (0, "major")
        degree = DEFAULT_PROGRESSION[block.index % len(DEFAULT_PROGRESSION)]
        if _minor_mode(mode):  # i VII VI iv... keep it simple: i v VI iv
            chord = [Chord(tonic, True), Chord((tonic + 7) % 12, True), Chord((tonic + 8) % 12, False),
                     Chord((tonic + 5) % 12, True)][block.index % 4]
        else:
            chord = Chord((tonic + degree) % 12, degree == 9)
        if mode in ("major", "minor"):
            return chord
        # a church mode: the triad of the mode on that root (mixolydian's v is minor, dorian's
        # IV major), else the tonic's
        fits = diatonic(key)
        return next((c for c in fits if c.root == chord.root and c.minor == chord.minor),
                    next((c for c in fits if c.root == chord.root), fits[0]))

    # -- playing -------------------------------------------------------------------------
    def generate(self, block: Block, controls: Controls) -> StemBlock:
        key = parse_key(controls.key)
        rng = (np.random.default_rng([int(controls.seed) & 0xFFFFFFFF, block.index])
               if controls.seed is not None else self._rng)
        chord = self._chord_for(block, key)
        feats = None
        if block.mode != "free":
            visible = block.start_sample + min(block.visible_until, block.samples)
            feats = self._listen(visible, LISTEN_BEATS, block.bpm)
        loud = float(feats[:, LOUDNESS].mean()) if feats is not None else 0.6
        busy = float(feats[:, ONSET].mean()) if feats is not None else 0.2
        density = min(max(float(controls.density), 0.0), 1.0)
        vel = int(min(max(55 + 60 * loud, 40), 115))
        bpb = max(int(controls.beats_per_bar), 1)
        steps = max(int(round(block.beats * self.fpb)), 1)
        ctx = _Ctx(block, chord, key, density, vel, bpb, steps, self.fpb, rng, float(controls.bar_origin))
        notes: list[NoteEvent] = []
        if "bass" in self.stems:
            notes += self._bass(ctx)
        if "keys" in self.stems:
            notes += self._keys(ctx)
        if "lead" in self.stems:
            notes += self._lead(ctx)
        if "drums" in self.stems:
            notes += self._drums(ctx, busy)
        return StemBlock(notes=notes, audio=None)

    def _bass(self, c: "_Ctx") -> list[NoteEvent]:
        root = 36 + (c.chord.root - 36) % 12  # C2..B2
        fifth, octave = root + 7, root + 12
        out = []
        if c.density < 0.33:  # whole bars (or the block) on the root
            for bar in c.bar_starts():
                out.append(c.note("bass", root, c.vel + 5, bar, min(c.bpb, c.beats - bar) * 0.95))
        elif c.density < 0.66:  # root on every beat, fifth on beat 3
            for beat in range(int(c.beats)):
                p = fifth if c.beat_in_bar(beat) == 2 else root
                out.append(c.note("bass", p, c.vel + (8 if c.beat_in_bar(beat) == 0 else 0), beat, 0.9))
        else:  # eighths: root, octave, fifth, and a chromatic approach at the end
            pattern = [root, root, octave, root, fifth, root, octave, fifth]
            for i in range(int(c.beats * 2)):
                p = pattern[i % len(pattern)]
                if i == int(c.beats * 2) - 1:  # approach tone, in the key when one is set
                    steps = [d for d in (-1, 1, 2) if c.key is None or (root + d) % 12 in scale(c.key, c.chord)]
                    p = root + int(c.rng.choice(steps)) if steps else fifth
                out.append(c.note("bass", p, c.vel + (8 if i % 2 == 0 else -8), i * 0.5, 0.45))
        return out

    def _keys(self, c: "_Ctx") -> list[NoteEvent]:
        voicing = self._voicing(c.chord)
        if c.density < 0.33:
            hits = [(b, min(c.bpb, c.beats - b)) for b in c.bar_starts()]
        elif c.density < 0.66:  # beat 1 and the "and" of 2 (a little push), beat 3
            hits = [(b + o, d) for b in c.bar_starts() for o, d in ((0, 1.4), (1.5, 1.0), (3.0, 0.9))]
        else:  # eighth comping with random rests, accents on the beat
            hits = [(i * 0.5, 0.4) for i in range(int(c.beats * 2)) if i % 2 == 0 or c.rng.random() < 0.6]
        out = []
        for t, d in hits:
            if t < c.beats:
                v = c.vel - 10 + (6 if c.on_beat(t) else 0)
                out += [c.note("keys", p, v, t, d * 0.95) for p in voicing]
        return out

    def _voicing(self, chord: Chord) -> list[int]:
        """Close triad whose mean pitch is nearest the last one (smooth voice leading)."""
        best, best_d = None, 1e9
        for base in range(52, 68):  # lowest note E3..G4
            if base % 12 not in chord.tones:
                continue
            v = [base]
            while len(v) < 3:
                v.append(next(p for p in range(v[-1] + 1, v[-1] + 12) if p % 12 in chord.tones))
            d = abs(sum(v) / 3.0 - self._s.keys_center)
            if d < best_d:
                best, best_d = v, d
        self._s.keys_center = 0.7 * self._s.keys_center + 0.3 * sum(best) / 3.0
        # drift back towards the middle so the voicing does not wander off over many blocks
        self._s.keys_center += 0.1 * (64.0 - self._s.keys_center)
        return best

    def _lead(self, c: "_Ctx") -> list[NoteEvent]:
        rate = 1.0 if c.density < 0.33 else 0.5 if c.density < 0.75 else 0.25  # beats per note
        tones = [p for p in range(67, 89) if p % 12 in c.chord.tones]
        passing = [p for p in range(67, 89) if p % 12 in scale(c.key, c.chord)]
        out = []
        pitch = self._s.lead_pitch
        t = 0.0
        while t < c.beats - 1e-9:
            if c.rng.random() < 0.15 + 0.2 * (1.0 - c.density):  # breathe
                t += rate
                continue
            strong = c.on_beat(t)
            pool = tones if strong or c.key is None else passing
            i = min(range(len(pool)), key=lambda k: abs(pool[k] - pitch))
            i = min(max(i + int(c.rng.choice(STEPS)), 0), len(pool) - 1)
            pitch = pool[i]
            out.append(c.note("lead", pitch, c.vel + (5 if strong else -5), t, rate * 0.9))
            t += rate
        self._s.lead_pitch = pitch
        return out

    def _drums(self, c: "_Ctx", busy: float) -> list[NoteEvent]:
        d = min(max(c.density + 0.4 * (busy - 0.25), 0.0), 1.0)  # follow a busy input
        sub = 0.25 if d > 0.66 and c.block.bpm < 130 else 0.5  # hat subdivision in beats
        out = []
        for i in range(c.steps):
            t = i / c.fpb
            pos = c.beat_in_bar(t)  # position in the bar, in beats
            beat, frac = int(pos), pos - int(pos)
            if frac == 0 and (beat % 2 == 0 or d > 0.85):
                out.append(c.note("drums", GM["kick"], c.vel + 10, t, 0.25))
            elif d > 0.5 and abs(frac - 0.5) < 1e-9 and beat == c.bpb - 2 and c.rng.random() < d:
                out.append(c.note("drums", GM["kick"], c.vel, t, 0.25))  # the "and" of 3
            if frac == 0 and beat % 2 == 1:
                out.append(c.note("drums", GM["snare"], c.vel + 5, t, 0.25))
            elif d > 0.75 and abs(frac - 0.75) < 1e-9 and c.rng.random() < 0.3:
                out.append(c.note("drums", GM["snare"], 40, t, 0.2))  # ghost note
            if d >= 0.15 and abs((t / sub) - round(t / sub)) < 1e-9:
                open_hat = d > 0.5 and abs(pos - (c.bpb - 0.5)) < 1e-9
                out.append(c.note("drums", GM["open" if open_hat else "hat"],
                                  c.vel - (0 if frac == 0 else 20), t, sub * 0.9))
        if d > 0.8 and c.block.index % 4 == 0:
            out.append(c.note("drums", GM["crash"], c.vel + 10, 0.0, 1.0))
        return out


def create(sample_rate: int, **options) -> BaselineGenerator:
    """Factory for model.api.REGISTRY: options are BaselineGenerator's keyword arguments."""
    return BaselineGenerator(sample_rate, **options)


class _Ctx:
    """One block's musical context, shared by the stem writers."""

    def __init__(self, block: Block, chord: Chord, key, density: float, vel: int, bpb: int,
                 steps: int, fpb: int, rng: np.random.Generator, bar_origin: float = 0.0):
        self.block, self.chord, self.key, self.density, self.vel = block, chord, key, density, vel
        self.bpb, self.steps, self.fpb, self.rng = bpb, steps, fpb, rng
        self.beats = steps / fpb
        self.start = block.start_beat - bar_origin  # beats since a bar line

    def beat_in_bar(self, t: float) -> float:
        return (self.start + t) % self.bpb

    def on_beat(self, t: float) -> bool:
        return abs(t - round(t)) < 1e-9

    def bar_starts(self) -> list[float]:
        """Beats (from the block start) where a bar starts, plus the block start."""
        first = (-self.start) % self.bpb
        starts = {0.0} | {first + k * self.bpb for k in range(int(self.beats // self.bpb) + 1)}
        return sorted(s for s in starts if s < self.beats - 1e-9)

    def note(self, stem: str, pitch: int, vel: int, start: float, dur: float) -> NoteEvent:
        q = 1.0 / self.fpb  # start on the grid, inside the block
        start = min(round(start / q) * q, self.beats - q)
        return NoteEvent(stem, int(pitch), min(max(int(vel), 1), 127), float(start), float(max(dur, q / 2)))
