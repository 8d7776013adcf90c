"""Harmony anticipation: which pitch classes the accompaniment's harmony will sound in the
next beats, predicted from what the performer has played so far.

In accompany mode the embedded model plans each beat before it is heard. The decoder's
chord choice (codec.agree_on_chords) ranks pitch classes by the model's output plus a
prior; without this module the prior of a beat not heard yet is the last beat heard, which
is wrong whenever the chord changes (most often on a downbeat). The HarmonyPredictor is a
small MLP trained on the same data as the model, with a direct objective: given the input's
chroma and bass chroma per beat over the last HISTORY beats, the beat's place in the bar,
how far ahead it lies (0 = the next beat) and the mixed prompt embedding, predict the pitch
classes that the true bass and keys sound in that beat (multi-label, one logit per pitch
class). Training rotates chroma and target together (all twelve keys alike).

Shipped as `harmony.safetensors` next to the core's checkpoint (weights; its shape in the
safetensors metadata; no pickles). `lmdm harmony train` (model/harmony_cli.py) makes it.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
from torch import nn

from model.features import BASS, CHROMA

HISTORY = 32  # beats of input history (8 bars of 4/4) unless trained with another
LOOKAHEAD = 4  # beats ahead predicted: 0 (the next) .. 3
POSITIONS = 8  # beat-in-bar one-hot (a bar's beats beyond 8 share the last)
FILE = "harmony.safetensors"
TARGET_STEMS = ("bass", "keys")  # the stems whose pitch classes are the harmony


def beat_chroma(feats: np.ndarray, fpb: int) -> np.ndarray:
    """Input features (frames, FEATURE_DIM), frames a whole number of beats -> (beats, 2, 12):
    chroma and bass chroma summed over each beat, each row scaled to a maximum of 1 (silent
    beats stay 0)."""
    n = len(feats) // fpb
    x = np.stack([feats[:n * fpb, CHROMA], feats[:n * fpb, BASS]], axis=1)  # (frames, 2, 12)
    x = x.reshape(n, fpb, 2, 12).sum(1)
    return (x / np.maximum(x.max(axis=2, keepdims=True), 1e-6)).astype(np.float32)


class HarmonyPredictor(nn.Module):
    """(history (B, HISTORY, 2, 12), ahead (B,), position (B,), prompt (B, P)[, band (B, HISTORY, 12)])
    -> (B, 12) logits. band (a predictor made with band=True): the pitch classes the band's
    own harmony stems sounded in each history beat (in training the true parts', live, what
    the generator played)."""

    def __init__(self, prompt_dim: int = 384, hidden: int = 384, history: int = HISTORY, band: bool = False) -> None:
        super().__init__()
        self.shape = {"prompt_dim": int(prompt_dim), "hidden": int(hidden), "history": int(history)}
        if band:  # written only when set: files of the first version load unchanged
            self.shape["band"] = True
        self.band = bool(band)
        self.prompt = nn.Linear(prompt_dim, hidden)
        self.inp = nn.Linear(history * (36 if band else 24) + LOOKAHEAD + POSITIONS, hidden)
        self.body = nn.Sequential(nn.GELU(), nn.Dropout(0.1), nn.Linear(hidden, hidden), nn.GELU(),
                                  nn.Dropout(0.1), nn.Linear(hidden, 12))

    def forward(self, history, ahead, position, prompt, band=None):
        parts = [history.flatten(1)]
        if self.band:
            parts.append(band.flatten(1) if band is not None else history.new_zeros(len(history), history.shape[1] * 12))
        z = torch.cat(parts + [nn.functional.one_hot(ahead.clamp(0, LOOKAHEAD - 1), LOOKAHEAD).float(),
                       nn.functional.one_hot(position.clamp(0, POSITIONS - 1), POSITIONS).float()], 1)
        return self.body(self.inp(z) + self.prompt(prompt))

    @torch.inference_mode()
    def predict(self, history: np.ndarray, first_ahead: int, positions: list[int], prompt: np.ndarray | None,
                band: np.ndarray | None = None) -> np.ndarray:
        """Probabilities (len(positions), 12) of beats first_ahead, first_ahead + 1, ... after
        the heard history (beats, 2, 12), the newest beat last (fewer than HISTORY beats: the
        older ones count as silence); positions: each beat's place in its bar; band (beats,
        12): what the band's harmony stems sounded in the same history beats (ignored by a
        predictor without band input; None: nothing)."""
        keep = self.shape["history"]
        h = _last(history, keep, (2, 12))
        n = len(positions)
        p = np.zeros(self.shape["prompt_dim"], np.float32) if prompt is None else np.asarray(prompt, np.float32)
        bt = torch.from_numpy(_last(band if band is not None else np.zeros((0, 12)), keep, (12,)))[None].expand(n, -1, -1)
        logits = self(torch.from_numpy(h)[None].expand(n, -1, -1, -1),
                      torch.arange(first_ahead, first_ahead + n), torch.as_tensor(positions, dtype=torch.long),
                      torch.from_numpy(p)[None].expand(n, -1), bt if self.band else None)
        return torch.sigmoid(logits).numpy()


def _last(x: np.ndarray, keep: int, shape: tuple[int, ...]) -> np.ndarray:
    """The last `keep` rows of x, zeros in front when it has fewer."""
    out = np.zeros((keep, *shape), np.float32)
    if len(x):
        out[-min(len(x), keep):] = np.asarray(x, np.float32)[-keep:]
    return out


def save(model: HarmonyPredictor, path: Path, training: dict) -> None:
    from safetensors.torch import save_file
    meta = {"kind": "harmony", "shape": json.dumps(model.shape), "training": json.dumps(training)}
    save_file({k: v.detach().contiguous() for k, v in model.state_dict().items()}, str(path), metadata=meta)


def load(path: Path) -> tuple[HarmonyPredictor, dict]:
    """A saved predictor (eval mode) and its training facts; ValueError if the file is not one."""
    from safetensors import safe_open
    from safetensors.torch import load_file
    with safe_open(str(path), "pt") as f:
        meta = f.metadata() or {}
    if meta.get("kind") != "harmony":
        raise ValueError(f"{path}: not a harmony predictor (metadata kind {meta.get('kind')!r})")
    model = HarmonyPredictor(**json.loads(meta["shape"]))  # "band" absent in first-version files
    model.load_state_dict(load_file(str(path)))
    return model.eval(), json.loads(meta.get("training", "{}"))


# ------------------------------------------------------------------------------- training

def piece_arrays(data, i: int, stems: tuple[str, ...] = TARGET_STEMS) -> tuple[np.ndarray, np.ndarray]:
    """A cached piece -> (beat chroma (beats, 2, 12), harmony (beats, 12) 0/1): the pitch
    classes its true `stems` sound in each beat (the live part's too)."""
    fpb = data.layout.frames_per_beat
    x = beat_chroma(data.piece_features(i), fpb)
    y = np.zeros((len(x), 12), np.float32)
    index = [data.layout.stem_names.index(s) for s in stems]
    for _, s, p, _, a, b in data.piece_notes(i).tolist():
        if int(s) in index:
            y[int(a) // fpb:min(len(x), -(-int(b) // fpb)), int(p) % 12] = 1.0
    return x, y


def roll_pitch_classes(roll: np.ndarray, layout, stems: tuple[str, ...]) -> np.ndarray:
    """A roll (frames, channels), frames a whole number of beats -> (beats, 12) 0/1: the
    pitch classes `stems` sound (any non-zero frame) in each beat."""
    fpb = layout.frames_per_beat
    n = len(roll) // fpb
    out = np.zeros((n, 12), np.float32)
    for st in stems:
        low = layout.spec(st).low
        on = roll[:n * fpb, layout.slice(st)].reshape(n, fpb, -1).max(1) > 0  # (beats, pitches)
        for j in np.flatnonzero(on.any(0)):
            out[on[:, j], (low + j) % 12] = 1.0
    return out


def examples(data, pieces, beats_per_bar: int = 4, stems: tuple[str, ...] = TARGET_STEMS,
             history: int = HISTORY, band_stems: tuple[str, ...] = (), played=None) -> dict[str, np.ndarray]:
    """Every (piece, heard beats b >= 1, lookahead k) of the pieces: the history window before
    beat b, k, the target beat's place in the bar, the piece's index, the target and the
    band's history when band_stems are given: the pitch classes they sound in the history
    beats, from played(i) -> (beats, 12) where it gives one (what a generator played, lmdm
    data rollouts), else from the true parts."""
    hist, ahead, pos, piece, y, band = [], [], [], [], [], []
    for i in pieces:
        x, t = piece_arrays(data, int(i), stems)
        pad = np.concatenate([np.zeros((history, 2, 12), np.float32), x])
        if band_stems:
            played_i = None if played is None else played(int(i))
            if played_i is not None:
                band_i = np.zeros_like(t)
                band_i[:min(len(t), len(played_i))] = played_i[:len(t)]
            else:
                band_i = t if band_stems == stems else piece_arrays(data, int(i), band_stems)[1]
            tpad = np.concatenate([np.zeros((history, 12), np.float32), band_i])
        for b in range(1, len(x)):
            for k in range(min(LOOKAHEAD, len(x) - b)):
                hist.append(pad[b:b + history])
                if band_stems:
                    band.append(tpad[b:b + history])
                ahead.append(k)
                pos.append((b + k) % beats_per_bar)
                piece.append(int(i))
                y.append(t[b + k])
    return {"history": np.asarray(hist, np.float32), "ahead": np.asarray(ahead), "position": np.asarray(pos),
            "piece": np.asarray(piece), "target": np.asarray(y, np.float32),
            **({"band": np.asarray(band, np.float32)} if band_stems else {})}


def top3_precision(prob: np.ndarray, target: np.ndarray) -> float:
    """Share of each row's three most likely pitch classes that the target holds."""
    top = np.argsort(-prob, axis=1, kind="stable")[:, :3]
    return float(np.take_along_axis(target, top, 1).mean())
