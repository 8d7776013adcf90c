"""`lmdm harmony train`: train the harmony predictor (model/harmony.py) on a data cache.

    lmdm harmony train                        # data/cache/default -> the shipped checkpoint folder
    lmdm harmony train --out /tmp/h.safetensors --steps 200 --json

A couple of minutes on two CPU cores. The held-out pieces of the cache are left out of
training and scored at the end: the share of the three most likely pitch classes that the
true bass and keys sound in the beat, for the predictor and for the last heard beat (what
the decoder's prior used before), per lookahead. torch is imported inside main().
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

DEFAULT_OUT = Path(__file__).resolve().parent / "checkpoints" / "default" / "harmony.safetensors"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", default="data/cache/default", help="folder written by `lmdm data build`")
    p.add_argument("--extra-data", default="",
                   help="comma-separated further caches whose pieces join the training split (as lmdm train's)")
    p.add_argument("--out", default=str(DEFAULT_OUT), help="the predictor's safetensors file")
    p.add_argument("--targets", default="bass,keys",
                   help="the stems whose pitch classes the predictor learns (the harmony; the live part's included)")
    p.add_argument("--steps", type=int, default=8000)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--hidden", type=int, default=384)
    p.add_argument("--prompt-drop", type=float, default=0.1, help="share of examples trained without a prompt")
    p.add_argument("--band", default="",
                   help="comma-separated pitched stems (e.g. bass,keys): also read what they sounded in the history "
                        "beats (live: what the generator played; in training the true parts, corrupted as below); "
                        "empty (the default): not at all")
    p.add_argument("--band-rollouts", default="",
                   help="with --band: `lmdm data rollouts` files (comma-separated; each adds every training piece "
                        "once more): the band history of the pieces streamed is what the generator played there "
                        "(the rest: the true parts)")
    p.add_argument("--band-drop", type=float, default=0.2,
                   help="with --band: share of examples trained with no band history at all")
    p.add_argument("--band-noise", type=float, default=0.2,
                   help="with --band: per history beat, the chance that it holds the beat before's pitch classes "
                        "(a late chord change) and, per pitch class, that it is left out (a sparser part)")
    p.add_argument("--history", type=int, default=32, help="beats of input history the predictor reads")
    p.add_argument("--validate", default="",
                   help="also score the held-out pieces of this cache (e.g. data/cache/extra1, which the "
                        "core did not train on): choose settings there, not on --data's held-out split")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--plot", default="", help="also write the loss curve (PNG) here")
    p.add_argument("--json", action="store_true", help="print the report as one JSON object")
    p.add_argument("--no-progress", action="store_true")


def train(args) -> dict:
    import numpy as np
    import torch
    from tqdm import tqdm

    from model import harmony as H
    from model.data.dataset import CachedData

    torch.set_num_threads(max(1, int(args.threads)))
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    t0 = time.time()
    data = CachedData(args.data)
    extra = [e for e in str(args.extra_data).split(",") if e.strip()]
    for folder in extra:  # held-out pieces of the main cache stay held out (CachedData.merge)
        data.merge(CachedData(folder.strip()))
    train_pieces, held = data.split(False), data.split(True)
    stems = tuple(t.strip() for t in str(args.targets).split(",") if t.strip())
    bad = [t for t in stems if t not in data.layout.stem_names or data.layout.spec(t).drums]
    if bad or not stems:
        raise ValueError(f"--targets: pitched stems of {', '.join(data.layout.stem_names)}; got {args.targets!r}")
    band_stems = tuple(t.strip() for t in str(args.band).split(",") if t.strip())
    bad = [t for t in band_stems if t not in data.layout.stem_names or data.layout.spec(t).drums]
    if bad:
        raise ValueError(f"--band: pitched stems of {', '.join(data.layout.stem_names)}; got {args.band!r}")
    if args.history < 1 or args.steps < 4:
        raise ValueError(f"--history: at least one beat (got {args.history}); --steps: at least 4 (got {args.steps})")
    sources = [None]  # where each training piece's band history comes from: the true parts
    files = [f.strip() for f in str(args.band_rollouts).split(",") if f.strip()]
    if files:
        if not band_stems:
            raise ValueError("--band-rollouts needs --band")
        from model.data.rollouts import load_rollouts

        def played_in(path: str):
            roll, streamed = load_rollouts(path, len(data.roll), len(data.pieces.name))

            def played(i: int):
                if not streamed[i]:
                    return None
                o = int(data.pieces.offset[i])
                return H.roll_pitch_classes(roll[o:o + int(data.pieces.n_frames[i])], data.layout, band_stems)
            return played
        sources = [played_in(f) for f in files]
    # several rollout files: every training piece once per file
    parts = [H.examples(data, train_pieces, stems=stems, history=args.history, band_stems=band_stems, played=src)
             for src in sources]
    tr = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]} if len(parts) > 1 else parts[0]
    del parts
    te = H.examples(data, held, stems=stems, history=args.history, band_stems=band_stems, played=sources[0])
    if not len(tr["target"]) or not len(te["target"]):
        raise ValueError(f"{args.data}: needs training and held-out pieces")
    # each piece's style -> the embeddings of its label and paraphrases
    texts = {st: data.prompt_embedding[data.prompt_style == st] for st in data.styles}
    style_of = data.pieces.style
    P = data.prompt_embedding.shape[1]

    def prompts(pieces: np.ndarray, drop: float) -> np.ndarray:
        out = np.zeros((len(pieces), P), np.float32)
        for j, i in enumerate(pieces):
            if rng.random() >= drop:
                e = texts[style_of[i]]
                out[j] = e[rng.integers(len(e))]
        return out

    band = bool(band_stems)
    model = H.HarmonyPredictor(prompt_dim=P, hidden=args.hidden, band=band, history=args.history)

    def corrupt(b: torch.Tensor) -> torch.Tensor:
        """The true band history, made as unreliable as a generator's own playing."""
        late = torch.from_numpy(rng.random(b.shape[:2]) < args.band_noise)
        b = torch.where(late[..., None], torch.cat([torch.zeros_like(b[:, :1]), b[:, :-1]], 1), b)
        b = b * torch.from_numpy(rng.random(b.shape) >= args.band_noise).float()
        return b * torch.from_numpy(rng.random((len(b), 1, 1)) >= args.band_drop).float()

    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-2)
    sched = torch.optim.lr_scheduler.OneCycleLR(  # a warm-up of 5 %, at least 2 steps
        opt, max_lr=args.lr, total_steps=args.steps, pct_start=min(0.5, max(0.05, 2.0 / args.steps)))
    T = {k: torch.from_numpy(v) for k, v in tr.items()}
    log, run = [], []
    bar = tqdm(range(args.steps), desc="harmony predictor", disable=args.no_progress)
    model.train()
    for step in bar:
        i = torch.from_numpy(rng.integers(0, len(tr["target"]), args.batch))
        r = int(rng.integers(12))  # the same rotation for chroma and harmony: every key alike
        x = torch.roll(T["history"][i], r, -1)
        y = torch.roll(T["target"][i], r, -1)
        p = torch.from_numpy(prompts(tr["piece"][i.numpy()], args.prompt_drop))
        b = corrupt(torch.roll(T["band"][i], r, -1)) if band else None
        loss = torch.nn.functional.binary_cross_entropy_with_logits(
            model(x, T["ahead"][i].long(), T["position"][i].long(), p, b), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        run.append(loss.item())
        if len(run) == 50 or step == args.steps - 1:
            log.append({"step": step + 1, "loss": float(np.mean(run))})
            bar.set_postfix(loss=f"{log[-1]['loss']:.4f}")
            run = []
    model.eval()

    def scores(ex: dict, pr: np.ndarray) -> dict:
        """Top-3 precision per lookahead of the predictor (and of the last heard beat) on examples."""
        def run(b) -> np.ndarray:
            with torch.inference_mode():
                return torch.sigmoid(model(torch.from_numpy(ex["history"]), torch.from_numpy(ex["ahead"]).long(),
                                           torch.from_numpy(ex["position"]).long(), torch.from_numpy(pr), b)).numpy()
        prob = run(torch.from_numpy(ex["band"]) if band else None)
        silent = run(torch.zeros_like(torch.from_numpy(ex["band"]))) if band else None
        last = ex["history"][:, -1].sum(1)  # the last heard beat's chroma + bass chroma
        out = {}
        for k in range(H.LOOKAHEAD):
            m = ex["ahead"] == k
            out[f"ahead {k}"] = {"predictor": round(H.top3_precision(prob[m], ex["target"][m]), 4),
                                 "last heard beat": round(H.top3_precision(last[m], ex["target"][m]), 4)}
            if band:  # "predictor" above read the true parts' history; here none
                out[f"ahead {k}"]["predictor, no band history"] = round(H.top3_precision(silent[m], ex["target"][m]), 4)
        return out

    report = {"data": [str(args.data)] + extra, "pieces": {"train": int(len(train_pieces)), "held_out": int(len(held))},
              "examples": {"train": int(len(tr["target"])), "held_out": int(len(te["target"]))},
              "steps": args.steps, "hidden": args.hidden, "history": args.history, "seed": args.seed, "band": list(band_stems),
              "final_loss": round(log[-1]["loss"], 4), "top3_precision": scores(te, prompts(te["piece"], 0.0)),
              "time_s": round(time.time() - t0, 1)}
    if band:
        report["band_noise"], report["band_drop"] = args.band_noise, args.band_drop
        report["band_rollouts"] = args.band_rollouts
    if args.validate:
        vd = CachedData(args.validate)
        ve = H.examples(vd, vd.split(True), stems=stems, history=args.history, band_stems=band_stems)
        vt = {st: vd.prompt_embedding[vd.prompt_style == st] for st in vd.styles}
        pr = np.stack([vt[vd.pieces.style[i]][0] for i in ve["piece"]]).astype(np.float32)  # each style's label
        report["validation"] = {"data": str(args.validate), "pieces": int(len(vd.split(True))), "top3_precision": scores(ve, pr)}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    report["targets"] = list(stems)
    H.save(model, out, {k: report[k] for k in ("pieces", "steps", "hidden", "history", "seed", "band", "band_noise",
                                               "band_drop", "band_rollouts", "final_loss", "time_s", "targets")
                        if k in report}
           | {"data": report["data"], "top3_precision_ahead_0": report["top3_precision"]["ahead 0"]["predictor"]})
    report["out"] = str(out)
    if args.plot:
        plot_loss(log, args.plot)
        report["plot"] = args.plot
    return report


def plot_loss(log: list[dict], path: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.plot([e["step"] for e in log], [e["loss"] for e in log])
    ax.set_xlabel("step")
    ax.set_ylabel("binary cross-entropy (mean of 50 steps)")
    ax.grid(alpha=0.3)
    ax.set_title("harmony predictor training")
    fig.tight_layout()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def main(args: argparse.Namespace) -> int:
    report = train(args)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"harmony predictor -> {report['out']} ({report['time_s']} s, loss {report['final_loss']})")
        for k, v in report["top3_precision"].items():
            print(f"  {k}: top-3 precision {v['predictor']:.3f} (last heard beat {v['last heard beat']:.3f})")
        for k, v in report.get("validation", {}).get("top3_precision", {}).items():
            print(f"  validation, {k}: top-3 precision {v['predictor']:.3f} (last heard beat {v['last heard beat']:.3f})")
    return 0
