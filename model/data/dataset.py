"""Training windows over the cached pieces (model/data/build.py output).

A window is what the stream sees for one block: C context frames then T target frames,
the target starting on a bar line (t0 = k*T). Frames before the piece start are "no
context" (context_mask 0), so the model also learns how a stream begins.

Per window the dataset draws an input visibility, so that one model serves every mode:
  delay      visible_until = T      (the whole target bar was heard)
  accompany  visible_until = -k     (k in 0..4: the last k context frames not heard yet)
  partial    visible_until = 1..T-1
  free       no input at all (features zeroed)
and a prompt: one of the style's label/paraphrase embeddings (the core's own prompt
dropout gives the unconditional branch for CFG).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from model.codec import DEFAULT_LAYOUT, EXACT, RollLayout, phrase_controls

VISIBILITY = {"delay": 0.3, "accompany": 0.45, "partial": 0.15, "free": 0.1}


def parse_visibility(spec: "str | dict[str, float] | None") -> dict[str, float]:
    """Shares of the input-visibility modes: None (VISIBILITY), a dict, or text like
    "accompany=0.7,delay=0.2,free=0.1" (modes left out get 0); normalised to sum 1."""
    if spec is None:
        return dict(VISIBILITY)
    if isinstance(spec, str):
        items = {}
        for part in filter(None, (x.strip() for x in spec.split(","))):
            name, _, value = part.partition("=")
            try:  # no "=" leaves value empty, which float() refuses too
                items[name.strip()] = float(value)
            except ValueError:
                raise ValueError(f"visibility: expected mode=share, got {part!r}") from None
        spec = items
    unknown = set(spec) - set(VISIBILITY)
    if unknown or any(v < 0 for v in spec.values()) or sum(spec.values()) <= 0:
        raise ValueError(f"visibility: modes are {', '.join(VISIBILITY)} with shares >= 0 (some > 0); got {spec}")
    total = sum(spec.values())
    return {m: float(spec.get(m, 0.0)) / total for m in VISIBILITY}


# Context corruption (training only): streamed, the context is the model's own decoded
# output, sparser and harmonically looser than the truth it was trained on. With
# probability `corrupt` a window's pitched context stems are damaged -- a stem dropped,
# transposed by a few semitones or thinned -- so the model learns to take its harmony from
# the live input's features rather than copy it from its own past.
CORRUPTION = {"drop": 0.3, "shift": 0.35, "thin": 0.35}


@dataclass
class PieceTable:
    name: np.ndarray
    style: np.ndarray
    group: np.ndarray
    live: np.ndarray
    midi: np.ndarray
    held_out: np.ndarray
    offset: np.ndarray
    n_frames: np.ndarray
    bpm: np.ndarray
    tonic: np.ndarray


class CachedData:
    """Everything `lmdm data build` wrote, in memory (a few tens of MB)."""

    def __init__(self, folder: str | Path):
        folder = Path(folder)
        if not (folder / "pieces.npz").exists():
            raise FileNotFoundError(f"{folder}/pieces.npz not found: run `lmdm data build --out {folder}`")
        z = np.load(folder / "pieces.npz")  # allow_pickle stays False: plain arrays only
        self.roll = z["roll"]  # (frames, channels) float16 in [0, 1]
        self.features = z["features"]  # (frames, 26) float16
        self.notes = z["notes"]  # (n, 6) piece, stem, pitch, velocity, start, end
        self.pieces = PieceTable(**{k: z[k] for k in PieceTable.__dataclass_fields__})
        p = np.load(folder / "prompts.npz")
        self.prompt_style = p["style"]
        self.prompt_text = p["text"]
        self.prompt_embedding = p["embedding"].astype(np.float32)  # (n_texts, 384)
        self.layout = DEFAULT_LAYOUT

    def merge(self, other: "CachedData") -> int:
        """Add another cache's pieces to this one as *training* pieces (more data for
        `lmdm train --extra-data`); this cache's split, and so the evaluation's held-out
        pieces, stays as it is. An added piece whose group this cache holds out is left out
        (another transposition of a held-out chorale; groove names repeat across seeds, so
        a few unrelated grooves go too). Returns the number of pieces added."""
        held = set(self.pieces.group[self.pieces.held_out.astype(bool)].tolist())
        keep = np.array([i for i, g in enumerate(other.pieces.group.tolist()) if g not in held], np.int64)
        if len(keep) == 0:
            return 0
        first = len(self.pieces.name)
        rows = np.concatenate([np.arange(int(other.pieces.offset[i]), int(other.pieces.offset[i] + other.pieces.n_frames[i]))
                               for i in keep])
        lengths = other.pieces.n_frames[keep].astype(np.int64)
        offsets = len(self.roll) + np.concatenate([[0], np.cumsum(lengths)[:-1]])
        index = np.full(len(other.pieces.name), -1, np.int64)
        index[keep] = first + np.arange(len(keep))
        notes = other.notes[np.isin(other.notes[:, 0], keep)].copy()
        notes[:, 0] = index[notes[:, 0].astype(np.int64)]
        self.roll = np.concatenate([self.roll, other.roll[rows]])
        self.features = np.concatenate([self.features, other.features[rows]])
        self.notes = np.concatenate([self.notes, notes.astype(self.notes.dtype)])
        added = {k: getattr(other.pieces, k)[keep] for k in PieceTable.__dataclass_fields__}
        added["held_out"] = np.zeros(len(keep), self.pieces.held_out.dtype)
        added["offset"] = offsets.astype(self.pieces.offset.dtype)
        self.pieces = PieceTable(**{k: np.concatenate([getattr(self.pieces, k), v]) for k, v in added.items()})
        return len(keep)

    @property
    def styles(self) -> list[str]:
        return sorted(set(self.pieces.style.tolist()))

    def split(self, held_out: bool) -> np.ndarray:
        """Indices of the pieces in the training (False) or held-out (True) split."""
        return np.flatnonzero(self.pieces.held_out.astype(bool) == held_out)

    def piece_notes(self, i: int) -> np.ndarray:
        return self.notes[self.notes[:, 0] == i]

    def piece_roll(self, i: int) -> np.ndarray:
        o, n = int(self.pieces.offset[i]), int(self.pieces.n_frames[i])
        return self.roll[o:o + n].astype(np.float32)

    def piece_features(self, i: int) -> np.ndarray:
        o, n = int(self.pieces.offset[i]), int(self.pieces.n_frames[i])
        return self.features[o:o + n].astype(np.float32)


def onset_rate(roll: np.ndarray, layout: RollLayout = DEFAULT_LAYOUT) -> np.ndarray:
    """(..., frames, channels) -> (...,) onsets per frame over all stems."""
    return (roll > EXACT.onset_threshold).sum(axis=(-1, -2)) / roll.shape[-2]


def style_density(data: "CachedData", density_quantiles, target: int = 16) -> dict[str, float]:
    """style -> the median density control (onset-rate quantile, 0..1) of its training bars:
    what "as busy as this style usually is" means to a model trained with these quantiles."""
    q = np.asarray(density_quantiles, np.float32)
    per: dict[str, list] = {}
    for i in data.split(held_out=False):
        o, n = int(data.pieces.offset[i]), int(data.pieces.n_frames[i]) // target * target
        bars = data.roll[o:o + n].astype(np.float32).reshape(-1, target, data.roll.shape[1])
        per.setdefault(str(data.pieces.style[i]), []).append(np.interp(onset_rate(bars), q, np.linspace(0, 1, len(q))))
    return {s: round(float(np.median(np.concatenate(v))), 3) for s, v in sorted(per.items())}


class Windows(torch.utils.data.Dataset):
    """Windows of one split. `sample(rng, B)` draws a whole batch with numpy gathers."""

    def __init__(self, data: CachedData, held_out: bool, context: int, target: int,
                 density_quantiles: np.ndarray | None = None, corrupt: float = 0.0,
                 transpose: bool = False, visibility: str | dict[str, float] | None = None,
                 phrase: bool = False, phrase_drop: float = 0.2,
                 rollouts: tuple[np.ndarray, np.ndarray] | None = None, rollout_share: float = 0.0):
        self.data, self.C, self.T = data, context, target
        # rollouts: (roll like data.roll, pieces streamed) from `lmdm data rollouts`; in
        # rollout_share of the windows of a streamed piece the context is what the model
        # played there instead of the truth (the target stays the truth): trained on its own
        # kind of past, it can keep its own notes as context when streaming (own_context)
        self.rollouts = rollouts
        self.rollout_share = float(rollout_share) if rollouts is not None else 0.0
        # phrase: the controls also say where the target bar sits in its phrase (codec
        # phrase_controls, counted from the piece's first bar); in phrase_drop of the
        # training windows they are zeros ("unknown"), so a stream may leave them out
        self.phrase, self.phrase_drop = bool(phrase), float(phrase_drop)
        self.corrupt = float(corrupt)
        self.transpose = bool(transpose)
        self.visibility = parse_visibility(visibility)  # input-visibility mode -> share of windows
        starts = []
        for i in data.split(held_out):
            n = int(data.pieces.n_frames[i])
            for t0 in range(0, n - target + 1, target):
                starts.append((i, int(data.pieces.offset[i]) + t0, int(data.pieces.offset[i])))
        self.index = np.asarray(starts, np.int64).reshape(-1, 3)  # piece, abs target start, piece start
        # style -> embedding rows
        self.prompt_rows = {s: np.flatnonzero(data.prompt_style == s) for s in set(data.prompt_style.tolist())}
        if density_quantiles is None:
            density_quantiles = self._density_quantiles()
        self.density_quantiles = np.asarray(density_quantiles, np.float32)

    def __len__(self) -> int:
        return len(self.index)

    def _density_quantiles(self) -> np.ndarray:
        t = self.index[:, 1][:, None] + np.arange(self.T)[None]
        rates = onset_rate(self.data.roll[t].astype(np.float32))
        return np.quantile(rates, np.linspace(0, 1, 101)).astype(np.float32)

    def density_of(self, rate: np.ndarray) -> np.ndarray:
        """Onset rate -> its quantile in the training set, 0..1 (0.5 = a typical bar)."""
        return np.interp(rate, self.density_quantiles, np.linspace(0, 1, 101)).astype(np.float32)

    def __getitem__(self, j: int) -> dict:
        return {k: v[0] for k, v in self.gather(np.array([j]), np.random.default_rng(j)).items()}

    def sample(self, rng: np.random.Generator, batch: int) -> dict:
        return self.gather(rng.integers(0, len(self.index), batch), rng)

    def gather(self, rows: np.ndarray, rng: np.random.Generator) -> dict:
        C, T = self.C, self.T
        piece, t0, p0 = self.index[rows].T  # (B,)
        B = len(rows)
        pos = t0[:, None] + np.arange(-C, T)[None]  # (B, C+T) absolute frames
        real = pos >= p0[:, None]
        safe = np.where(real, pos, 0)
        roll = self.data.roll[safe].astype(np.float32)  # (B, C+T, channels) in [0, 1]
        roll[~real] = 0.0
        feats = self.data.features[safe].astype(np.float32)  # (B, C+T, 26)
        feats[~real] = 0.0
        own = np.zeros(B, bool)
        if self.rollout_share > 0:  # drawn only with rollouts, so other runs' draws stay as they were
            own = (rng.random(B) < self.rollout_share) & self.rollouts[1][piece]
            if own.any():
                ctx = self.rollouts[0][safe[own, :C]].astype(np.float32)
                ctx[~real[own, :C]] = 0.0
                roll[own, :C] = ctx
        if self.transpose:  # every window in a random key: -5..+6 semitones
            transpose_windows(roll, feats, rng.integers(-5, 7, B), self.data.layout)
        if self.corrupt > 0:  # the true contexts only: a rollout's is the real thing
            true_ctx = np.flatnonzero(~own)
            roll[true_ctx, :C] = corrupt_context(roll[true_ctx, :C], rng, self.corrupt, self.data.layout)
        latent = roll * 2.0 - 1.0
        modes = rng.choice(list(self.visibility), size=B, p=list(self.visibility.values()))
        vis = np.where(modes == "delay", T, 0)
        vis = np.where(modes == "accompany", -rng.integers(0, 5, B), vis)
        vis = np.where(modes == "partial", rng.integers(1, T, B), vis)
        feats[modes == "free"] = 0.0
        styles = self.data.pieces.style[piece]
        prompt_idx = np.array([rng.choice(self.prompt_rows[s]) for s in styles])
        density = self.density_of(onset_rate(roll[:, C:]))[:, None]
        controls = density
        if self.phrase:
            ph = phrase_controls((t0 - p0) // T)
            ph[rng.random(B) < self.phrase_drop] = 0.0
            controls = np.concatenate([density, ph], axis=1)
        return {
            "context": torch.from_numpy(latent[:, :C]),  # (B, C, channels)
            "target": torch.from_numpy(latent[:, C:]),  # (B, T, channels)
            "cond": torch.from_numpy(feats),  # (B, C+T, 26)
            "visible_until": torch.from_numpy(vis.astype(np.int64)),  # (B,)
            "prompt": torch.from_numpy(self.data.prompt_embedding[prompt_idx]),  # (B, 384)
            "controls": torch.from_numpy(np.ascontiguousarray(controls, np.float32)),  # (B, 1 [+ PHRASE_DIM])
            "context_mask": torch.from_numpy(real[:, :C].astype(np.float32)),  # (B, C)
        }


def _fold_map(pitches: int, k: int) -> np.ndarray:
    """Destination index of each of a stem's pitches moved by k semitones, folded by octaves
    back into the stem's range."""
    d = np.arange(pitches) + k
    d = np.where(d >= pitches, d - 12 * (-(-(d - pitches + 1) // 12)), d)
    return np.where(d < 0, d + 12 * (-(d // 12)), d)


def _channel_sources(layout: RollLayout, k: int) -> tuple[np.ndarray, np.ndarray]:
    """For a shift of k: two source channels per destination channel (index `channels` =
    a zero column); a folded range receives at most two pitches."""
    n = layout.channels
    src = [[] for _ in range(n)]
    for spec in layout.stems:
        sl = layout.slice(spec.name)
        if spec.drums:
            for c in range(sl.start, sl.stop):
                src[c].append(c)
            continue
        for p_src, p_dst in enumerate(_fold_map(spec.pitches, k).tolist()):
            src[sl.start + p_dst].append(sl.start + p_src)
    if max(len(x) for x in src) > 2:
        raise ValueError("a stem narrower than two octaves folds more than two pitches together")
    a = np.array([x[0] if x else n for x in src])
    b = np.array([x[1] if len(x) > 1 else (x[0] if x else n) for x in src])
    return a, b


def transpose_windows(roll: np.ndarray, feats: np.ndarray, shifts: np.ndarray,
                      layout: RollLayout = DEFAULT_LAYOUT) -> None:
    """In place: window b of (B, frames, channels) rolls and (B, frames, 26) features moved
    by shifts[b] semitones. Pitched stems move within their ranges (notes pushed past an
    end fold back by an octave; two notes landing on one pitch keep the louder), chroma and
    bass chroma rotate; drums, onset and loudness stay. Training's key augmentation: the
    data then holds every groove in every key, as the issue asks."""
    from model.features import BASS, CHROMA
    for k in np.unique(shifts):
        k = int(k)
        if k == 0:
            continue
        rows = np.flatnonzero(shifts == k)
        a, b = _channel_sources(layout, k)
        part = roll[rows]
        pad = np.concatenate([part, np.zeros(part.shape[:-1] + (1,), part.dtype)], axis=-1)
        roll[rows] = np.maximum(pad[..., a], pad[..., b])
        feats[rows, :, CHROMA] = np.roll(feats[rows, :, CHROMA], k, axis=-1)
        feats[rows, :, BASS] = np.roll(feats[rows, :, BASS], k, axis=-1)


def corrupt_context(ctx: np.ndarray, rng: np.random.Generator, p: float,
                    layout: RollLayout = DEFAULT_LAYOUT) -> np.ndarray:
    """In place on (B, C, channels) context rolls: per window with probability p, each
    pitched stem independently (p 0.5) is dropped, transposed by +-1..5 semitones or has
    about half its pitches removed (CORRUPTION gives the mix). Drums are left alone."""
    kinds, probs = list(CORRUPTION), list(CORRUPTION.values())
    for b in np.flatnonzero(rng.random(len(ctx)) < p):
        for spec in layout.stems:
            if spec.drums or rng.random() >= 0.5:
                continue
            sl = layout.slice(spec.name)
            kind = rng.choice(kinds, p=probs)
            if kind == "drop":
                ctx[b, :, sl] = 0.0
            elif kind == "shift":
                k = int(rng.integers(1, 6)) * (1 if rng.random() < 0.5 else -1)
                part = ctx[b, :, sl]
                shifted = np.zeros_like(part)
                if k > 0:
                    shifted[:, k:] = part[:, :-k]
                else:
                    shifted[:, :k] = part[:, -k:]
                ctx[b, :, sl] = shifted
            else:
                keep = rng.random(sl.stop - sl.start) < 0.5
                ctx[b, :, sl] *= keep[None, :]
    return ctx
