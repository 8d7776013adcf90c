"""`lmdm eval`: the embedded model against ground truth, the rule-based baseline and random
notes, on held-out pieces streamed block by block through the daemon's path (model.md §4).

Each candidate is an api.Generator driven exactly as bridge/engine.py drives it: reset(),
observe() of the rendered live part as it would arrive, generate() at the schedule point
(accompany: `margin` seconds before the block starts, so the block's input is unheard),
with the KV cache on (the stream's enc_dec layout). Ground truth and random notes are
scored on the same blocks.

Metrics, on the stems that are not the live part (the live stem's ground truth *is* the
input, so scoring it would be trivial):
  harmonic   share of pitched onsets whose pitch class sounds in the same beat in the
             reference = input + the true stems other than the one scored;
  rhythmic   onset F-measure (+-1 frame) against the reference's onsets (pooled over
             the scored stems; `per_stem` gives each stem's, with precision and recall);
  style      accuracy of a logistic-regression style classifier (trained on the training
             split's ground truth, 4-bar windows) on the output, label = prompted style;
  drift      the metrics per 8-bar window over a 64-bar stream (a held-out piece looped);
  cache      max |cached - uncached| of one block from the same state and noise;
  rtf        (generate + FluidSynth rendering of the block) / block duration, 120 bpm.
"""
from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model.api import Block, Controls
from model.codec import DEFAULT_LAYOUT, EXACT, GridNote, encode, from_events, uses_phrase
from model.config import KERNELS

FPB = 4
BAR = 16
STEMS = DEFAULT_LAYOUT.stem_names
PITCHED = ("bass", "keys", "lead")
EVAL_PROGRAMS = (0, 4, 24, 48, 73, 80)  # piano, e-piano, guitar, strings, flute, synth lead


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", default="data/cache/default")
    p.add_argument("--model", default="embedded", help="registered model name to evaluate")
    p.add_argument("--checkpoint", default=None, help="embedded checkpoint folder (default: shipped)")
    p.add_argument("--kernels", default="mkl", choices=KERNELS,
                   help="GEMM library of the embedded model's layers (model/config.py KERNELS)")
    p.add_argument("--phrase", default="on", choices=("on", "off"),
                   help="for a model trained with phrase controls: tell it where each bar sits in its "
                        "phrase (on) or leave them unknown (off)")
    p.add_argument("--pieces-per-style", type=int, default=2)
    p.add_argument("--bars", type=int, default=16, help="bars streamed per held-out piece")
    p.add_argument("--drift-pieces", type=int, default=10,
                   help="looped held-out pieces, one per groove style (10 = all: each window's style "
                        "score then rests on 20 four-bar windows)")
    p.add_argument("--drift-bars", type=int, default=64)
    p.add_argument("--mode", default="accompany", choices=("accompany", "delay"))
    p.add_argument("--block-beats", type=int, default=1, choices=(1, 2, 4),
                   help="the engine's block length in accompany mode (/lmdm/block_beats; the daemon's "
                        "default, auto, is 1 there): shorter blocks than a bar let the model re-plan the "
                        "rest of the bar from what it heard of it (replan); 4 = each bar planned once")
    p.add_argument("--replan", default="on", choices=("on", "off"),
                   help="with --block-beats < 4: re-generate the rest of the bar at each block (on) or "
                        "play the plan made before the bar (off)")
    p.add_argument("--listen-first", default=None, choices=("on", "off"),
                   help="override the checkpoint's choice: in accompany mode bass, keys and lead wait "
                        "until the performer was heard (audible input or a MIDI note)")
    p.add_argument("--harmony", default=None, choices=("on", "off"),
                   help="override the checkpoint's choice: the decoder's chord prior for beats not heard "
                        "yet comes from the harmony predictor (on; harmony.safetensors) or the last beat heard (off)")
    p.add_argument("--steps", type=int, default=8)
    p.add_argument("--guidance", type=float, default=3.0)
    p.add_argument("--density", type=float, default=0.5, help="the density control (/lmdm/density, 0..1)")
    p.add_argument("--groove-control", type=float, default=0.5,
                   help="the performer's groove control (/lmdm/groove, 0..1; 0.5 = the checkpoint's groove)")
    p.add_argument("--sample-rate", type=int, default=24000, help="rate of the streamed input")
    p.add_argument("--rtf-blocks", type=int, default=12)
    p.add_argument("--plots", default="out/eval",
                   help="folder for eval_*.png ('' = none; the model card's are made with --plots docs/img)")
    p.add_argument("--harmony-prior", type=float, default=None,
                   help="override the checkpoint's weight of the harmony predictor's pitch classes in the chord "
                        "choice of beats not heard yet (default: the heard prior's)")
    p.add_argument("--groove", type=parse_groove, default=None, metavar="STEM=G[,STEM=G]",
                   help="override the checkpoint's groove: per pitched stem, the share by which its onset "
                        "threshold drops where the drums hit and rises elsewhere (0..0.9; a stem not named: 0; "
                        "'0' = off for all)")
    p.add_argument("--groove-drums", type=parse_groove_drums, default=None, metavar="STEM=CLASS[+CLASS],...",
                   help="override the checkpoint's drum classes each stem's groove locks to, e.g. bass=kick "
                        "(a stem not named: every class; '' = every class for all)")
    p.add_argument("--restrike", type=parse_restrike, default=None, metavar="STEM[,STEM]",
                   help="override the checkpoint's restrike: the pitched stems whose held notes are struck "
                        "again where their groove drums hit ('' = none)")
    p.add_argument("--onset-threshold", type=float, default=None, help="override the checkpoint's decode threshold")
    p.add_argument("--relative", type=float, default=None, help="override the checkpoint's relative decode threshold")
    p.add_argument("--heard-prior", type=float, default=None,
                   help="override the checkpoint's weight of the heard pitch classes in the chord choice")
    p.add_argument("--sampler", default=None, choices=("euler", "pingpong"), help="override the checkpoint's sampler")
    p.add_argument("--guidance-mode", default=None, choices=("cfg", "cfg++"))
    p.add_argument("--guide-input", default=None, choices=("on", "off"),
                   help="override the checkpoint's choice: CFG's unconditional branch also hears no input")
    p.add_argument("--input-guidance", type=float, default=None,
                   help="override the checkpoint's separate input guidance scale (with guide-input; "
                        "0 = one scale for prompt and input)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--tune", action="store_true",
                   help="first pick the sampler and decode thresholds on training windows and store them in the checkpoint")
    p.add_argument("--style-density", action="store_true",
                   help="first store each style's typical density (the median density control of its "
                        "training bars) in the checkpoint: /lmdm/density 0.5 then plays a style as busy "
                        "as it usually is (`lmdm train --export` stores it too)")
    p.add_argument("--tune-stream", action="store_true",
                   help="first pick the decode thresholds and whether the model's own notes become its "
                        "context, by streaming *training* pieces through the daemon's path; store them")
    p.add_argument("--context-study", action="store_true",
                   help="only measure how harmony depends on the context: one-bar generations on held-out "
                        "windows with the true past, features only, or drums only as context")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--no-progress", action="store_true")


def main(args: argparse.Namespace) -> int:
    import torch
    torch.set_num_threads(1)
    if args.tune:
        chosen = tune(args)
        print(f"tuned: {json.dumps(chosen)}", file=__import__("sys").stderr)
    if getattr(args, "context_study", False):
        print(json.dumps(context_study(args), indent=1))
        return 0
    if getattr(args, "style_density", False):
        print(f"style density: {json.dumps(store_style_density(args))}", file=__import__("sys").stderr)
    if getattr(args, "tune_stream", False):
        chosen = tune_stream(args)
        print(f"tuned (streaming): {json.dumps(chosen)}", file=__import__("sys").stderr)
    report = evaluate(args)
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        print(format_table(report))
    return 0


# ---------------------------------------------------------------------------- streaming

@dataclass
class Example:
    index: int  # piece index in the cache
    style: str
    bpm: float
    live: str
    n_frames: int
    notes: list[GridNote]  # every true note
    input_notes: list[GridNote]  # the live part


def load_examples(data, per_style: int, seed: int, held_out: bool = True) -> list[Example]:
    out = []
    rng = np.random.default_rng(seed)
    by_style: dict[str, list[int]] = {}
    for i in data.split(held_out=held_out):
        by_style.setdefault(str(data.pieces.style[i]), []).append(int(i))
    for style in sorted(by_style):
        out += [example_of(data, i) for i in by_style[style][:per_style]]
    rng.shuffle(out)
    return out


def example_of(data, i: int) -> Example:
    """Piece i of a CachedData with its true notes and its live part."""
    rows = data.piece_notes(i)
    notes = [GridNote(STEMS[r[1]], int(r[2]), int(r[3]), int(r[4]), int(r[5])) for r in rows]
    live = str(data.pieces.live[i])
    return Example(int(i), str(data.pieces.style[i]), float(data.pieces.bpm[i]), live, int(data.pieces.n_frames[i]),
                   notes, [n for n in notes if n.stem == live])


def looped(ex: Example, bars: int) -> Example:
    """The piece repeated to `bars` bars (drift streams)."""
    reps = -(-bars * BAR // ex.n_frames)
    shift = lambda n, k: GridNote(n.stem, n.pitch, n.velocity, n.start + k * ex.n_frames, n.end + k * ex.n_frames)  # noqa: E731
    notes = [shift(n, k) for k in range(reps) for n in ex.notes]
    notes = [n for n in notes if n.start < bars * BAR]
    return Example(ex.index, ex.style, ex.bpm, ex.live, bars * BAR, notes, [n for n in notes if n.stem == ex.live])


def render_input(ex: Example, sample_rate: int, program: int) -> np.ndarray:
    from model.data.build import SOUNDFONT
    from model.synth import render_notes
    evs = [(n.pitch, n.velocity, n.start / FPB, n.end / FPB) for n in ex.input_notes]
    return render_notes(evs, ex.bpm, sample_rate, SOUNDFONT, program=program)


def stream(gen, audio: np.ndarray, ex: Example, bars: int, controls: Controls, mode: str,
           sample_rate: int, margin_s: float = 0.1, timings: list | None = None,
           block_beats: int = 4) -> list[GridNote]:
    """Drive a generator block by block like the engine; -> generated notes in piece frames.
    block_beats: the engine's block length (/lmdm/block_beats; 4 = one bar, 1 = a beat);
    delay mode always uses bars."""
    if mode != "accompany":
        block_beats = 4
    per_bar = 4 // block_beats
    spblk = sample_rate * 60.0 / ex.bpm * block_beats
    gen.reset()
    fed, out = 0, []
    for b in range(bars * per_bar):
        start, end = int(round(b * spblk)), int(round((b + 1) * spblk))
        if mode == "accompany":
            margin = int(margin_s * sample_rate)
            upto, vis = max(0, start - margin), -margin
        else:
            upto, vis = end, end - start
        upto = min(upto, len(audio))
        if upto > fed:
            gen.observe(audio[fed:upto, None], [])
            fed = upto
        block = Block(index=b, start_beat=float(block_beats * b), beats=float(block_beats), bpm=ex.bpm,
                      samples=end - start, start_sample=start, visible_until=vis, mode=mode)
        t0 = time.perf_counter()
        res = gen.generate(block, controls)
        if timings is not None:
            timings.append(time.perf_counter() - t0)
        for e in res.ends:  # a re-plan ended a note it no longer holds
            at = b * block_beats * FPB + int(round(e.at * FPB))
            for i in range(len(out) - 1, -1, -1):
                n = out[i]
                if n.stem == e.stem and n.pitch == e.pitch and n.start <= at < n.end:
                    out[i] = GridNote(n.stem, n.pitch, n.velocity, n.start, max(at, n.start + 1))
                    break
        out += [n for n in from_events(res.notes, FPB, frame_offset=b * block_beats * FPB) if n.stem in STEMS]
    return out


def random_notes(ex: Example, bars: int, rng: np.random.Generator) -> list[GridNote]:
    """The floor: as many onsets per stem as the truth, at random frames and pitches."""
    out = []
    for spec in DEFAULT_LAYOUT.stems:
        truth = [n for n in ex.notes if n.stem == spec.name and n.start < bars * BAR]
        for _ in truth:
            t = int(rng.integers(bars * BAR))
            if spec.drums:
                from model.codec import DRUM_CLASSES
                out.append(GridNote(spec.name, DRUM_CLASSES[int(rng.integers(len(DRUM_CLASSES)))][1], 90, t, t + 1))
            else:
                out.append(GridNote(spec.name, int(rng.integers(spec.low, spec.high + 1)), 90, t,
                                    t + int(rng.integers(1, 8))))
    return out


# ---------------------------------------------------------------------------- metrics

def _pc_per_beat(notes: list[GridNote], n_beats: int) -> np.ndarray:
    """(n_beats, 12) bool: pitch classes sounding anywhere in each beat."""
    m = np.zeros((n_beats, 12), bool)
    for n in notes:
        if n.stem == "drums":
            continue
        a, b = n.start // FPB, min(-(-n.end // FPB), n_beats)
        m[a:b, n.pitch % 12] = True
    return m


def _onset_frames(notes: list[GridNote], n_frames: int) -> np.ndarray:
    m = np.zeros(n_frames, bool)
    for n in notes:
        if 0 <= n.start < n_frames:
            m[n.start] = True
    return m


def score(gen_notes: list[GridNote], ex: Example, frame_range: tuple[int, int]) -> dict:
    """Counts for harmonic and rhythmic agreement over frames [a, b) (pooled later)."""
    a, b = frame_range
    n_frames = b
    n_beats = -(-b // FPB)
    counts = {"h_hit": 0, "h_all": 0, "r_tp_p": 0, "r_gen": 0, "r_tp_r": 0, "r_ref": 0}
    for stem in STEMS:
        if stem == ex.live:
            continue
        ref_notes = ex.input_notes + [n for n in ex.notes if n.stem not in (stem, ex.live)]
        gen = [n for n in gen_notes if n.stem == stem and a <= n.start < b]
        c = dict.fromkeys(("h_hit", "h_all", "r_tp_p", "r_gen", "r_tp_r", "r_ref"), 0)
        if stem in PITCHED:
            pcs = _pc_per_beat(ref_notes, n_beats)
            c["h_all"] = len(gen)
            c["h_hit"] = sum(bool(pcs[n.start // FPB, n.pitch % 12]) for n in gen)
        counts[f"n_{stem}"] = len(gen)
        g = _onset_frames(gen, n_frames)[a:b]
        r = _onset_frames([n for n in ref_notes if a <= n.start < b], n_frames)[a:b]
        near = lambda m: m | np.r_[m[1:], False] | np.r_[False, m[:-1]]  # noqa: E731
        c.update(r_tp_p=int((g & near(r)).sum()), r_gen=int(g.sum()), r_tp_r=int((r & near(g)).sum()), r_ref=int(r.sum()))
        for k, v in c.items():
            counts[k] += v
            counts[f"{stem}:{k}"] = v
    return counts


def summarise(counts: list[dict]) -> dict:
    keys = sorted({k for x in counts for k in x})
    c = {k: sum(x.get(k, 0) for x in counts) for k in keys}
    out = _agreement(c)
    out.update(onsets=c.get("r_gen", 0), notes_per_stem={k[2:]: v for k, v in c.items() if k.startswith("n_")})
    stems = sorted({k.split(":")[0] for k in c if ":" in k}, key=STEMS.index)
    out["per_stem"] = {st: _agreement({k.split(":")[1]: v for k, v in c.items() if k.startswith(st + ":")},
                                      harmonic=st in PITCHED) for st in stems}
    return out


def _agreement(c: dict, harmonic: bool = True) -> dict:
    """Pooled counts -> harmonic agreement and the onset F-measure."""
    p = c["r_tp_p"] / c["r_gen"] if c.get("r_gen") else 0.0
    r = c["r_tp_r"] / c["r_ref"] if c.get("r_ref") else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    out = {"harmonic": round(c["h_hit"] / c["h_all"], 4) if c.get("h_all") else 0.0} if harmonic else {}
    return {**out, "rhythmic": round(f, 4), "precision": round(p, 4), "recall": round(r, 4)}


# ---------------------------------------------------------------------------- style classifier

def window_features(roll: np.ndarray) -> np.ndarray:
    """(frames, channels) roll of a 4-bar window -> a fixed feature vector."""
    L = DEFAULT_LAYOUT
    f = []
    for spec in L.stems:
        x = roll[:, L.slice(spec.name)]
        on = x > EXACT.onset_threshold  # (frames, pitches)
        any_on = on.any(axis=1).astype(np.float32)
        f.append(any_on.reshape(-1, BAR).mean(0))  # onset rate per 16th position (16)
        if spec.drums:
            f.append(on.mean(0))  # per drum class (7)
        else:
            sus = x > EXACT.sustain_threshold
            count = sus.sum(1)
            pitch = (sus * np.arange(spec.pitches)).sum(1) / np.maximum(count, 1) / spec.pitches
            f.append(np.array([sus.any(1).mean(), count.mean() / 4, pitch[count > 0].mean() if (count > 0).any() else 0,
                               on.sum() / len(on)], np.float32))
            if spec.name == "keys":  # intervals inside chords: quality and voicing
                ic = np.zeros(12, np.float32)
                for t in range(0, len(sus), 4):
                    ps = np.flatnonzero(sus[t])
                    for i in range(len(ps)):
                        for j in range(i + 1, len(ps)):
                            ic[(ps[j] - ps[i]) % 12] += 1
                f.append(ic / (ic.sum() + 1e-6))
    return np.concatenate(f).astype(np.float32)


def roll_windows(notes: list[GridNote], n_frames: int, bars: int = 4) -> list[np.ndarray]:
    roll = encode(notes, n_frames)
    w = bars * BAR
    return [window_features(roll[t:t + w]) for t in range(0, n_frames - w + 1, w)]


def train_style_classifier(data, max_windows_per_style: int = 400, seed: int = 0):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    X, y = [], []
    rng = np.random.default_rng(seed)
    per_style: dict[str, int] = {}
    for i in rng.permutation(data.split(held_out=False)):
        style = str(data.pieces.style[i])
        if per_style.get(style, 0) >= max_windows_per_style:
            continue
        roll = data.piece_roll(int(i))
        for t in range(0, len(roll) - 4 * BAR + 1, 4 * BAR):
            X.append(window_features(roll[t:t + 4 * BAR]))
            y.append(style)
            per_style[style] = per_style.get(style, 0) + 1
    clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, C=0.5))
    clf.fit(np.stack(X), np.array(y))
    return clf


def style_accuracy(clf, windows: list[np.ndarray], style: str) -> tuple[int, int]:
    if not windows:
        return 0, 0
    pred = clf.predict(np.stack(windows))
    return int((pred == style).sum()), len(windows)


# ---------------------------------------------------------------------------- cache exactness

def cache_difference(gen, ex: Example, audio: np.ndarray, sample_rate: int, controls: Controls) -> float:
    """Stream 4 bars, then one block both through the cached stream and through
    model.forward (no cache, enc_dec mask) from the same history and noise."""
    import torch

    from model.sampler import guided_split, logsnr_schedule, sample
    stream(gen, audio, ex, 4, controls, "accompany", sample_rate)
    s, m = gen.stream, gen.model
    cfg, C, T = m.cfg, s.C, s.T
    spf = sample_rate * 60.0 / ex.bpm / FPB
    cond = torch.from_numpy(gen.features.grid(int(4 * BAR * spf), T, spf))
    prompts = gen.prompts.weighted(controls.prompts)
    P = cfg.prompt_dim
    mixed = sum(torch.as_tensor(e) * w for e, w in prompts) / sum(w for _, w in prompts)
    w_in = gen.input_guidance if gen.guide_input else None
    R = 2 if w_in is None else 3  # CFG rows: prompt + input, neither (or no prompt), [input only]
    prompt = torch.stack([mixed] + [m.null_prompt.detach()] * (R - 1))  # (R, P)
    ctrl = torch.from_numpy(gen._control_vector(controls, 4).copy())[None].expand(R, -1)
    vis = -2
    ctx_vis = s.h_vis.clone()
    ctx_vis[C + vis:] = 0
    cond_all = torch.cat([s.h_cond, cond])[None].expand(R, -1, -1)
    vis_all = torch.cat([ctx_vis, torch.zeros(T)])[None].expand(R, -1)
    if gen.guide_input:  # the unconditional row hears nothing
        vis_all = torch.stack([vis_all[0], torch.zeros_like(vis_all[0]), vis_all[0]][:R])
    ctx = s.h_lat[None].expand(R, -1, -1)
    mask = s.h_mask[None].expand(R, -1)

    def velocity(x, *step):  # (x, i, t) in the core's sampler; t is last
        t = step[-1]
        with torch.no_grad():
            out = m(ctx, x.expand(R, -1, -1), torch.full((R,), t), context_mask=mask, cond=cond_all,
                    cond_vis=vis_all, prompt=prompt[:, :P], controls=ctrl, layout="enc_dec")
        if R == 3:  # separate input and prompt scales (LMDMStream.generate)
            return out[:1], out[1:2], guided_split(out[:1], out[1:2], out[2:3], w_in, controls.guidance)
        return out[:1], out[1:]

    g = torch.Generator().manual_seed(1234)
    x = torch.randn(1, T, cfg.latent_dim, generator=g) * controls.temperature
    sample(velocity, x, logsnr_schedule(controls.steps, cfg.logsnr_min, cfg.logsnr_max),
           guidance=controls.guidance, sampler=cfg.sampler, guidance_mode=cfg.guidance_mode, generator=g)
    y = s.generate(cond, visible_until=vis, prompts=prompts, controls=ctrl[0],
                   steps=controls.steps, guidance=controls.guidance, temperature=controls.temperature, seed=1234,
                   guide_input=gen.guide_input, input_guidance=w_in)
    return float((y - x[0]).abs().max())


# ---------------------------------------------------------------------------- real-time factor

def real_time_factor(gen, blocks: int, steps: int, guidance: float, prompt: str, block_beats: int = 4) -> dict:
    """(generate + render) / block duration at 120 bpm, per block of `block_beats` beats:
    one-bar blocks in delay mode (the whole bar heard), shorter ones in accompany mode (each
    a re-plan of its bar); `blocks` bars in all."""
    from model.data.build import SOUNDFONT
    from model.synth import StemSynth
    sr, bpm = gen.sample_rate, 120.0
    samples = int(sr * 60 / bpm * block_beats)
    mode = "delay" if block_beats >= 4 else "accompany"
    synth = StemSynth(sr, SOUNDFONT, {"bass": 33, "keys": 4, "lead": 80, "drums": 0}, stems=STEMS)
    rng = np.random.default_rng(0)
    gen.reset()
    ctl = Controls(prompts=((prompt, 1.0),), steps=steps, guidance=guidance, context_beats=32.0)
    times = []
    for b in range(blocks * 4 // block_beats):
        gen.observe((rng.normal(0, 0.05, (samples, 1))).astype(np.float32), [])
        blk = Block(index=b, start_beat=float(block_beats * b), beats=float(block_beats), bpm=bpm, samples=samples,
                    start_sample=b * samples, visible_until=samples if mode == "delay" else -sr // 10, mode=mode)
        t0 = time.perf_counter()
        out = gen.generate(blk, ctl)
        synth.render_block(out.notes, bpm, samples, ends=out.ends)
        times.append((time.perf_counter() - t0) / (samples / sr))
    synth.close()
    warm = sorted(times[2 * 4 // block_beats:]) or sorted(times)
    return {"rtf_median": round(float(np.median(warm)), 4), "rtf_p90": round(float(np.quantile(warm, 0.9)), 4),
            "rtf_max": round(float(max(warm)), 4), "blocks": len(times), "block_beats": block_beats,
            "sample_rate": sr}


# ---------------------------------------------------------------------------- the report

CANDIDATES = ("ground_truth", "baseline", "model", "random")
BAR_RANGES = ((0, 4), (4, 8), (8, 16))  # report["candidates"][c]["parts"]: bars 1-4 (cold start), 5-8, 9-16


def style_controls(args, style: str, seed: int) -> Controls:
    """The controls every streamed piece gets: its style as the prompt, the run's sampling."""
    return Controls(prompts=((style, 1.0),), steps=args.steps, guidance=args.guidance, density=args.density,
                    groove=getattr(args, "groove_control", 0.5), seed=seed)


def engine_block_beats(args) -> int:
    """The engine's block length the run streams with: --block-beats in accompany mode, a bar
    in delay mode (which answers whole heard bars)."""
    return args.block_beats if args.mode == "accompany" else 4


def evaluate(args) -> dict:
    from tqdm import tqdm

    from model.api import load_generator
    from model.data.dataset import CachedData
    t_start = time.time()
    data = CachedData(args.data)
    sr = args.sample_rate
    model = load_model(args, sr)
    baseline = load_generator("baseline", sr)
    clf = train_style_classifier(data, seed=args.seed)
    examples = load_examples(data, args.pieces_per_style, args.seed)
    rng = np.random.default_rng(args.seed)
    counts = {c: [] for c in CANDIDATES}
    # the same counts split by bar range, by live part and by style (where the harmony is lost)
    parts = {c: {} for c in CANDIDATES}
    style_hits = {c: [0, 0] for c in CANDIDATES}
    per_style = {}
    plotted = []
    timings: list[float] = []
    replan: dict[str, int] = {}
    per_beat = {c: [[0, 0] for _ in range(BAR // FPB)] for c in CANDIDATES}  # harmonic hits, onsets
    for k, ex in enumerate(tqdm(examples, desc="held-out pieces", disable=args.no_progress)):
        bars = min(args.bars, ex.n_frames // BAR)
        if bars < 4:
            continue
        audio = render_input(ex, sr, EVAL_PROGRAMS[k % len(EVAL_PROGRAMS)])
        ctl = style_controls(args, ex.style, args.seed + k)
        outs = {"ground_truth": [n for n in ex.notes if n.start < bars * BAR],
                "baseline": stream(baseline, audio, ex, bars, ctl, args.mode, sr, block_beats=args.block_beats),
                "model": stream(model, audio, ex, bars, ctl, args.mode, sr, timings=timings,
                                block_beats=args.block_beats),
                "random": random_notes(ex, bars, rng)}
        for key, v in getattr(model, "replan_stats", {}).items():  # re-plans within bars (block_beats < 4)
            replan[key] = replan.get(key, 0) + v
        for c, notes in outs.items():
            counts[c].append(score(notes, ex, (0, bars * BAR)))
            for beat in range(BAR // FPB):  # onsets of each beat of the bar scored alone
                h = score([n for n in notes if (n.start % BAR) // FPB == beat], ex, (0, bars * BAR))
                per_beat[c][beat][0] += h["h_hit"]
                per_beat[c][beat][1] += h["h_all"]
            parts[c].setdefault(f"live {ex.live}", []).append(counts[c][-1])
            parts[c].setdefault(f"style {ex.style}", []).append(counts[c][-1])
            for a, b in BAR_RANGES:
                if a < bars:
                    parts[c].setdefault(f"bars {a + 1}-{b}", []).append(score(notes, ex, (a * BAR, min(b, bars) * BAR)))
            hit, n = style_accuracy(clf, roll_windows(notes, bars * BAR), ex.style)
            style_hits[c][0] += hit
            style_hits[c][1] += n
            if c == "model":
                ps = per_style.setdefault(ex.style, [0, 0])
                ps[0] += hit
                ps[1] += n
        if args.plots and ex.style not in [p[0] for p in plotted] and len(plotted) < 4:
            path = Path(args.plots) / f"eval_{ex.style.replace(' ', '_')}.png"
            plot_example(path, ex, outs, min(bars, 8))
            plotted.append((ex.style, str(path)))
    report = {"model": args.model, "mode": args.mode, "block_beats": engine_block_beats(args), "steps": args.steps, "guidance": args.guidance, "density": args.density,
              "groove_control": getattr(args, "groove_control", 0.5),
              "pieces": len(examples), "styles": sorted({e.style for e in examples}), "candidates": {}}
    opts = getattr(model, "decode_options", None)
    if opts is not None:  # the embedded model's groove as run (checkpoint or --groove / --groove-drums)
        report["groove"] = dict(opts.groove or {})
        report["groove_drums"] = {k: list(v) for k, v in (opts.groove_drums or {}).items()}
        report["restrike"] = list(opts.restrike)
    for c in CANDIDATES:
        s = summarise(counts[c])
        s["style"] = round(style_hits[c][0] / max(1, style_hits[c][1]), 4)
        s["parts"] = {k: {m: p[m] for m in ("harmonic", "rhythmic")}
                      for k, p in ((k, summarise(v)) for k, v in sorted(parts[c].items()))}
        report["candidates"][c] = s
    report["replan"] = replan
    report["harmonic_per_beat"] = {c: [round(h / max(a, 1), 4) for h, a in v] for c, v in per_beat.items()}
    report["style_per_style_model"] = {k: round(v[0] / max(1, v[1]), 3) for k, v in sorted(per_style.items())}
    report["drift"] = drift(model, clf, examples, args, sr)
    gt, bl, md = (report["candidates"][c] for c in ("ground_truth", "baseline", "model"))
    if args.model == "embedded":
        ex = examples[0]
        report["cache_max_abs_diff"] = cache_difference(
            model, ex, render_input(ex, sr, 0), sr,
            style_controls(args, ex.style, 1))
    report["rtf"] = real_time_factor(load_model(args, 48000), args.rtf_blocks, args.steps, args.guidance, "funk",
                                     engine_block_beats(args))
    report["generate_ms_median"] = round(1000 * float(np.median(timings)), 1) if timings else None
    report["targets"] = {
        "harmonic_vs_ground_truth>=0.9": md["harmonic"] >= 0.9 * gt["harmonic"],
        "harmonic_above_baseline": md["harmonic"] > bl["harmonic"],
        "rhythmic_above_baseline": md["rhythmic"] > bl["rhythmic"],
        "style>=0.8": md["style"] >= 0.8,
        "drift_within_10pct": bool(report["drift"]) and all(v["within_10pct"] for v in report["drift"].values()),
        "rtf<=0.1": report["rtf"]["rtf_median"] <= 0.1,
    }
    report["plots"] = [p for _, p in plotted]
    report["eval_seconds"] = round(time.time() - t_start, 1)
    return report


def parse_groove(text: str) -> dict[str, float]:
    """`--groove` "lead=0.6,bass=0.2" -> {stem: share}; "0" -> {} (off for every stem)."""
    from model.codec import GROOVE_MAX
    text = text.strip()
    if text in ("0", "off", ""):
        return {}
    out = {}
    for part in text.split(","):
        stem, sep, value = part.partition("=")
        stem = stem.strip()
        try:
            g = float(value)
        except ValueError:
            g = -1.0
        if not sep or stem not in PITCHED or not 0.0 <= g <= GROOVE_MAX:
            raise argparse.ArgumentTypeError(f"groove wants STEM=G with STEM one of {', '.join(PITCHED)} "
                                             f"and G in 0..{GROOVE_MAX}, got {part!r}")
        out[stem] = g
    return out


def parse_groove_drums(text: str) -> dict[str, tuple[str, ...]]:
    """`--groove-drums` "bass=kick,keys=kick+snare" -> {stem: drum class names}; "" -> {}."""
    from model.codec import DRUM_CLASSES
    known = [c[0] for c in DRUM_CLASSES]
    out = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        stem, sep, names = part.partition("=")
        classes = tuple(n.strip() for n in names.split("+") if n.strip())
        if not sep or stem.strip() not in PITCHED or not classes or not set(classes) <= set(known):
            raise argparse.ArgumentTypeError(f"groove-drums wants STEM=CLASS[+CLASS] with STEM one of "
                                             f"{', '.join(PITCHED)} and CLASS of {', '.join(known)}, got {part!r}")
        out[stem.strip()] = classes
    return out


def parse_restrike(text: str) -> tuple[str, ...]:
    """`--restrike` "bass,keys" -> ("bass", "keys"); "" -> ()."""
    stems = tuple(p.strip() for p in text.split(",") if p.strip())
    bad = [s for s in stems if s not in PITCHED]
    if bad:
        raise argparse.ArgumentTypeError(f"restrike wants pitched stems ({', '.join(PITCHED)}), got {', '.join(bad)}")
    return stems


def load_model(args, sample_rate: int):
    """The evaluated generator, contract-checked like the daemon does; "embedded" works
    with any checkpoint folder whether or not it is the registered default."""
    from model.api import check_contract, load_generator
    if args.model != "embedded":
        return load_generator(args.model, sample_rate)
    from model.embedded import create
    gen = create(sample_rate, checkpoint=args.checkpoint, prompt_encoder="lazy",
                 onset_threshold=getattr(args, "onset_threshold", None), relative=getattr(args, "relative", None),
                 heard_prior=getattr(args, "heard_prior", None), harmony_prior=getattr(args, "harmony_prior", None),
                 groove=getattr(args, "groove", None), groove_drums=getattr(args, "groove_drums", None),
                 restrike=getattr(args, "restrike", None),
                 sampler=getattr(args, "sampler", None), guidance_mode=getattr(args, "guidance_mode", None),
                 guide_input=None if getattr(args, "guide_input", None) is None else args.guide_input == "on",
                 input_guidance=getattr(args, "input_guidance", None), kernels=getattr(args, "kernels", "mkl"),
                 phrase=getattr(args, "phrase", "on") == "on", replan=getattr(args, "replan", "on") == "on",
                 listen_first=None if getattr(args, "listen_first", None) is None else args.listen_first == "on",
                 harmony=None if getattr(args, "harmony", None) is None else args.harmony == "on")
    check_contract(gen)
    return gen


def drift(gen, clf, examples: list[Example], args, sr: int) -> dict:
    """Metrics per 8-bar window over a drift_bars stream (held-out pieces looped)."""
    if args.drift_pieces <= 0:
        return {}
    picks, seen = [], set()
    for ex in examples:  # different styles first
        if ex.style not in seen and ex.style != "chorale":
            picks.append(ex)
            seen.add(ex.style)
    picks = picks[:args.drift_pieces]
    nw = args.drift_bars // 8
    win_counts = [[] for _ in range(nw)]
    win_style = [[0, 0] for _ in range(nw)]
    for k, ex in enumerate(picks):
        lx = looped(ex, args.drift_bars)
        audio = render_input(lx, sr, EVAL_PROGRAMS[k % len(EVAL_PROGRAMS)])
        ctl = style_controls(args, ex.style, args.seed + 77 + k)
        notes = stream(gen, audio, lx, args.drift_bars, ctl, args.mode, sr, block_beats=args.block_beats)
        for w in range(nw):
            a, b = w * 8 * BAR, (w + 1) * 8 * BAR
            win_counts[w].append(score(notes, lx, (a, b)))
            sub = [GridNote(n.stem, n.pitch, n.velocity, n.start - a, n.end - a) for n in notes if a <= n.start < b]
            hit, n = style_accuracy(clf, roll_windows(sub, 8 * BAR), ex.style)
            win_style[w][0] += hit
            win_style[w][1] += n
    series = {"harmonic": [], "rhythmic": [], "style": []}
    for w in range(nw):
        s = summarise(win_counts[w])
        series["harmonic"].append(s["harmonic"])
        series["rhythmic"].append(s["rhythmic"])
        series["style"].append(round(win_style[w][0] / max(1, win_style[w][1]), 4))
    out = {}
    for k, v in series.items():
        first, last = v[0], v[-1]
        slope = float(np.polyfit(np.arange(len(v)), v, 1)[0]) if len(v) > 1 else 0.0
        out[k] = {"windows": v, "first": first, "last": last, "slope_per_window": round(slope, 4),
                  "within_10pct": bool(abs(last - first) <= 0.1 * max(first, 1e-9))}
    return out


def plot_example(path: Path, ex: Example, outs: dict, bars: int) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    n = bars * BAR
    rows = [("input (" + ex.live + ")", ex.input_notes)] + [(c, outs[c]) for c in ("ground_truth", "baseline", "model")]
    fig, axes = plt.subplots(len(rows), 1, figsize=(10, 2.0 * len(rows)), sharex=True)
    colours = {"bass": "tab:blue", "keys": "tab:green", "lead": "tab:red", "drums": "tab:gray"}
    for ax, (title, notes) in zip(axes, rows):
        for nt in notes:
            if nt.start >= n:
                continue
            if nt.stem == "drums":  # one row per drum class under the pitched stems
                from model.codec import drum_class
                y, length = 14 + 2 * (drum_class(nt.pitch) or 0), 1
            else:
                y, length = nt.pitch, min(nt.end, n) - nt.start
            ax.broken_barh([(nt.start, length)], (y - 0.4, 0.8), facecolors=colours.get(nt.stem, "k"))
        ax.set_ylabel(title, fontsize=8)
        ax.set_xlim(0, n)
        ax.set_ylim(12, 100)
        for b in range(0, n + 1, BAR):
            ax.axvline(b, color="k", lw=0.3, alpha=0.4)
    axes[-1].set_xlabel("frame (16th notes); colours: bass blue, keys green, lead red, drums grey (bottom)")
    fig.suptitle(f"held-out {ex.style}, {ex.bpm:.0f} bpm, prompt '{ex.style}'", fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=80)
    plt.close(fig)


def format_table(r: dict) -> str:
    lines = [f"{'candidate':14s} {'harmonic':>9s} {'rhythmic':>9s} {'style':>7s} {'onsets':>7s}"]
    for c, s in r["candidates"].items():
        lines.append(f"{c:14s} {s['harmonic']:9.3f} {s['rhythmic']:9.3f} {s['style']:7.3f} {s['onsets']:7d}")
    for c in ("ground_truth", "model"):
        parts = r["candidates"][c].get("parts", {})
        for group in ("bars", "live", "style"):  # one line each: by bar range, live part, style
            items = [(k[len(group) + 1:], v) for k, v in parts.items() if k.startswith(group + " ")]
            if items:
                lines.append(f"{c} by {group}: " + ", ".join(f"{k} {v['harmonic']:.3f}/{v['rhythmic']:.3f}"
                                                           for k, v in items))
    for k, v in r.get("drift", {}).items():
        lines.append(f"drift {k:9s} first {v['first']:.3f} last {v['last']:.3f} slope {v['slope_per_window']:+.4f}")
    if "cache_max_abs_diff" in r:
        lines.append(f"cache max |diff| {r['cache_max_abs_diff']:.2e}")
    lines.append(f"rtf median {r['rtf']['rtf_median']:.3f} (p90 {r['rtf']['rtf_p90']:.3f})")
    lines.append("targets: " + ", ".join(f"{k}={'ok' if v else 'MISSED'}" for k, v in r["targets"].items()))
    return "\n".join(lines)


# ---------------------------------------------------------------------------- inference tuning

TUNE_GRID = [(smp, gm, temp) for smp, gm, temp in (("pingpong", "cfg++", 1.0), ("pingpong", "cfg", 1.0),
                                                   ("euler", "cfg", 1.0), ("euler", "cfg++", 0.5))]
TUNE_THRESHOLDS = [(0.3, 0.2), (0.35, 0.2), (0.4, 0.25), (0.5, 0.25), (0.625, 0.25)]


def tune(args, windows: int = 32) -> dict:
    """Pick sampler, guidance mode and decode thresholds on *training* windows (never the
    held-out pieces): maximise harmonic x rhythmic agreement of the decoded bar with the
    true bar, among settings that play at least half as many onsets as the truth.
    Writes the choice into the checkpoint's meta (decode, sampling)."""
    from dataclasses import replace

    from model.codec import ROBUST, decode, from_latent
    from model.data.dataset import CachedData, Windows
    from model.embedded import CHECKPOINT, load_checkpoint, set_inference_defaults
    folder = args.checkpoint or CHECKPOINT
    model, cfg, meta, _, _ = load_checkpoint(folder)
    data = CachedData(args.data)
    w = Windows(data, held_out=False, context=cfg.context_frames, target=cfg.target_frames,
                phrase=uses_phrase(cfg.n_controls), phrase_drop=0.0)
    rows = np.random.default_rng(args.seed + 2).choice(len(w), min(windows, len(w)), replace=False)
    b = w.gather(rows, np.random.default_rng(args.seed))
    truth = [decode(from_latent(t), DEFAULT_LAYOUT, ROBUST) for t in b["target"].numpy()]
    best, results = None, []
    for smp, gm, temp in TUNE_GRID:
        outs = []
        for i in range(len(rows)):
            y = window_bar(model, b, i, visible_until=-2, steps=args.steps, guidance=args.guidance,
                           temperature=temp, sampler=smp, guidance_mode=gm)
            outs.append(from_latent(y.numpy()))
        for on, sus in TUNE_THRESHOLDS:
            opt = replace(ROBUST, onset_threshold=on, sustain_threshold=sus)
            h = hn = tp = ng = nt = 0
            for r, tn in zip(outs, truth):
                pcs = _pc_per_beat(tn, cfg.target_frames // FPB)
                gn = decode(r, DEFAULT_LAYOUT, opt)
                for n in gn:
                    if n.stem != "drums":
                        hn += 1
                        h += bool(pcs[n.start // FPB, n.pitch % 12])
                g, t = {(n.stem, n.start) for n in gn}, {(n.stem, n.start) for n in tn}
                tp, ng, nt = tp + len(g & t), ng + len(g), nt + len(t)
            harm, p, r = h / max(hn, 1), tp / max(ng, 1), tp / max(nt, 1)
            f = 2 * p * r / max(p + r, 1e-9)
            res = {"sampler": smp, "guidance_mode": gm, "temperature": temp, "onset_threshold": on,
                   "sustain_threshold": sus, "harmonic": round(harm, 3), "rhythmic": round(f, 3),
                   "onset_ratio": round(ng / max(nt, 1), 3)}
            results.append(res)
            if res["onset_ratio"] >= 0.5 and hn >= 10 and (best is None or harm * f > best["harmonic"] * best["rhythmic"]):
                best = res
    best = best or max(results, key=lambda x: x["harmonic"] * x["rhythmic"])
    set_inference_defaults(folder, decode={"onset_threshold": best["onset_threshold"],
                                           "sustain_threshold": best["sustain_threshold"]},
                           sampling={"sampler": best["sampler"], "guidance_mode": best["guidance_mode"],
                                     "temperature_scale": best["temperature"]})
    return best


TUNE_STREAM_GRID = [(on, rel, own, gi) for own in (True, False) for gi in (False, True)
                    for on in (0.3, 0.35, 0.45) for rel in (0.0, 0.4, 0.6, 0.8)]


def tune_stream(args, per_style: int = 1, bars: int = 8) -> dict:
    """Pick the decode thresholds (onset, relative), whether the model's own notes become
    its context (own_context) and whether CFG's unconditional branch hears the input
    (guide_input), the way they are used: streaming *training* pieces (one per style,
    never the held-out ones) block by block, accompany mode, the decoded notes feeding back
    as context; then, with those, how many pitch classes the stems share (chord_tones, 0 =
    no limit) per beat or per bar (chord_span); then each pitched stem's threshold factor
    (stem_scale: its note count nearest the truth's); then the weight of the pitch classes
    heard last in each chord choice (heard_prior). Maximises harmonic x rhythmic agreement
    x style adherence among settings that play at least half the true onsets; stores the
    choice in the checkpoint's meta (decode, sampling)."""
    from dataclasses import replace

    from tqdm import tqdm

    from model.data.dataset import CachedData
    from model.embedded import CHECKPOINT, set_inference_defaults
    data = CachedData(args.data)
    sr = args.sample_rate
    gen = load_model(args, sr)
    base = gen.decode_options
    examples = [e for e in load_examples(data, per_style, args.seed + 7, held_out=False) if e.n_frames >= bars * BAR]
    audio = [render_input(e, sr, EVAL_PROGRAMS[k % len(EVAL_PROGRAMS)]) for k, e in enumerate(examples)]
    n_true = sum(score([n for n in ex.notes if n.start < bars * BAR], ex, (0, bars * BAR))["r_gen"] for ex in examples)
    own_before, gi_before = gen.own_context, gen.guide_input
    clf = train_style_classifier(data, seed=args.seed)

    def run(on: float, rel: float, own: bool, gi: bool, tones: int = 0, span: int = 1, scale: dict | None = None,
            prior: float = 0.0) -> dict:
        gen.decode_options = replace(base, onset_threshold=on, relative=rel, chord_tones=tones, chord_span=span,
                                     stem_scale=scale, heard_prior=prior)
        gen.own_context, gen.guide_input = own, gi
        counts, hits = [], np.zeros(2, int)
        for k, (ex, a) in enumerate(zip(examples, audio)):
            ctl = style_controls(args, ex.style, args.seed + k)
            notes = stream(gen, a, ex, bars, ctl, args.mode, sr, block_beats=getattr(args, "block_beats", 4))
            counts.append(score(notes, ex, (0, bars * BAR)))
            hits += style_accuracy(clf, roll_windows(notes, bars * BAR), ex.style)
        res = {"onset_threshold": on, "relative": rel, "own_context": own, "guide_input": gi,
               "chord_tones": tones, "chord_span": span, "stem_scale": scale, "heard_prior": prior, **summarise(counts),
               "style": round(hits[0] / max(1, hits[1]), 4)}
        res["onset_ratio"] = round(res["onsets"] / max(1, n_true), 3)
        return res

    def pick(results: list[dict]) -> dict:
        ok = [r for r in results if r["onset_ratio"] >= 0.5] or results
        return max(ok, key=lambda x: x["harmonic"] * x["rhythmic"] * x["style"])

    grid = [run(*cfg) for cfg in tqdm(TUNE_STREAM_GRID, desc="tune decode (streaming)", disable=args.no_progress)]
    best = pick(grid)
    keys = ("onset_threshold", "relative", "own_context", "guide_input")
    chords = [best] + [run(*(best[k] for k in keys), tones, span) for tones in CHORD_TONES for span in CHORD_SPANS]
    best = pick(chords)
    fixed = [best[k] for k in keys] + [best["chord_tones"], best["chord_span"]]
    # each pitched stem's threshold factor: the one whose note count comes nearest the
    # truth's on these pieces (a calibration, not a search of the objective)
    truth = {st: sum(score([n for n in ex.notes if n.start < bars * BAR], ex, (0, bars * BAR)).get(f"n_{st}", 0)
                     for ex in examples) for st in PITCHED}
    scaled = [run(*fixed, {st: f for st in PITCHED}) for f in STEM_SCALES]

    def miss(res: dict, st: str) -> float:  # how far a stem's note count is from the truth's
        return abs(np.log(max(1, res["notes_per_stem"].get(st, 0)) / max(1, truth[st])))
    scale = {st: min(zip(STEM_SCALES, scaled), key=lambda fr: miss(fr[1], st))[0] for st in PITCHED}
    # then how much the pitch classes heard last weigh in each beat's chord (with chord_tones)
    priors = [run(*fixed, scale, w) for w in (HEARD_PRIORS if best["chord_tones"] else (0.0,))]
    best = pick(priors)
    gen.decode_options, gen.own_context, gen.guide_input = base, own_before, gi_before
    set_inference_defaults(args.checkpoint or CHECKPOINT,
                           decode={"onset_threshold": best["onset_threshold"], "relative": best["relative"],
                                   "chord_tones": best["chord_tones"], "chord_span": best["chord_span"],
                                   "stem_scale": scale,
                                   "heard_prior": best["heard_prior"]},
                           sampling={"own_context": bool(best["own_context"]), "guide_input": bool(best["guide_input"])})
    return {"chosen": best, "grid": grid, "chord_tones": chords, "truth_notes": truth, "stem_scale": scaled,
            "heard_prior": priors}


CHORD_TONES = (3, 4)  # tried after the grid (0, no limit, is the grid's own)
CHORD_SPANS = (1, 4)  # beats per chord choice: each beat, each bar
STEM_SCALES = (0.5, 0.6, 0.7, 0.85, 1.0, 1.2, 1.4)  # onset-threshold factors per pitched stem
HEARD_PRIORS = (0.0, 0.5, 1.0, 2.0)


def store_style_density(args) -> dict[str, float]:
    """The checkpoint's meta style_density from the training split of args.data, with the
    checkpoint's own density quantiles."""
    from model.checkpoint import load_config
    from model.data.dataset import CachedData, style_density
    from model.embedded import CHECKPOINT, set_inference_defaults
    folder = args.checkpoint or CHECKPOINT
    cfg, meta = load_config(folder)
    sd = style_density(CachedData(args.data), meta["density_quantiles"], cfg.target_frames)
    set_inference_defaults(folder, style_density=sd)
    return sd


def window_bar(model, b: dict, i: int, *, visible_until: int, context: str = "true", **sampling):
    """One bar generated for window i of a Windows batch, its context pushed into a fresh
    stream: "true" (the window's past notes), "features" (no past notes, the input's
    features stay) or "drums" (the past drums only, pitched stems silent)."""
    from model.stream import LMDMStream
    C = model.cfg.context_frames
    s = LMDMStream(model)
    s.reset()
    m = b["context_mask"][i].numpy() > 0
    cond = b["cond"][i].numpy()
    ctx = b["context"][i].numpy()[m]
    if context == "drums":
        drums = DEFAULT_LAYOUT.slice("drums")
        ctx = np.concatenate([np.full_like(ctx[:, :drums.start], -1.0), ctx[:, drums]], axis=1)
    if m.any():
        s.push(ctx, cond[:C][m])
        if context == "features":
            s.drop_context(0)  # latents gone, features stay
    return s.generate(cond[C:], visible_until=visible_until, prompts=[(b["prompt"][i].numpy(), 1.0)],
                      controls=b["controls"][i], seed=i, **sampling)


CONTEXT_CASES = {  # name -> (context given, visible_until of the target bar)
    "true_past_accompany": ("true", -2),
    "features_only_delay": ("features", 16),
    "features_only_accompany": ("features", -2),
    "drums_only_accompany": ("drums", -2),
}


def context_study(args, windows: int = 48) -> dict:
    """Harmonic agreement of one generated bar on held-out windows, by what the context
    holds: the true past notes, no notes (only the input's features), or the true drums
    only. Scored on the non-live pitched stems against every true note of the bar."""
    from dataclasses import replace

    from model.codec import ROBUST, decode, from_latent
    from model.data.dataset import CachedData, Windows
    from model.embedded import CHECKPOINT, load_checkpoint
    folder = args.checkpoint or CHECKPOINT
    model, cfg, meta, _, _ = load_checkpoint(folder)
    opt = replace(ROBUST, **(meta.get("decode") or {}))  # as the generator decodes
    data = CachedData(args.data)
    w = Windows(data, held_out=True, context=cfg.context_frames, target=cfg.target_frames,
                phrase=uses_phrase(cfg.n_controls), phrase_drop=0.0)
    rows = np.random.default_rng(args.seed + 3).choice(len(w), min(windows, len(w)), replace=False)
    b = w.gather(rows, np.random.default_rng(args.seed))
    T = cfg.target_frames
    out = {}
    for name, (kind, vis) in CONTEXT_CASES.items():
        hit = n = 0
        for i in range(len(rows)):
            live = str(data.pieces.live[w.index[rows[i]][0]])
            y = window_bar(model, b, i, visible_until=vis, context=kind, steps=args.steps, guidance=args.guidance)
            truth = decode(from_latent(b["target"][i].numpy()), DEFAULT_LAYOUT)
            pcs = _pc_per_beat(truth, T // FPB)
            for nt in decode(from_latent(y.numpy()), DEFAULT_LAYOUT, opt):
                if nt.stem not in ("drums", live):
                    n += 1
                    hit += bool(pcs[nt.start // FPB, nt.pitch % 12])
        out[name] = {"harmonic": round(hit / max(n, 1), 3), "notes": n}
    return {"checkpoint": str(folder), "windows": len(rows), "cases": out}

