"""`lmdm bench model`: the three attention layouts of the LMDM core, timed on the CPU.

    lmdm bench model --json                       # default preset, 8 bars context, 1-bar blocks
    lmdm bench model --json --plot docs/img/model_sweep.png
    lmdm bench model --preset tiny --blocks 3 --sweep 2,4 --json    # a quick smoke run

Per layout: per-block milliseconds (median over --blocks after --warmup; the layouts are
timed round-robin so that load from other processes hits them alike), the measured
speedup over bidirectional, the speedup predicted by token-passes (docs/model.md), their
ratio, the real-time factor (block compute / block duration), and the cached-vs-uncached
max abs difference against the offline masked pass.  A sweep over context lengths shows
how each layout's cost grows.  torch is imported inside functions (fast `lmdm --help`).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

from model.config import KERNELS, LAYOUTS


def common_arguments(p: argparse.ArgumentParser) -> None:
    """The options every core bench has (lmdm bench model, lmdm bench gemm)."""
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    p.add_argument("--preset", default="default", help="model size preset (tiny, default, large)")
    p.add_argument("--threads", type=int, default=1,
                   help="torch.set_num_threads (1: see docs/performance.md, 2 threads stall on a shared CPU)")


def emit(report: dict, as_json: bool, print_table) -> int:
    """Print a bench report as one JSON object or as print_table's table."""
    if as_json:
        json.dump(report, sys.stdout, indent=2)
        print()
    else:
        print_table(report)
    return 0


def add_arguments(p: argparse.ArgumentParser) -> None:
    common_arguments(p)
    p.add_argument("--blocks", type=int, default=24, help="timed blocks per layout (median)")
    p.add_argument("--warmup", type=int, default=3, help="untimed blocks per layout first")
    p.add_argument("--steps", type=int, default=8, help="denoising steps per block")
    p.add_argument("--guidance", type=float, default=3.0, help="CFG scale (1 = no CFG, batch 1)")
    p.add_argument("--context-bars", type=int, default=8)
    p.add_argument("--block-bars", type=int, default=1)
    p.add_argument("--frames-per-beat", type=int, default=4)
    p.add_argument("--beats-per-bar", type=int, default=4)
    p.add_argument("--bpm", type=float, default=120.0, help="for the real-time factor")
    p.add_argument("--sweep", default="2,4,8,16,32", help="context lengths in bars ('' = none)")
    p.add_argument("--sweep-blocks", type=int, default=8, help="timed blocks per sweep point")
    p.add_argument("--check-blocks", type=int, default=3, help="blocks compared against the offline pass")
    p.add_argument("--plot", default="", help="write the sweep plot (PNG) here")
    p.add_argument("--masks-plot", default="", help="also draw the three attention masks (PNG) here")
    p.add_argument("--checkpoint", default="", help="time this checkpoint folder's model instead of a preset")
    p.add_argument("--kernels", default="mkl", choices=KERNELS,
                   help="GEMM library of every layout's layers (model/config.py KERNELS; lmdm bench gemm)")
    p.add_argument("--seed", type=int, default=0)


# ---- cost model -----------------------------------------------------------------------------

def token_passes(layout: str, C: int, T: int, N: int, cfg_batch: int = 1) -> int:
    """Tokens pushed through the network per block (model.md §1).  With CFG the
    per-step tokens run at batch cfg_batch but the context (never prompt-dependent in
    the cached layouts) is encoded once."""
    if layout == "bidirectional":
        return cfg_batch * N * (C + T + 1)
    if layout == "enc_dec":
        return C + cfg_batch * N * (T + 1)
    return T + cfg_batch * N * (T + 1)


# ---- the model and the streams ---------------------------------------------------------------

def build(preset: str, C: int, T: int, seed: int, state=None, checkpoint: str = ""):
    """The model to time: a preset with random weights, or a checkpoint's config and
    weights, at context C and block T (the weights do not depend on C)."""
    import torch

    from model.config import LMDMConfig
    from model.transformer import LMDMTransformer

    if checkpoint:
        from model.checkpoint import load_checkpoint

        base, _ = load_checkpoint(checkpoint)
        cfg = base.cfg.replace(context_frames=C, target_frames=T, window_chunks=0)
        state = base.state_dict() if state is None else state
    else:
        cfg = LMDMConfig.preset(preset, context_frames=C, target_frames=T, window_chunks=0)
    torch.manual_seed(seed)
    model = LMDMTransformer(cfg)
    if state is not None:  # the same weights at another context length
        model.load_state_dict(state)
    else:  # untrained weights, but no zero branches (null prompt, gains)
        with torch.no_grad():
            for p in model.parameters():
                p.add_(torch.randn_like(p) * 0.02)
    return model.eval()


class Feed:
    """Random but fixed inputs: features, a prompt, controls, a primed context."""

    def __init__(self, cfg, seed: int) -> None:
        import torch

        g = torch.Generator().manual_seed(seed)
        self.prime = torch.randn(cfg.context_frames, cfg.latent_dim, generator=g)
        self.prime_cond = torch.randn(cfg.context_frames, cfg.cond_dim, generator=g)
        self.conds = [torch.randn(cfg.target_frames, cfg.cond_dim, generator=g) for _ in range(4)]
        self.prompt = torch.randn(cfg.prompt_dim, generator=g) if cfg.prompt_dim else None
        self.controls = torch.rand(cfg.n_controls, generator=g) if cfg.n_controls else None

    def kwargs(self, b: int, steps: int, guidance: float) -> dict:
        prompts = [(self.prompt, 1.0)] if self.prompt is not None else []
        return dict(cond=self.conds[b % 4], visible_until=self.conds[0].shape[0] // 2,
                    prompts=prompts, controls=self.controls, steps=steps, guidance=guidance, seed=b)


def new_stream(model, layout: str, feed: Feed, kernels: str = "mkl"):
    from model.stream import LMDMStream

    s = LMDMStream(model, layout=layout, kernels=kernels)
    s.push(feed.prime, feed.prime_cond)
    return s


def time_layouts(model, feed: Feed, blocks: int, warmup: int, steps: int, guidance: float,
                 kernels: str = "mkl"):
    """Per-block wall and process-CPU times (ms) per layout, timed round-robin so that
    load from other processes falls on every layout alike."""
    streams = {lay: new_stream(model, lay, feed, kernels) for lay in LAYOUTS}
    wall: dict[str, list[float]] = {lay: [] for lay in LAYOUTS}
    cpu: dict[str, list[float]] = {lay: [] for lay in LAYOUTS}
    for b in range(warmup + blocks):
        for lay, s in streams.items():
            t0, c0 = time.perf_counter(), time.process_time()
            s.generate(**feed.kwargs(b, steps, guidance))
            if b >= warmup:
                wall[lay].append((time.perf_counter() - t0) * 1000.0)
                cpu[lay].append((time.process_time() - c0) * 1000.0)
    return wall, cpu


# ---- exactness: cached stream vs the offline masked pass -------------------------------------

def offline_diff(model, layout: str, feed: Feed, blocks: int, steps: int, guidance: float,
                 kernels: str = "mkl") -> float:
    """Max abs difference between the cached stream (GEMMs by `kernels`) and uncached full
    passes with the layout's mask (same noise, torch's default kernels), over `blocks`
    blocks of a primed stream."""
    import torch

    from model.sampler import logsnr_schedule, sample

    cfg = model.cfg
    C, T = cfg.context_frames, cfg.target_frames
    stream = new_stream(model, layout, feed, kernels)
    lat, cond, vis = feed.prime.clone(), feed.prime_cond.clone(), torch.ones(C)
    worst = 0.0
    for b in range(blocks):
        kw = feed.kwargs(b, steps, guidance)
        y = stream.generate(**kw)
        t_vis = (torch.arange(T) < kw["visible_until"]).float()
        if layout == "block_causal":
            c_lat, c_cond, c_vis = lat, cond, vis
        else:
            c_lat, c_cond, c_vis = lat[-C:], cond[-C:], vis[-C:]
        n = c_lat.shape[0]
        two = lambda a: a[None].expand(2, *a.shape)  # noqa: E731
        cfg_rows = feed.prompt is not None and guidance != 1.0
        rows = 2 if cfg_rows else 1
        prompt = None
        if feed.prompt is not None:
            prompt = torch.stack([feed.prompt, model.null_prompt]) if cfg_rows else feed.prompt[None]
        ctl = None if feed.controls is None else feed.controls[None].expand(rows, -1)
        full_cond = two(torch.cat([c_cond, kw["cond"]]))[:rows]
        full_vis = two(torch.cat([c_vis, t_vis]))[:rows]
        gen = torch.Generator().manual_seed(kw["seed"])
        x = torch.randn((1, T, cfg.latent_dim), generator=gen)

        def velocity(xx, i, t):
            v = model(two(c_lat)[:rows], xx.expand(rows, -1, -1), torch.full((rows,), t),
                      context_mask=torch.ones(rows, n), cond=full_cond, cond_vis=full_vis,
                      prompt=prompt, controls=ctl, layout=layout)
            return v[:1], (v[1:] if rows == 2 else None)

        with torch.inference_mode():
            sample(velocity, x, logsnr_schedule(steps, cfg.logsnr_min, cfg.logsnr_max),
                   guidance=guidance, sampler=cfg.sampler, guidance_mode=cfg.guidance_mode, generator=gen)
        worst = max(worst, float((x[0] - y).abs().max()))
        lat, cond, vis = torch.cat([lat, y]), torch.cat([cond, kw["cond"]]), torch.cat([vis, t_vis])
    return worst


# ---- report ----------------------------------------------------------------------------------

def run(args) -> dict:
    import torch

    torch.set_num_threads(args.threads)
    fpb, bpb = args.frames_per_beat, args.beats_per_bar
    C, T, N = args.context_bars * bpb * fpb, args.block_bars * bpb * fpb, args.steps
    block_ms = args.block_bars * bpb * 60_000.0 / args.bpm
    model = build(args.preset, C, T, args.seed, checkpoint=args.checkpoint)
    cfg = model.cfg
    feed = Feed(cfg, args.seed)
    cfg_batch = 2 if (cfg.prompt_dim and args.guidance != 1.0) else 1
    times, cpu = time_layouts(model, feed, args.blocks, args.warmup, N, args.guidance, args.kernels)
    base = statistics.median(times["bidirectional"])
    base_cpu = statistics.median(cpu["bidirectional"])
    layouts = {}
    for lay in LAYOUTS:
        med = statistics.median(times[lay])
        med_cpu = statistics.median(cpu[lay])
        tp, tp_cfg = token_passes(lay, C, T, N), token_passes(lay, C, T, N, cfg_batch)
        pred = token_passes("bidirectional", C, T, N) / tp
        pred_cfg = token_passes("bidirectional", C, T, N, cfg_batch) / tp_cfg
        speed = base / med
        layouts[lay] = {
            "median_ms": round(med, 2), "min_ms": round(min(times[lay]), 2),
            "p90_ms": round(sorted(times[lay])[int(0.9 * (len(times[lay]) - 1))], 2),
            "rtf": round(med / block_ms, 4), "token_passes": tp, "token_passes_cfg": tp_cfg,
            "speedup": round(speed, 3), "predicted_speedup": round(pred, 3),
            "measured_over_predicted": round(speed / pred, 3),
            "predicted_speedup_cfg": round(pred_cfg, 3),
            "measured_over_predicted_cfg": round(speed / pred_cfg, 3),
            # process CPU time: what the block costs, whatever else the machine runs
            "median_cpu_ms": round(med_cpu, 2), "speedup_cpu": round(base_cpu / med_cpu, 3),
        }
    if args.check_blocks > 0:
        for lay in ("enc_dec", "block_causal"):
            # enough blocks for block_causal's ring to wrap (W chunks) when asked for more
            layouts[lay]["max_abs_diff"] = offline_diff(model, lay, feed, args.check_blocks, N, args.guidance,
                                                        args.kernels)
    sweep = run_sweep(args, model, T, N) if args.sweep.strip() else None
    ed, bc = layouts["enc_dec"], layouts["block_causal"]
    report = {
        "preset": args.checkpoint or args.preset, "params": sum(p.numel() for p in model.parameters()),
        "d_model": cfg.d_model, "n_layers": cfg.n_layers, "latent_dim": cfg.latent_dim,
        "threads": args.threads, "kernels": args.kernels, "steps": N, "guidance": args.guidance, "cfg_batch": cfg_batch,
        "context_frames": C, "target_frames": T, "window_chunks": cfg.window,
        "bpm": args.bpm, "block_duration_ms": block_ms, "blocks": args.blocks, "warmup": args.warmup,
        "layouts": layouts,
        "targets": {
            "block_causal_speedup_ge_5": bc["speedup"] >= 5.0,
            "enc_dec_speedup_ge_3": ed["speedup"] >= 3.0,
            "measured_over_predicted_ge_0.7": min(ed["measured_over_predicted"], bc["measured_over_predicted"]) >= 0.7,
            "rtf_le_0.1": max(ed["rtf"], bc["rtf"]) <= 0.1,
            "max_abs_diff_le_1e-4": all(layouts[x].get("max_abs_diff", 0.0) <= 1e-4 for x in ("enc_dec", "block_causal")),
        },
        "sweep": sweep,
        "machine": {"cpus": os.cpu_count(), "torch": torch.__version__,
                    "load_avg": [round(x, 2) for x in os.getloadavg()]},
    }
    if args.plot and sweep:
        plot_sweep(sweep, args.plot, report)
        report["plot"] = args.plot
    if args.masks_plot:
        plot_masks(args.masks_plot)
        report["masks_plot"] = args.masks_plot
    return report


def run_sweep(args, model, T: int, N: int) -> dict:
    bars = [int(b) for b in args.sweep.split(",") if b.strip()]
    fpb, bpb = args.frames_per_beat, args.beats_per_bar
    state = model.state_dict()
    out = {"context_bars": bars, "context_frames": [], **{lay: [] for lay in LAYOUTS}}
    for nb in bars:
        C = nb * bpb * fpb
        m = build(args.preset, C, T, args.seed, state, checkpoint=args.checkpoint)
        times, _ = time_layouts(m, Feed(m.cfg, args.seed), args.sweep_blocks, 1, N, args.guidance, args.kernels)
        out["context_frames"].append(C)
        for lay in LAYOUTS:
            out[lay].append(round(statistics.median(times[lay]), 2))
    return out


def plot_sweep(sweep: dict, path: str, report: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=120)
    x = sweep["context_bars"]
    T, N, cb = report["target_frames"], report["steps"], report["cfg_batch"]
    # token-pass prediction, scaled so that bidirectional matches at the shortest context
    C0 = sweep["context_frames"][0]
    scale = sweep["bidirectional"][0] / token_passes("bidirectional", C0, T, N, cb)
    for lay, style, colour in zip(LAYOUTS, ("o-", "s-", "^-"), ("C0", "C1", "C2")):
        ax.plot(x, sweep[lay], style, color=colour, label=lay)
        pred = [scale * token_passes(lay, C, T, N, cb) for C in sweep["context_frames"]]
        ax.plot(x, pred, ":", color=colour, lw=1)
    ax.plot([], [], "k:", lw=1, label="token-pass prediction")
    ax.axhline(0.1 * report["block_duration_ms"], color="grey", ls="--", lw=1,
               label=f"RTF 0.1 ({0.1 * report['block_duration_ms']:.0f} ms)")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xticks(x, [str(b) for b in x])
    ax.set_xlabel("context (bars, 16 frames each)")
    ax.set_ylabel("ms per 1-bar block")
    ax.set_title(f"LMDM core, {report['preset']} preset, {report['steps']} steps, "
                 f"CFG batch {report['cfg_batch']}, {report['threads']} thread(s)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


def plot_masks(path: str, C: int = 12, T: int = 4, W: int = 3) -> None:
    """The three layouts' masks on a small window (rows: queries, columns: keys)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from model.transformer import attention_mask

    L = C + T + 1
    # colour by what a query sees: context (blue), target (orange), global token (green)
    kind = np.array([0] * C + [1] * T + [2])
    palette = np.array([[0.25, 0.45, 0.80], [0.95, 0.55, 0.15], [0.20, 0.65, 0.30]])
    fig, axes = plt.subplots(1, 3, figsize=(11, 4), dpi=120)
    for ax, lay in zip(axes, LAYOUTS):
        m = attention_mask(lay, C, T, W)
        m = np.ones((L, L), bool) if m is None else m.numpy()
        img = np.ones((L, L, 3))
        img[m] = palette[np.broadcast_to(kind[None, :], (L, L))[m]]
        ax.imshow(img, interpolation="nearest")
        for edge in (C - 0.5, C + T - 0.5):
            ax.axhline(edge, color="k", lw=0.8)
            ax.axvline(edge, color="k", lw=0.8)
        if lay == "block_causal":
            for c in range(T, C, T):
                ax.axhline(c - 0.5, color="grey", lw=0.4)
                ax.axvline(c - 0.5, color="grey", lw=0.4)
        ax.set_xticks([C / 2 - 0.5, C + T / 2 - 0.5, L - 1], ["context", "target", "g"])
        ax.set_yticks([C / 2 - 0.5, C + T / 2 - 0.5, L - 1], ["context", "target", "g"])
        ax.set_title(lay + (f" (T={T}, W={W})" if lay == "block_causal" else ""))
        ax.set_xlabel("keys")
    axes[0].set_ylabel("queries")
    fig.suptitle(f"Attention masks, C={C} context + T={T} target frames + global token g "
                 "(coloured = may attend)")
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


def print_table(r: dict) -> None:
    print(f"LMDM core bench: preset {r['preset']} ({r['params'] / 1e6:.2f}M params), C={r['context_frames']} "
          f"T={r['target_frames']} steps={r['steps']} CFG batch={r['cfg_batch']} threads={r['threads']} kernels={r['kernels']}")
    print(f"{'layout':14} {'median ms':>10} {'RTF':>7} {'speedup':>8} {'predicted':>9} {'ratio':>6} "
          f"{'cpu ms':>8} {'cpu spd':>8} {'max|diff|':>10}")
    for lay, d in r["layouts"].items():
        diff = d.get("max_abs_diff")
        print(f"{lay:14} {d['median_ms']:10.1f} {d['rtf']:7.3f} {d['speedup']:8.2f} {d['predicted_speedup']:9.2f} "
              f"{d['measured_over_predicted']:6.2f} {d['median_cpu_ms']:8.1f} {d['speedup_cpu']:8.2f} "
              f"{'' if diff is None else f'{diff:10.2e}'}")
    if r["sweep"]:
        s = r["sweep"]
        print("sweep (ms per block): bars " + " ".join(f"{b:>8}" for b in s["context_bars"]))
        for lay in LAYOUTS:
            print(f"  {lay:18} " + " ".join(f"{v:8.1f}" for v in s[lay]))
    print("targets: " + ", ".join(f"{k}={'ok' if v else 'MISSED'}" for k, v in r["targets"].items()))


def main(args) -> int:
    return emit(run(args), args.json, print_table)
