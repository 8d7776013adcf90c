"""Note-roll codec: notes <-> a continuous multi-stem roll on a beat grid.

The embedded model's "latent" is this roll (model.md §2). Layout, per frame
(`frames_per_beat` frames per beat, default 4 = sixteenth notes):

    for each pitched stem (bass, keys, lead): one channel per pitch (P = high - low + 1)
    drums:                                     one channel per drum class (7)

A pitch channel carries onset and sustain as levels of one continuous value:
    0                         silent
    SUSTAIN = 0.5             the note is held (a frame after its first)
    0.75 + 0.25 * vel / 127   the note starts here (drums: a hit), velocity inside
so decoding thresholds sit half-way between levels (0.625 and 0.25). One channel per
pitch, not an onset and a sustain channel each, keeps the roll (111 channels) narrower
than the transformer (d_model 160): a velocity-predicting flow model must carry the noise
of every latent channel through its residual stream, and a wider latent leaks noise into
the sampled notes. The model works in [-1, 1] (`to_latent` / `from_latent`).

`encode` then `decode` gives back the same notes exactly at grid resolution, for notes
that are in range, non-overlapping per pitch, and canonical drums (the class's
representative key, one frame long). `decode` also has to cope with the model's
continuous output, so it thresholds with hysteresis, can forbid re-triggers closer than
`min_frames`, caps polyphony per stem and length per note (no stuck notes), and can mask
pitch classes outside a key (`/lmdm/key`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np

from model.api import NoteEvent


@dataclass(frozen=True)
class GridNote:
    """A note on the grid: frames are integers, end is exclusive."""

    stem: str
    pitch: int
    velocity: int  # 1..127
    start: int  # frame
    end: int  # frame, > start


# (class name, representative GM key, GM keys folded into the class)
DRUM_CLASSES: tuple[tuple[str, int, tuple[int, ...]], ...] = (
    ("kick", 36, (35, 36)),
    ("snare", 38, (37, 38, 39, 40)),
    ("closed_hat", 42, (42, 44)),
    ("open_hat", 46, (46,)),
    ("toms", 45, (41, 43, 45, 47, 48, 50)),
    ("crash", 49, (49, 52, 55, 57)),
    ("ride", 51, (51, 53, 59)),
)
_DRUM_CLASS_OF = {key: i for i, (_, _, keys) in enumerate(DRUM_CLASSES) for key in keys}


@dataclass(frozen=True)
class StemSpec:
    name: str
    low: int = 0  # lowest MIDI pitch (pitched stems)
    high: int = 0  # highest MIDI pitch, inclusive
    max_poly: int = 1  # decode keeps at most this many sounding notes
    drums: bool = False

    @property
    def pitches(self) -> int:
        return len(DRUM_CLASSES) if self.drums else self.high - self.low + 1

    @property
    def channels(self) -> int:
        return self.pitches


DEFAULT_STEMS: tuple[StemSpec, ...] = (
    StemSpec("bass", 28, 59, max_poly=2),  # E1..B3: 32 pitches
    StemSpec("keys", 48, 83, max_poly=6),  # C3..B5: 36 pitches
    StemSpec("lead", 60, 95, max_poly=2),  # C4..B6: 36 pitches
    StemSpec("drums", drums=True),  # 7 classes
)


@dataclass(frozen=True)
class RollLayout:
    stems: tuple[StemSpec, ...] = DEFAULT_STEMS
    frames_per_beat: int = 4
    offsets: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        offs, o = {}, 0
        for s in self.stems:
            offs[s.name] = o
            o += s.channels
        object.__setattr__(self, "offsets", offs)

    @property
    def channels(self) -> int:
        return sum(s.channels for s in self.stems)

    @property
    def stem_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.stems)

    def spec(self, stem: str) -> StemSpec:
        for s in self.stems:
            if s.name == stem:
                return s
        raise KeyError(f"unknown stem {stem!r}")

    def slice(self, stem: str) -> slice:
        """The stem's channels: one per pitch (or drum class)."""
        o = self.offsets[stem]
        return slice(o, o + self.spec(stem).pitches)

    def to_dict(self) -> dict:
        return {"frames_per_beat": self.frames_per_beat,
                "stems": [{"name": s.name, "low": s.low, "high": s.high,
                           "max_poly": s.max_poly, "drums": s.drums} for s in self.stems]}

    @classmethod
    def from_dict(cls, d: dict) -> "RollLayout":
        return cls(tuple(StemSpec(**s) for s in d["stems"]), int(d["frames_per_beat"]))


DEFAULT_LAYOUT = RollLayout()

# Where a bar sits in its phrase, for models trained with it (extra controls after the
# density): one-hot of the bar in its 4-bar group, then 1 in the second half of 8 bars.
# Many grooves loop 4 chords where one chord is followed by different ones (funk's
# i-i-IV-i), so the next chord depends on the loop position, not only on the last bar heard.
PHRASE_DIM = 5


def phrase_controls(bar) -> np.ndarray:
    """Bar index (0 = the first bar of a phrase; int or array) -> (..., PHRASE_DIM) float32."""
    bar = np.asarray(bar, np.int64)
    out = np.zeros(bar.shape + (PHRASE_DIM,), np.float32)
    np.put_along_axis(out, (bar % 4)[..., None], 1.0, axis=-1)
    out[..., 4] = (bar // 4) % 2
    return out


def uses_phrase(n_controls: int) -> bool:
    """Whether a model's controls are (density, phrase_controls) rather than density alone."""
    return n_controls == 1 + PHRASE_DIM


SUSTAIN = 0.5  # a held note
ONSET_BASE = 0.75  # a note's first frame: ONSET_BASE + (1 - ONSET_BASE) * velocity / 127


def onset_value(velocity: int) -> float:
    return ONSET_BASE + (1.0 - ONSET_BASE) * min(max(int(velocity), 1), 127) / 127.0


def fold_pitch(pitch: int, spec: StemSpec) -> int:
    """Move a pitch by octaves into the stem's range (why: corpus voices stray a little)."""
    while pitch < spec.low:
        pitch += 12
    while pitch > spec.high:
        pitch -= 12
    return pitch


def drum_class(pitch: int) -> int | None:
    return _DRUM_CLASS_OF.get(pitch)


# ---------------------------------------------------------------------------- encode

def encode(notes: Iterable[GridNote], n_frames: int, layout: RollLayout = DEFAULT_LAYOUT) -> np.ndarray:
    """Notes -> roll (n_frames, layout.channels) float32 in [0, 1].

    Notes that started before frame 0 contribute sustain only (a tie into the window);
    notes are clipped at n_frames. Unknown stems and drum keys are ignored.
    """
    roll = np.zeros((n_frames, layout.channels), np.float32)
    for n in notes:
        if n.stem not in layout.offsets or n.end <= max(n.start, 0) or n.start >= n_frames:
            continue
        spec = layout.spec(n.stem)
        vel = onset_value(n.velocity)
        if spec.drums:
            c = drum_class(n.pitch)
            if c is not None and n.start >= 0:
                j = layout.offsets[n.stem] + c
                roll[n.start, j] = max(roll[n.start, j], vel)
            continue
        j = layout.offsets[n.stem] + fold_pitch(int(n.pitch), spec) - spec.low
        a, b = max(n.start, 0), min(n.end, n_frames)
        held = roll[a:b, j]
        held[held < SUSTAIN] = SUSTAIN  # never overwrite another note's onset
        if n.start >= 0:
            roll[n.start, j] = vel  # a later onset on the same pitch cuts the earlier note
    return roll


def to_latent(roll: np.ndarray) -> np.ndarray:
    return roll * 2.0 - 1.0


def from_latent(x: np.ndarray) -> np.ndarray:
    return np.clip((np.asarray(x, np.float32) + 1.0) * 0.5, 0.0, 1.0)


# ---------------------------------------------------------------------------- decode

@dataclass(frozen=True)
class DecodeOptions:
    onset_threshold: float = 0.625  # a note starts above this (between SUSTAIN and ONSET_BASE)
    sustain_threshold: float = 0.25  # a note keeps sounding while the value stays above this
    min_frames: int = 1  # minimum length; also no re-trigger of a pitch closer than this
    # a sounding pitch re-starts only if its value also jumps by this much from the last
    # frame (a held note's noisy sustain is not a new onset); 0 = any onset re-starts
    retrigger_jump: float = 0.0
    max_frames: int = 1 << 30  # no stuck notes: a note never lasts longer than this
    limit_poly: bool = False  # cap sounding notes per stem at StemSpec.max_poly (or `poly`)
    # relative > 0: a pitched stem whose block never reaches onset_threshold still plays its
    # most confident notes -- the threshold drops to relative * (the block's peak), not
    # below `floor`. Why: a flow model sampled in 8 steps hedges where it is unsure (values
    # like a posterior mean), and an all-or-nothing threshold then silences whole stems.
    relative: float = 0.0
    floor: float = 0.2
    poly: dict[str, int] | None = None  # per-stem polyphony override
    pitch_classes: frozenset[int] | None = None  # key constraint: allowed pitch classes
    # chord_tones > 0: per beat, the pitched stems together keep only this many pitch
    # classes -- the strongest by the roll's summed level -- so bass, keys and lead agree
    # on one chord instead of hedging between two (0 = off)
    chord_tones: int = 0
    # chord_span > 1 (with chord_tones): one choice of pitch classes per this many beats
    # (4 = a bar of the embedded model, whose blocks start on the bar), so a bar's beats
    # share one chord, and a re-planned bar's chord also weighs what the model made of
    # the beats already heard
    chord_span: int = 1
    # heard_prior > 0 (with chord_tones): decode()'s `heard` pitch classes per beat (what
    # the performer was last heard playing) add to the roll's levels when a beat's chord
    # tones are chosen, at this weight against the beat's strongest pitch class (1.0)
    heard_prior: float = 0.0
    # harmony_prior (with heard_prior > 0): the weight instead of heard_prior of the beats
    # whose `heard` row is a prediction (decode()'s `predicted`: the embedded model's
    # harmony predictor, for beats not heard yet); None = heard_prior
    harmony_prior: float | None = None
    # per pitched stem, a factor on its onset threshold (after `relative`): calibrates each
    # stem's note count to the truth's (`lmdm eval --tune-stream`), None = 1 for all
    stem_scale: dict[str, float] | None = None
    # the softest velocity a decoded note gets: a model's hedged onset values (below
    # ONSET_BASE, kept by a low or relative threshold) would otherwise all come out at
    # velocity 1 and be inaudible
    min_velocity: int = 1
    # groove, per pitched stem (a missing stem: 0 = off): its onset threshold drops by this
    # share at frames where the decoded drums hit (the stem's groove_drums classes) and rises
    # by it elsewhere, so the stem starts its notes with the drummer; a block whose drums
    # never hit is left alone
    groove: dict[str, float] | None = None
    # groove_drums: per pitched stem, the drum classes (DRUM_CLASSES names) whose hits its
    # groove locks to, e.g. {"bass": ("kick",)}: a bass that plays with the kick drum; a stem
    # not named locks to every class
    groove_drums: dict[str, tuple[str, ...]] | None = None
    # restrike: pitched stems whose held notes are struck again where their groove drums hit
    # (a note held at least min_frames ends there and the same pitch starts anew at the same
    # velocity): a bass that pulses with the kick on the root it holds. Independent of the
    # groove share; a block whose drums never hit is left alone
    restrike: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        stems = (self.restrike,) if isinstance(self.restrike, str) else (self.restrike or ())
        object.__setattr__(self, "restrike", tuple(str(s) for s in stems))  # YAML: a list or one name
        if self.groove_drums:
            known = {c[0] for c in DRUM_CLASSES}
            fixed = {str(k): (str(v),) if isinstance(v, str) else tuple(str(n) for n in v)
                     for k, v in self.groove_drums.items()}
            bad = sorted({n for v in fixed.values() for n in v} - known)
            if bad:
                raise ValueError(f"groove_drums: unknown drum class {', '.join(bad)} "
                                 f"(known: {', '.join(c[0] for c in DRUM_CLASSES)})")
            object.__setattr__(self, "groove_drums", fixed)


GROOVE_MAX = 0.9  # the strongest groove share: thresholds x0.1 on the drum hits, x1.9 between


def scale_groove(tuned: dict[str, float] | None, knob: float, stems: Sequence[str]) -> dict[str, float]:
    """The performer's groove control (0..1, Controls.groove) -> DecodeOptions.groove for the
    given pitched stems: 0.5 = `tuned` (the checkpoint's), 0 = no stem locked, 1 = every stem
    at GROOVE_MAX; linear in between (a stem the checkpoint does not lock rises from 0)."""
    knob = min(max(float(knob), 0.0), 1.0)
    out = {}
    for stem in stems:
        g = float((tuned or {}).get(stem, 0.0))
        out[stem] = g * knob / 0.5 if knob <= 0.5 else g + (GROOVE_MAX - g) * (knob - 0.5) / 0.5
    return out


EXACT = DecodeOptions()  # the round-trip decoder
# what the embedded model uses on its continuous output
ROBUST = DecodeOptions(min_frames=2, max_frames=64, limit_poly=True, retrigger_jump=0.2, min_velocity=48)


def decode(roll: np.ndarray, layout: RollLayout = DEFAULT_LAYOUT,
           options: DecodeOptions = EXACT, heard: np.ndarray | None = None,
           predicted: int | None = None) -> list[GridNote]:
    """Roll (n_frames, channels) in [0, 1] -> notes sorted by (start, stem, pitch).

    Notes still sounding at the last frame end there (the caller decides what a block
    boundary means). Sustain without an onset never starts a note. heard: (beats, 12)
    pitch-class levels of the input per beat, used by options.heard_prior; predicted: the
    first of its rows that are predictions, not heard (weighed by options.harmony_prior).
    """
    roll = np.asarray(roll, np.float32)
    if roll.ndim != 2 or roll.shape[1] != layout.channels:
        raise ValueError(f"roll must be (frames, {layout.channels}), got {roll.shape}")
    if options.chord_tones > 0:
        weight: float | np.ndarray = options.heard_prior
        if heard is not None and predicted is not None and options.harmony_prior is not None and options.heard_prior > 0:
            weight = np.where(np.arange(len(heard)) >= predicted, options.harmony_prior, options.heard_prior)
        roll = agree_on_chords(roll, layout, options.chord_tones, heard, weight, options.chord_span)
    notes: list[GridNote] = []
    hits = None  # (frames, drum classes): where the decoded drums hit
    if options.restrike or (options.groove and any(g > 0 for g in options.groove.values())):
        drums = [s for s in layout.stems if s.drums]
        if drums:
            hits = roll[:, layout.slice(drums[0].name)] > options.onset_threshold
    for spec in layout.stems:
        x = roll[:, layout.slice(spec.name)]
        if spec.drums:
            notes += _decode_drums(x, spec, options)
        else:
            notes += _decode_pitched(x, x, spec, options, _groove_hits(hits, spec.name, options))
    notes.sort(key=lambda n: (n.start, n.stem, n.pitch))
    return notes


def _groove_hits(hits: np.ndarray | None, stem: str, options: DecodeOptions) -> np.ndarray | None:
    """The frames a stem's groove locks to: where any of its drum classes (options.groove_drums,
    default every class) hits; None when they never hit in the block (nothing to lock to:
    thresholds as they are)."""
    if hits is None:
        return None
    names = (options.groove_drums or {}).get(stem)
    if names:
        hits = hits[:, [i for i, c in enumerate(DRUM_CLASSES) if c[0] in names]]
    frames = hits.any(axis=1)
    return frames if frames.any() else None


def agree_on_chords(roll: np.ndarray, layout: RollLayout, tones: int, heard: np.ndarray | None = None,
                    weight: "float | np.ndarray" = 0.0, span: int = 1) -> np.ndarray:
    """A copy of roll where, in every beat, pitched channels outside the beat's `tones`
    strongest pitch classes (summed over the pitched stems and the beat's frames) are 0.
    span > 1: the beats of each group of `span` (from the roll's first frame) share one
    choice, their levels summed.
    heard (beats, 12) and weight > 0: each beat's levels, scaled to a maximum of 1, get
    `weight` x the beat's heard levels (also scaled to 1) added before the ranking; only
    pitch classes the roll plays at all are kept. weight: one for all beats or one per
    row of heard."""
    pitched = [(layout.slice(s.name), (s.low + np.arange(s.pitches)) % 12) for s in layout.stems if not s.drums]
    n, fpb = roll.shape[0], layout.frames_per_beat
    beats = -(-n // fpb)
    profile = np.zeros((beats, 12), np.float64)
    for sl, pcs in pitched:
        per_beat = np.add.reduceat(roll[:, sl], np.arange(0, n, fpb), axis=0)  # (beats, pitches)
        np.add.at(profile.T, pcs, per_beat.T)
    if span > 1:  # one choice per span of beats: their levels summed
        group = np.arange(beats) // span
        summed = np.zeros((group[-1] + 1, 12))
        np.add.at(summed, group, profile)
        profile = summed[group]
    plays = profile > 0
    w = np.zeros(beats)
    if heard is not None:
        rows = min(beats, len(heard))
        w[:rows] = np.broadcast_to(np.asarray(weight, np.float64), (len(heard),))[:rows]
    if heard is not None and (w > 0).any():
        h = np.zeros((beats, 12))
        h[:rows] = np.asarray(heard, np.float64)[:rows]
        unit = lambda x: x / np.maximum(x.max(axis=1, keepdims=True), 1e-9)  # noqa: E731
        profile = unit(profile) + w[:, None] * unit(np.maximum(h, 0.0))
    rank = np.argsort(-profile, axis=1, kind="stable")
    keep = np.zeros((beats, 12), bool)
    np.put_along_axis(keep, rank[:, :int(tones)], True, axis=1)
    keep &= plays
    out = roll.copy()
    frame_beat = np.arange(n) // fpb
    for sl, pcs in pitched:
        out[:, sl] *= keep[frame_beat][:, pcs]
    return out


def _velocity(v: float, floor: int = 1) -> int:
    return int(min(max(round((float(v) - ONSET_BASE) / (1.0 - ONSET_BASE) * 127.0), floor, 1), 127))


def _decode_drums(onset: np.ndarray, spec: StemSpec, opt: DecodeOptions) -> list[GridNote]:
    out = []
    frames, classes = np.nonzero(onset > opt.onset_threshold)
    for t, c in zip(frames.tolist(), classes.tolist()):
        out.append(GridNote(spec.name, DRUM_CLASSES[c][1], _velocity(onset[t, c], opt.min_velocity), t, t + 1))
    return out


def _decode_pitched(onset: np.ndarray, sustain: np.ndarray, spec: StemSpec,
                    opt: DecodeOptions, hits: np.ndarray | None = None) -> list[GridNote]:
    n_frames, n_p = onset.shape
    poly = (opt.poly or {}).get(spec.name, spec.max_poly) if opt.limit_poly else n_p
    on_thr, sus_thr = opt.onset_threshold, opt.sustain_threshold
    if opt.relative > 0 and n_frames:
        on_thr = min(on_thr, max(opt.floor, opt.relative * float(onset.max())))
        sus_thr = min(sus_thr, 0.6 * on_thr)
    scale = (opt.stem_scale or {}).get(spec.name, 1.0)
    if scale != 1.0:
        on_thr *= scale
        sus_thr = min(sus_thr, 0.6 * on_thr)
    onset = onset.copy()
    if opt.pitch_classes is not None:
        allowed = np.array([(spec.low + p) % 12 in opt.pitch_classes for p in range(n_p)])
        onset[:, ~allowed] = 0.0
    frame_thr = np.full(n_frames, on_thr)
    groove = (opt.groove or {}).get(spec.name, 0.0)
    if hits is not None and groove > 0:
        frame_thr = np.where(hits[:n_frames], on_thr * (1.0 - groove), on_thr * (1.0 + groove))
    restrike = hits is not None and spec.name in opt.restrike
    active: dict[int, list] = {}  # pitch index -> [start, velocity]
    out: list[GridNote] = []

    def close(p: int, end: int) -> None:
        start, vel = active.pop(p)
        out.append(GridNote(spec.name, spec.low + p, vel, start, end))

    for t in range(n_frames):
        # end notes whose sustain fell, unless they are shorter than min_frames
        for p in list(active):
            start = active[p][0]
            if t - start >= opt.max_frames or (
                    t - start >= opt.min_frames and sustain[t, p] <= sus_thr):
                close(p, t)
        if restrike and hits[t]:  # the held notes start again with the drums
            for p in [q for q, (start, _) in active.items() if t - start >= opt.min_frames]:
                vel = active[p][1]
                close(p, t)
                active[p] = [t, vel]
        cands = np.nonzero(onset[t] > frame_thr[t])[0]
        if len(cands) == 0:
            continue
        cands = cands[np.argsort(-onset[t, cands], kind="stable")][:poly]
        for p in cands.tolist():
            if p in active:
                if t - active[p][0] < opt.min_frames:
                    continue  # a smeared onset, not a re-trigger
                if opt.retrigger_jump and onset[t, p] - onset[t - 1, p] < opt.retrigger_jump:
                    continue  # the held note's level wobbling, not a new note
                close(p, t)
            if len(active) >= poly:  # steal the oldest voice
                oldest = min(active, key=lambda q: active[q][0])
                close(oldest, t)
            active[p] = [t, _velocity(onset[t, p], opt.min_velocity)]
    for p in list(active):
        close(p, n_frames)
    return out


# ---------------------------------------------------------------------------- notes <-> events

def to_events(notes: Sequence[GridNote], frames_per_beat: int, frame_offset: int = 0) -> list[NoteEvent]:
    """Grid notes -> api.NoteEvent (beats relative to frame_offset)."""
    fpb = float(frames_per_beat)
    return [NoteEvent(n.stem, int(n.pitch), int(n.velocity), (n.start - frame_offset) / fpb,
                      (n.end - n.start) / fpb) for n in notes]


def from_events(events: Iterable[NoteEvent], frames_per_beat: int, frame_offset: int = 0) -> list[GridNote]:
    """api.NoteEvent -> grid notes, quantised to the nearest frame (length >= 1 frame)."""
    out = []
    for e in events:
        s = int(round(e.start * frames_per_beat)) + frame_offset
        end = int(round((e.start + e.duration) * frames_per_beat)) + frame_offset
        out.append(GridNote(e.stem, int(e.pitch), int(e.velocity), s, max(end, s + 1)))
    return out


# ---------------------------------------------------------------------------- key constraint

_NOTE_NAMES = {"c": 0, "d": 2, "e": 4, "f": 5, "g": 7, "a": 9, "b": 11}
SCALES: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11), "ionian": (0, 2, 4, 5, 7, 9, 11),
    # minor keeps the raised 7th too: the dominant chord of a minor key uses it
    "minor": (0, 2, 3, 5, 7, 8, 10, 11), "aeolian": (0, 2, 3, 5, 7, 8, 10),
    "harmonic minor": (0, 2, 3, 5, 7, 8, 11),
    "dorian": (0, 2, 3, 5, 7, 9, 10), "phrygian": (0, 1, 3, 5, 7, 8, 10),
    "lydian": (0, 2, 4, 6, 7, 9, 11), "mixolydian": (0, 2, 4, 5, 7, 9, 10),
    "locrian": (0, 1, 3, 5, 6, 8, 10),
    "pentatonic": (0, 2, 4, 7, 9), "major pentatonic": (0, 2, 4, 7, 9),
    "minor pentatonic": (0, 3, 5, 7, 10), "blues": (0, 3, 5, 6, 7, 10),
    "chromatic": tuple(range(12)),
}


def parse_key(text: str) -> frozenset[int]:
    """'C minor', 'F# major', 'Bb dorian', 'eb' (lower-case tonic alone = minor) -> pitch classes.

    Raises ValueError naming what it could not read.
    """
    words = text.strip().replace("-", " ").split()
    if not words:
        raise ValueError("empty key")
    tonic = words[0]
    name = tonic[0].lower()
    if name not in _NOTE_NAMES:
        raise ValueError(f"unknown tonic {tonic!r} in key {text!r}")
    pc = _NOTE_NAMES[name]
    for acc in tonic[1:]:
        if acc in "#s":
            pc += 1
        elif acc in "b":
            pc -= 1
        else:
            raise ValueError(f"unknown accidental {acc!r} in key {text!r}")
    mode = " ".join(w.lower() for w in words[1:]) or ("minor" if tonic[0].islower() else "major")
    if mode not in SCALES:
        raise ValueError(f"unknown mode {mode!r} in key {text!r}; known: {', '.join(sorted(SCALES))}")
    return frozenset((pc + i) % 12 for i in SCALES[mode])
