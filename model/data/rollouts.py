"""`lmdm data rollouts`: what a checkpoint plays when streamed over the training pieces.

Streamed with `own_context: true`, the embedded model's context is its own decoded past,
hesitant and looser than the true parts it was trained on, so its harmony wanders
(docs/model-card.md, the context study). Training on its own rollouts (model.md §1, the
ARC idea) shows it that kind of past: this command streams every training piece through
the daemon's path (model.evaluate.stream: the piece's live part rendered with FluidSynth,
fed block by block, accompany mode, one-beat blocks with re-planning by default) and
stores what came out as a roll aligned frame by frame with the cache's own rolls.
`lmdm train --rollouts FILE` then gives a share of the training windows that past as
their context (the target stays the truth).

Output (default DATA/rollouts.npz, no pickles):
    roll     (frames, channels) float16, rows as in pieces.npz (zeros where not streamed)
    pieces   (n_pieces,) bool, the pieces streamed
    meta     JSON text: checkpoint, block length, seed, time
Deterministic from --seed (the stream's noise, the rendering's program).
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", default="data/cache/default", help="folder written by `lmdm data build`")
    p.add_argument("--checkpoint", default=None, help="embedded checkpoint folder (default: shipped)")
    p.add_argument("--out", default="", help="output .npz (default: DATA/rollouts.npz)")
    p.add_argument("--block-beats", type=int, default=1, choices=(1, 2, 4),
                   help="the engine's block length streamed with (1: the daemon's default, re-planned)")
    p.add_argument("--own-context", default=None, choices=("on", "off"),
                   help="override the checkpoint's own_context while streaming")
    p.add_argument("--limit", type=int, default=0, help="stream only the first N training pieces (0 = all)")
    p.add_argument("--jobs", type=int, default=2, help="worker processes (one torch thread each)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--sample-rate", type=int, default=24000)
    p.add_argument("--no-progress", action="store_true")


_WORKER: dict = {}


def _init(args_dict: dict) -> None:
    """Worker set-up: one torch thread, the data and the generator, loaded once."""
    import torch
    torch.set_num_threads(1)
    from model.data.dataset import CachedData
    from model.embedded import create
    args = argparse.Namespace(**args_dict)
    gen = create(args.sample_rate, checkpoint=args.checkpoint, prompt_encoder="lazy")
    if args.own_context is not None:
        gen.own_context = args.own_context == "on"
    _WORKER.update(args=args, data=CachedData(args.data), gen=gen)


def _stream_piece(i: int) -> tuple[int, np.ndarray]:
    """Piece i streamed from its first bar -> (i, its roll (n_frames, channels) float16)."""
    from model.api import Controls
    from model.codec import encode
    from model.evaluate import BAR, EVAL_PROGRAMS, example_of, render_input, stream
    args, data, gen = _WORKER["args"], _WORKER["data"], _WORKER["gen"]
    ex = example_of(data, i)
    n_frames, bars = ex.n_frames, ex.n_frames // BAR
    audio = render_input(ex, args.sample_rate, EVAL_PROGRAMS[(args.seed + i) % len(EVAL_PROGRAMS)])
    ctl = Controls(prompts=((ex.style, 1.0),), steps=8, guidance=3.0, density=0.5, seed=args.seed * 100_003 + i)
    out = stream(gen, audio, ex, bars, ctl, "accompany", args.sample_rate, block_beats=args.block_beats)
    roll = np.zeros((n_frames, data.roll.shape[1]), np.float16)
    roll[:bars * BAR] = encode(out, bars * BAR, data.layout)
    return int(i), roll


def rollouts(args) -> dict:
    from tqdm import tqdm

    from model.data.dataset import CachedData
    data = CachedData(args.data)
    todo = [int(i) for i in data.split(held_out=False)]
    if args.limit > 0:
        todo = todo[:args.limit]
    roll = np.zeros(data.roll.shape, np.float16)
    done = np.zeros(len(data.pieces.name), bool)
    t0 = time.time()
    settings = {k: getattr(args, k) for k in ("data", "checkpoint", "block_beats", "own_context", "seed", "sample_rate")}
    bar = tqdm(total=len(todo), desc="rollouts", unit="piece", disable=args.no_progress)
    if args.jobs > 1:
        import multiprocessing as mp
        with mp.get_context("spawn").Pool(args.jobs, initializer=_init, initargs=(settings,)) as pool:
            results = pool.imap_unordered(_stream_piece, todo)
            for i, r in results:
                _place(data, roll, done, i, r)
                bar.update()
    else:
        _init(settings)
        for i in todo:
            _place(data, roll, done, *_stream_piece(i))
            bar.update()
    bar.close()
    meta = {**settings, "pieces": int(done.sum()), "time_s": round(time.time() - t0, 1)}
    out = Path(args.out or Path(args.data) / "rollouts.npz")
    np.savez_compressed(out, roll=roll, pieces=done, meta=np.array(json.dumps(meta)))
    return {"out": str(out), **meta}


def _place(data, roll: np.ndarray, done: np.ndarray, i: int, r: np.ndarray) -> None:
    o = int(data.pieces.offset[i])
    roll[o:o + len(r)] = r
    done[i] = True


def load_rollouts(path: str | Path, n_frames: int, n_pieces: int) -> tuple[np.ndarray, np.ndarray]:
    """A rollouts.npz -> (roll (n_frames, channels) float16, pieces (n_pieces,) bool), padded
    with zeros / False for pieces added after it was made (lmdm train --extra-data)."""
    z = np.load(path)  # allow_pickle stays False
    roll, pieces = z["roll"], z["pieces"].astype(bool)
    if len(roll) > n_frames or len(pieces) > n_pieces:
        raise ValueError(f"{path}: made from a larger data cache ({len(roll)} frames) than this one ({n_frames})")
    roll = np.concatenate([roll, np.zeros((n_frames - len(roll), roll.shape[1]), roll.dtype)])
    pieces = np.concatenate([pieces, np.zeros(n_pieces - len(pieces), bool)])
    return roll, pieces


def main(args: argparse.Namespace) -> int:
    print(json.dumps(rollouts(args), indent=1))
    return 0
