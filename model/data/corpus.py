"""Real music from the music21 corpus: Bach chorales, voices mapped to stems.

soprano -> lead, alto + tenor -> keys, bass -> bass; no drums. Offsets are quantised to
the 16th grid. Parsing is the slow part, so `load_chorales` caps the number of pieces
(the dataset builder caches the result on disk).
"""
from __future__ import annotations

from typing import Iterator

from model.codec import GridNote
from model.data.grooves import Piece

VOICE_TO_STEM = {"soprano": "lead", "alto": "keys", "tenor": "keys", "bass": "bass"}


def chorale_paths(limit: int | None = None) -> list[str]:
    from music21 import corpus
    paths = sorted(str(p) for p in corpus.getComposer("bach") if "bwv" in str(p).lower())
    return paths[:limit] if limit else paths


def _stem_of(part_name: str | None, index: int, n_parts: int) -> str | None:
    name = (part_name or "").strip().lower()
    for voice, stem in VOICE_TO_STEM.items():
        if name.startswith(voice):
            return stem
    # unnamed parts: top voice lead, bottom bass, the rest keys
    if index == 0:
        return "lead"
    return "bass" if index == n_parts - 1 else "keys"


def parse_chorale(path: str, frames_per_beat: int = 4) -> Piece | None:
    """One chorale -> Piece (style "chorale"), or None if it is not a 4-part piece."""
    from music21 import corpus, tempo
    score = corpus.parse(path)
    parts = list(score.parts)
    if len(parts) != 4:
        return None
    notes: list[GridNote] = []
    n_frames = 0
    for i, part in enumerate(parts):
        stem = _stem_of(part.partName, i, len(parts))
        for n in part.stripTies().flatten().notes:
            pitches = [n.pitch] if n.isNote else list(n.pitches)
            start = int(round(float(n.offset) * frames_per_beat))
            end = max(start + 1, int(round((float(n.offset) + float(n.quarterLength)) * frames_per_beat)))
            for p in pitches:
                notes.append(GridNote(stem, int(p.midi), 80, start, end))
            n_frames = max(n_frames, end)
    # two voices on one stem may share a pitch (unison): keep one note per (stem, pitch, start)
    seen, uniq = set(), []
    for n in sorted(notes, key=lambda n: (n.start, n.stem, n.pitch, -n.end)):
        k = (n.stem, n.pitch, n.start)
        if k not in seen:
            seen.add(k)
            uniq.append(n)
    uniq = _cut_overlaps(uniq)
    try:
        key = score.analyze("key")
        tonic = int(key.tonic.pitchClass)
    except Exception:  # analysis is a nicety: a piece without a key is still usable
        tonic = 0
    marks = list(score.flatten().getElementsByClass(tempo.MetronomeMark))
    bpm = float(marks[0].number) if marks and marks[0].number else 80.0
    name = "chorale-" + path.rsplit("/", 1)[-1].split(".mxl")[0].split(".xml")[0]
    return Piece(name, "chorale", tonic, bpm, n_frames, uniq)


def _cut_overlaps(notes: list[GridNote]) -> list[GridNote]:
    """Within a stem and pitch, a later note cuts an earlier one (what the roll can hold)."""
    out: list[GridNote] = []
    last: dict[tuple[str, int], int] = {}
    for n in notes:  # sorted by start
        k = (n.stem, n.pitch)
        if k in last:
            j = last[k]
            prev = out[j]
            if prev.end > n.start:
                out[j] = GridNote(prev.stem, prev.pitch, prev.velocity, prev.start, n.start)
        last[k] = len(out)
        out.append(n)
    return [n for n in out if n.end > n.start]


def transpose(piece: Piece, semitones: int, name: str | None = None) -> Piece:
    notes = [n if n.stem == "drums" else GridNote(n.stem, n.pitch + semitones, n.velocity, n.start, n.end)
             for n in piece.notes]
    chords = [(a, b, tuple((pc + semitones) % 12 for pc in pcs)) for a, b, pcs in piece.chords]
    return Piece(name or f"{piece.name}{semitones:+d}", piece.style, (piece.tonic + semitones) % 12,
                 piece.bpm, piece.n_frames, notes, chords)


def load_chorales(limit: int = 150, frames_per_beat: int = 4, progress: bool = False) -> Iterator[Piece]:
    paths = chorale_paths()
    if progress:
        from tqdm import tqdm
        paths = tqdm(paths, desc="chorales", unit="piece")
    count = 0
    for path in paths:
        if count >= limit:
            break
        try:
            piece = parse_chorale(path, frames_per_beat)
        except Exception:  # a malformed score in the corpus is skipped, not fatal
            piece = None
        if piece is not None and piece.n_frames >= 8 * frames_per_beat:
            count += 1
            yield piece
