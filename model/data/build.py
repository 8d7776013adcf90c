"""`lmdm data build`: the training set of the embedded model, cached on disk.

Pieces: procedural grooves (every style, random keys and tempi in the style's range)
and Bach chorales from the music21 corpus (each transposed to a random key). For each
piece one part is the "live" input -- the lead melody or the keys comping (chorales:
soprano or inner voices) -- rendered through FluidSynth with a random General MIDI
program, augmented (gain, noise, tone, timing jitter) and featurised with
model.features.audio_features, exactly what the daemon computes live; a share of pieces
use notes_features instead (MIDI input). Targets are all four stems, the live one
included: in delay mode the model re-voices what it heard, in accompany mode it has to
anticipate it (docs/model-card.md).

Everything is deterministic from --seed. The split is by piece (chorales: by source
chorale, all transpositions together). Output folder (default data/cache/default):
    pieces.npz   rolls, features, notes, piece table (no pickles)
    prompts.npz  training texts, their styles and MiniLM embeddings
    meta.json    the build arguments, layout, counts
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from model.codec import DEFAULT_LAYOUT, GridNote, encode

SOUNDFONT = "/usr/share/sounds/sf2/FluidR3_GM.sf2"
# pitched GM programs a performer might play: pianos, organs, guitars, strings, brass,
# reeds, pipes, synth leads and pads (why not all 128: effects and percussion are not
# what a live melody or comping part is played on)
LIVE_PROGRAMS = [0, 1, 2, 4, 5, 6, 7, 16, 17, 19, 24, 25, 26, 27, 29, 32, 40, 41, 42, 48, 49, 52,
                 56, 57, 61, 64, 65, 66, 68, 71, 73, 74, 80, 81, 82, 88, 89, 90, 91]
STEM_INDEX = {s: i for i, s in enumerate(DEFAULT_LAYOUT.stem_names)}


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", default="data/cache/default", help="output folder")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--grooves-per-style", type=int, default=28)
    p.add_argument("--bars", type=int, default=16, help="bars per groove")
    p.add_argument("--chorales", type=int, default=120, help="Bach chorales to parse (slow)")
    p.add_argument("--held-out", type=float, default=0.1, help="share of pieces held out")
    p.add_argument("--midi-share", type=float, default=0.25, help="share of pieces with notes features")
    p.add_argument("--sample-rate", type=int, default=24000, help="rendering rate of the live part")
    p.add_argument("--soundfont", default=SOUNDFONT)
    p.add_argument("--no-progress", action="store_true")
    p.add_argument("--force", action="store_true", help="rebuild even if the cache exists")
    p.add_argument("--reencode", action="store_true",
                   help="only rewrite the rolls from the stored notes (after a codec change; no rendering)")


def main(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if args.reencode:
        n = reencode(out)
        print(f"{out}: {n} rolls re-encoded with the current codec")
        return 0
    if (out / "pieces.npz").exists() and not args.force:
        print(f"{out}: cached (use --force to rebuild)")
        return 0
    t0 = time.time()
    meta = build(out, seed=args.seed, grooves_per_style=args.grooves_per_style, bars=args.bars,
                 chorales=args.chorales, held_out=args.held_out, midi_share=args.midi_share,
                 sample_rate=args.sample_rate, soundfont=args.soundfont, progress=not args.no_progress)
    print(f"{out}: {meta['pieces']} pieces ({meta['held_out_pieces']} held out), "
          f"{meta['frames']} frames, {time.time() - t0:.0f} s")
    return 0


# ---------------------------------------------------------------------------- pieces

def make_pieces(seed: int, grooves_per_style: int, bars: int, chorales: int, progress: bool):
    """-> list of (piece, group): the group is what the split keeps together."""
    from model.data.corpus import load_chorales, transpose
    from model.data.grooves import STYLES, make_groove
    rng = np.random.default_rng(seed)
    out = []
    for style in STYLES:
        for i in range(grooves_per_style):
            p = make_groove(style, np.random.default_rng([seed, i, len(out)]), bars=bars,
                            name=f"groove-{style.replace(' ', '_')}-{i:03d}")
            out.append((p, p.name))
    if chorales:
        for c in load_chorales(chorales, progress=progress):
            shift = int(rng.integers(-5, 7))
            out.append((transpose(c, shift), c.name))
    return out


def choose_live(piece, rng: np.random.Generator) -> str:
    return "lead" if rng.random() < 0.55 else "keys"


def augment(audio: np.ndarray, sample_rate: int, rng: np.random.Generator) -> np.ndarray:
    """Gain, a gentle tone filter and noise: what a live microphone or line changes."""
    import scipy.signal
    a = audio * float(10 ** (rng.uniform(-12, 6) / 20))
    kind = rng.integers(3)
    if kind == 1:
        b, aa = scipy.signal.butter(1, rng.uniform(1500, 6000), "low", fs=sample_rate)
        a = scipy.signal.lfilter(b, aa, a)
    elif kind == 2:
        b, aa = scipy.signal.butter(1, rng.uniform(80, 400), "high", fs=sample_rate)
        a = scipy.signal.lfilter(b, aa, a)
    rms = float(np.sqrt(np.mean(a ** 2)) + 1e-9)
    snr_db = rng.uniform(25, 60)
    a = a + rng.normal(0, rms * 10 ** (-snr_db / 20), a.shape)
    return a.astype(np.float32)


def live_features(notes: list[GridNote], bpm: float, n_frames: int, sample_rate: int, soundfont: str,
                  rng: np.random.Generator, midi: bool, fpb: int = 4) -> np.ndarray:
    from model.features import audio_features, notes_features
    jitter = 0.0 if midi else 0.02  # beats: a human is never exactly on the grid
    evs = []
    for n in notes:
        s = max(0.0, n.start / fpb + float(rng.normal(0, jitter)))
        evs.append((n.pitch, n.velocity, s, max(s + 0.05, n.end / fpb)))
    if midi or not evs:
        return notes_features(evs, n_frames, fpb)
    from model.synth import render_notes
    audio = render_notes(evs, bpm, sample_rate, soundfont, program=int(rng.choice(LIVE_PROGRAMS)))
    audio = augment(audio, sample_rate, rng)
    spf = sample_rate * 60.0 / bpm / fpb
    return audio_features(audio, sample_rate, spf, n_frames)


# ---------------------------------------------------------------------------- build

def build(out: Path, seed: int = 0, grooves_per_style: int = 28, bars: int = 16, chorales: int = 120,
          held_out: float = 0.1, midi_share: float = 0.25, sample_rate: int = 24000,
          soundfont: str = SOUNDFONT, progress: bool = True, prompt_load: str = "lazy",
          prompt_table: dict | None = None) -> dict:
    from tqdm import tqdm
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    pieces = make_pieces(seed, grooves_per_style, bars, chorales, progress)
    groups = sorted({g for _, g in pieces})
    order = np.random.default_rng([seed, 7]).permutation(len(groups))
    n_held = max(1, int(round(held_out * len(groups)))) if held_out > 0 else 0
    held_groups = {groups[i] for i in order[:n_held]}
    # keep every style in the held-out set: one held-out groove per style at least
    by_style: dict[str, list[str]] = {}
    for p, g in pieces:
        by_style.setdefault(p.style, []).append(g)
    for style, gs in by_style.items():
        if len(set(gs)) > 1 and not held_groups & set(gs):
            held_groups.add(sorted(set(gs))[0])

    rolls, feats, notes_rows, table = [], [], [], []
    offset = 0
    it = tqdm(pieces, desc="render+features", unit="piece", disable=not progress)
    for i, (piece, group) in enumerate(it):
        rng = np.random.default_rng([seed, 1, i])
        live = choose_live(piece, rng)
        midi = bool(rng.random() < midi_share)
        roll = encode(piece.notes, piece.n_frames)
        feat = live_features(piece.stem(live), piece.bpm, piece.n_frames, sample_rate, soundfont, rng, midi)
        rolls.append(roll.astype(np.float16))
        feats.append(feat.astype(np.float16))
        for n in piece.notes:
            notes_rows.append((i, STEM_INDEX[n.stem], n.pitch, n.velocity, n.start, n.end))
        table.append((piece.name, piece.style, group, live, int(midi), int(group in held_groups),
                      offset, piece.n_frames, piece.bpm, piece.tonic))
        offset += piece.n_frames

    col = list(zip(*table))
    np.savez(out / "pieces.npz",
             roll=np.concatenate(rolls), features=np.concatenate(feats),
             notes=np.asarray(notes_rows, np.int32).reshape(-1, 6),
             name=np.array(col[0]), style=np.array(col[1]), group=np.array(col[2]),
             live=np.array(col[3]), midi=np.array(col[4], np.int8), held_out=np.array(col[5], np.int8),
             offset=np.array(col[6], np.int64), n_frames=np.array(col[7], np.int64),
             bpm=np.array(col[8], np.float32), tonic=np.array(col[9], np.int8))
    write_prompts(out / "prompts.npz", load=prompt_load, table=prompt_table)
    meta = {"seed": seed, "grooves_per_style": grooves_per_style, "bars": bars, "chorales": chorales,
            "held_out": held_out, "midi_share": midi_share, "sample_rate": sample_rate,
            "layout": DEFAULT_LAYOUT.to_dict(), "pieces": len(pieces),
            "held_out_pieces": int(sum(r[5] for r in table)), "frames": offset,
            "styles": sorted({p.style for p, _ in pieces})}
    (out / "meta.json").write_text(json.dumps(meta, indent=1))
    return meta


def write_prompts(path: Path, load: str = "lazy", table: dict | None = None) -> None:
    from model.prompts import PromptEncoder, training_texts
    enc = PromptEncoder(table=table, load=load)
    pairs = training_texts()
    embs = enc.encode_many([t for _, t in pairs])
    np.savez(path, style=np.array([s for s, _ in pairs]), text=np.array([t for _, t in pairs]),
             embedding=embs.astype(np.float32))


def reencode(folder: Path) -> int:
    """Rewrite pieces.npz's rolls from its notes with the current codec; features stay."""
    folder = Path(folder)
    with np.load(folder / "pieces.npz") as z:
        arrays = {k: z[k] for k in z.files}
    stems = DEFAULT_LAYOUT.stem_names
    rolls = []
    for i, (o, n) in enumerate(zip(arrays["offset"], arrays["n_frames"])):
        rows = arrays["notes"][arrays["notes"][:, 0] == i]
        notes = [GridNote(stems[r[1]], int(r[2]), int(r[3]), int(r[4]), int(r[5])) for r in rows]
        rolls.append(encode(notes, int(n)).astype(np.float16))
    arrays["roll"] = np.concatenate(rolls)
    tmp = folder / "pieces.tmp.npz"
    np.savez(tmp, **arrays)
    tmp.replace(folder / "pieces.npz")
    meta_path = folder / "meta.json"
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        meta["layout"] = DEFAULT_LAYOUT.to_dict()
        meta_path.write_text(json.dumps(meta, indent=1))
    return len(rolls)
