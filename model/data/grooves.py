"""Procedural grooves: labelled multi-stem pieces in ten styles (chords, bass, comping,
drums, melody), in any key and at a range of tempi, deterministic from a seed.

Why procedural: the music21 corpus has no drums and no popular styles; a style label per
piece is what the prompt conditioning and the style-adherence metric need. Everything is
on the 16th grid (4 frames per beat, 16 frames per 4/4 bar), as `GridNote`s.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from model.codec import GridNote

STEPS = 16  # frames per bar at 4 frames per beat, 4/4

QUALITIES: dict[str, tuple[int, ...]] = {
    "maj": (0, 4, 7), "min": (0, 3, 7), "7": (0, 4, 7, 10), "maj7": (0, 4, 7, 11),
    "m7": (0, 3, 7, 10), "sus": (0, 5, 7), "6": (0, 4, 7, 9), "5": (0, 7),
}
MAJOR = (0, 2, 4, 5, 7, 9, 11)
MINOR = (0, 2, 3, 5, 7, 8, 10)


@dataclass
class Piece:
    """One labelled piece: notes per stem on the grid, plus what the live part is."""

    name: str  # unique id; the train/held-out split is by piece name
    style: str
    tonic: int  # pitch class
    bpm: float
    n_frames: int
    notes: list[GridNote] = field(default_factory=list)
    chords: list[tuple[int, int, tuple[int, ...]]] = field(default_factory=list)  # (start, end, pcs)

    def stem(self, name: str) -> list[GridNote]:
        return [n for n in self.notes if n.stem == name]


@dataclass(frozen=True)
class Style:
    bpm: tuple[float, float]
    scale: tuple[int, ...]
    progressions: tuple[tuple[tuple[int, str], ...], ...]  # (root semitones from tonic, quality)
    bass: tuple[tuple[int, int, str], ...]  # (step, length, role: r=root f=fifth o=octave t=third w=walk)
    comp: tuple[tuple[int, int], ...]  # (step, length) chord hits
    drums: dict[str, str]  # class -> 16-step pattern, x = accent, o = soft
    melody_density: float  # chance of a melody onset per eighth
    melody_lengths: tuple[int, ...]  # note lengths in steps to choose from
    velocity: int = 90
    chords_per_bar: int = 1


def _p(*chords):
    return tuple(chords)


STYLES: dict[str, Style] = {
    "pop": Style((92, 124), MAJOR,
                 (_p((0, "maj"), (7, "maj"), (9, "min"), (5, "maj")), _p((9, "min"), (5, "maj"), (0, "maj"), (7, "maj")),
                  _p((0, "maj"), (5, "maj"), (9, "min"), (7, "maj"))),
                 tuple((s, 2, "r") for s in range(0, 16, 2)), ((0, 3), (4, 3), (8, 3), (12, 3)),
                 {"kick": "x.......x.x.....", "snare": "....x.......x...", "closed_hat": "x.o.x.o.x.o.x.o."},
                 0.45, (2, 2, 4, 6)),
    "rock": Style((100, 140), MAJOR,
                  (_p((0, "5"), (10, "5"), (5, "5"), (0, "5")), _p((0, "maj"), (5, "maj"), (7, "maj"), (5, "maj"))),
                  tuple((s, 2, "r" if s % 8 else "o") for s in range(0, 16, 2)), ((0, 8), (8, 6), (14, 2)),
                  {"kick": "x.....x.x.......", "snare": "....x.......x...", "closed_hat": "x.x.x.x.x.x.x.x.",
                   "crash": "x..............."}, 0.4, (2, 4, 4, 8), velocity=105),
    "funk": Style((96, 116), MINOR,
                  (_p((0, "m7"), (0, "m7"), (5, "7"), (0, "m7")), _p((0, "m7"), (5, "7"), (0, "m7"), (10, "7"))),
                  ((0, 2, "r"), (3, 1, "o"), (6, 1, "r"), (7, 1, "f"), (10, 2, "r"), (12, 1, "o"), (14, 1, "f")),
                  ((2, 1), (5, 1), (7, 1), (10, 1), (13, 1)),
                  {"kick": "x..x..x...x..x..", "snare": "....x..o.o..x..o", "closed_hat": "xoxoxoxoxoxoxoxo"},
                  0.5, (1, 2, 2, 3)),
    "bossa nova": Style((120, 150), MAJOR,
                        (_p((2, "m7"), (7, "7"), (0, "maj7"), (0, "maj7")), _p((0, "maj7"), (9, "m7"), (2, "m7"), (7, "7"))),
                        ((0, 6, "r"), (6, 2, "f"), (8, 6, "r"), (14, 2, "f")), ((0, 2), (3, 2), (6, 2), (10, 2), (12, 2)),
                        {"kick": "x..xx..xx..xx..x", "snare": "x..x..x...x..x..", "closed_hat": "x.x.x.x.x.x.x.x."},
                        0.4, (2, 3, 4, 6), velocity=75),
    "house": Style((118, 128), MINOR,
                   (_p((0, "m7"), (10, "maj"), (8, "maj7"), (10, "maj")), _p((0, "m7"), (0, "m7"), (5, "m7"), (5, "m7"))),
                   ((2, 2, "r"), (6, 2, "r"), (10, 2, "r"), (14, 2, "o")), ((2, 1), (6, 1), (10, 1), (14, 1)),
                   {"kick": "x...x...x...x...", "snare": "....x.......x...", "open_hat": "..x...x...x...x.",
                    "closed_hat": "o.o.o.o.o.o.o.o."}, 0.3, (1, 2, 4)),
    "swing": Style((110, 180), MAJOR,
                   (_p((2, "m7"), (7, "7"), (0, "maj7"), (9, "7")), _p((0, "6"), (9, "m7"), (2, "m7"), (7, "7"))),
                   ((0, 4, "r"), (4, 4, "w"), (8, 4, "w"), (12, 4, "w")), ((0, 2), (6, 2)),
                   {"ride": "x...x.ox...x..ox", "closed_hat": "....x.......x...", "kick": "o...o...o...o..."},
                   0.55, (2, 2, 3, 1), velocity=80),
    "ballad": Style((60, 80), MAJOR,
                    (_p((0, "maj"), (9, "min"), (5, "maj"), (7, "maj")), _p((0, "maj"), (4, "min"), (5, "maj"), (7, "sus"))),
                    ((0, 8, "r"), (8, 8, "f")), tuple((s, 2) for s in range(0, 16, 2)),
                    {"kick": "x.......x.......", "snare": "....x.......x...", "closed_hat": "o.o.o.o.o.o.o.o."},
                    0.3, (4, 6, 8), velocity=70),
    "ambient": Style((60, 90), MAJOR,
                     (_p((0, "maj7"), (5, "maj7"), (0, "maj7"), (9, "m7")), _p((0, "sus"), (0, "sus"), (5, "maj7"), (7, "sus"))),
                     ((0, 16, "r"),), ((0, 16),),
                     {"ride": "o.......o......."}, 0.15, (8, 12, 16), velocity=60),
    "reggae": Style((70, 90), MAJOR,
                    (_p((0, "maj"), (5, "maj"), (7, "maj"), (5, "maj")), _p((0, "min"), (5, "min"), (0, "min"), (7, "min"))),
                    ((2, 2, "r"), (4, 2, "r"), (8, 3, "f"), (12, 2, "t"), (14, 2, "r")), ((4, 1), (12, 1), (6, 1), (14, 1)),
                    {"kick": "........x.......", "snare": "........x.......", "closed_hat": "x.x.x.x.x.x.x.x."},
                    0.35, (2, 4)),
    "hip hop": Style((80, 96), MINOR,
                     (_p((0, "m7"), (8, "maj7"), (0, "m7"), (8, "maj7")), _p((0, "m7"), (5, "m7"), (0, "m7"), (7, "m7"))),
                     ((0, 3, "r"), (7, 1, "r"), (10, 4, "r")), ((0, 8), (8, 8)),
                     {"kick": "x......x..x.....", "snare": "....x.......x...", "closed_hat": "x.x.x.xxx.x.x.x."},
                     0.35, (1, 2, 3, 4), velocity=85),
}

_TOM_FILL = "........x.x.xxx."


def _voicing(pcs: tuple[int, ...], prev: list[int] | None, low: int = 53, high: int = 79) -> list[int]:
    """Close voicing of the chord nearest the previous one (voice leading)."""
    best, best_cost = None, 1e9
    for bottom in range(low, low + 12):
        notes = sorted(low + ((pc - low) % 12) for pc in pcs)
        # rotate inversions: start from the chord tone at or above `bottom`
        v = sorted(n if n >= bottom else n + 12 for n in notes)
        if v[-1] > high:
            continue
        centre = np.mean(prev) if prev else 64.0
        cost = abs(np.mean(v) - centre)
        if cost < best_cost:
            best, best_cost = v, cost
    return best or sorted(60 + (pc % 12) for pc in pcs)


def make_groove(style: str, rng: np.random.Generator, bars: int = 16, tonic: int | None = None,
                bpm: float | None = None, name: str = "") -> Piece:
    st = STYLES[style]
    tonic = int(rng.integers(12)) if tonic is None else tonic % 12
    bpm = float(rng.uniform(*st.bpm)) if bpm is None else bpm
    prog = st.progressions[int(rng.integers(len(st.progressions)))]
    piece = Piece(name or f"groove-{style}-{int(rng.integers(1 << 30))}", style, tonic, bpm, bars * STEPS)
    notes = piece.notes
    vel = lambda base: int(np.clip(base + rng.normal(0, 6), 20, 127))  # noqa: E731
    prev_voicing = None
    swing_like = style in ("swing", "bossa nova")
    for bar in range(bars):
        t0 = bar * STEPS
        root_off, quality = prog[bar % len(prog)]
        root_pc = (tonic + root_off) % 12
        pcs = tuple((root_pc + i) % 12 for i in QUALITIES[quality])
        piece.chords.append((t0, t0 + STEPS, pcs))
        next_root = (tonic + prog[(bar + 1) % len(prog)][0]) % 12
        # bass: root around E1..E2
        root = 28 + ((root_pc - 28) % 12)
        if root < 33:
            root += 12
        for step, length, role in st.bass:
            if rng.random() < 0.07:
                continue  # humanising: the odd dropped note
            if role == "w":  # walking: chord tone, or a chromatic approach on the last beat
                if step == 12:
                    p = root + ((next_root - root_pc) % 12) + int(rng.choice([-1, 1]))
                else:
                    p = root + QUALITIES[quality][int(rng.integers(1, len(QUALITIES[quality])))]
            else:
                p = root + {"r": 0, "f": 7, "o": 12, "t": QUALITIES[quality][1]}[role]
            notes.append(GridNote("bass", int(p), vel(st.velocity + (8 if step == 0 else 0)), t0 + step, t0 + step + length))
        # keys: voiced chord hits, voice-led
        v = _voicing(pcs, prev_voicing)
        prev_voicing = v
        if style == "ballad":  # arpeggio over a held bass-register chord
            for i, (step, length) in enumerate(st.comp):
                notes.append(GridNote("keys", v[i % len(v)], vel(st.velocity - 10), t0 + step, t0 + step + length))
        else:
            for step, length in st.comp:
                if rng.random() < 0.08:
                    continue
                hv = vel(st.velocity - 5)
                for p in v:
                    notes.append(GridNote("keys", p, hv, t0 + step, t0 + step + length))
        # drums: pattern + ghost notes + a tom fill every fourth bar
        fill = bar % 4 == 3 and style not in ("ambient",) and rng.random() < 0.7
        for cls, pattern in st.drums.items():
            if cls == "crash" and bar % 4:
                continue
            for step, ch in enumerate(pattern):
                if fill and step >= 8 and cls in ("snare", "closed_hat", "ride"):
                    continue
                if ch == "x" or (ch == "o" and rng.random() < 0.85):
                    notes.append(GridNote("drums", _DRUM_KEY[cls], vel(st.velocity + (15 if ch == "x" else -25)),
                                          t0 + step, t0 + step + 1))
                elif ch == "." and cls == "snare" and style in ("funk", "hip hop") and rng.random() < 0.05:
                    notes.append(GridNote("drums", _DRUM_KEY[cls], vel(40), t0 + step, t0 + step + 1))
        if fill:
            for step, ch in enumerate(_TOM_FILL):
                if ch == "x":
                    notes.append(GridNote("drums", 45, vel(st.velocity), t0 + step, t0 + step + 1))
        if bar % 4 == 0 and bar and style in ("pop", "house", "funk", "ballad") and rng.random() < 0.5:
            notes.append(GridNote("drums", 49, vel(st.velocity + 10), t0, t0 + 1))
        # melody: chord tones on strong steps, scale steps between
        _melody_bar(piece, st, rng, t0, pcs, swing_like)
    notes.sort(key=lambda n: (n.start, n.stem, n.pitch))
    return piece


_DRUM_KEY = {"kick": 36, "snare": 38, "closed_hat": 42, "open_hat": 46, "toms": 45, "crash": 49, "ride": 51}


def _melody_bar(piece: Piece, st: Style, rng: np.random.Generator, t0: int, pcs, swing_like: bool) -> None:
    scale = [(piece.tonic + i) % 12 for i in st.scale]
    bar = t0 // STEPS
    if bar % 4 == 3 and rng.random() < 0.5:
        return  # breathe: phrases of about three bars
    last = getattr(piece, "_last_mel", 72)
    step = 0
    while step < STEPS:
        if rng.random() < st.melody_density or step == 0:
            length = int(rng.choice(st.melody_lengths))
            length = min(length, STEPS - step)
            strong = step % 4 == 0
            allowed = pcs if strong else scale
            cands = [p for p in range(last - 7, last + 8) if p % 12 in allowed and 64 <= p <= 88]
            if not cands:
                cands = [p for p in range(64, 89) if p % 12 in allowed]
            w = np.array([1.0 / (1 + abs(p - last)) for p in cands])
            p = int(rng.choice(cands, p=w / w.sum()))
            piece.notes.append(GridNote("lead", p, int(np.clip(st.velocity + rng.normal(0, 8), 30, 127)),
                                        t0 + step, t0 + step + length))
            last = p
            step += length
        else:
            step += 2
    piece._last_mel = last  # type: ignore[attr-defined]


def style_names() -> list[str]:
    return list(STYLES)
