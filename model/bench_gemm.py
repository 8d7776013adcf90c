"""`lmdm bench gemm`: the matrix products behind one transformer layer, per CPU kernel library.

    lmdm bench gemm --json                  # default preset, the row counts of `lmdm bench model`
    lmdm bench gemm --preset tiny --repeats 20 --json     # a quick smoke run

Most of a block's time is four weight GEMMs per layer (qkv, attention out, MLP in, MLP
out; docs/performance.md).  The stream computes them with torch.mm/addmm, which PyTorch's
CPU build hands to MKL.  This bench times the same products three ways, at the row counts
each layout feeds them (block_causal step: CFG batch x (T+1); chunk encoding: T; enc_dec
context: C; bidirectional step: CFG batch x (C+T+1)):

- `mkl`: torch.mm(x, W.t(), out=...), what model/transformer.layer_infer runs;
- `onednn`: oneDNN's linear (torch.ops.mkldnn._linear_pointwise) on the plain weight;
- `onednn_packed`: the same with the weight reordered once for that row count.

Per row count it reports microseconds per GEMM (median of --repeats batches), GFLOP/s,
the layer's four GEMMs summed, and each library's speedup over MKL; the largest
difference from MKL's result shows they compute the same product.  It answers: how far
from the CPU's speed are the kernels, and which layouts a kernel switch would help most.
"""
from __future__ import annotations

import argparse
import statistics
import time

from model.bench import common_arguments, emit

BACKENDS = ("mkl", "onednn", "onednn_packed")


def add_arguments(p: argparse.ArgumentParser) -> None:
    common_arguments(p)
    p.add_argument("--repeats", type=int, default=60, help="timed batches per point (median)")
    p.add_argument("--inner", type=int, default=20, help="products per timed batch")
    p.add_argument("--context-frames", type=int, default=128)
    p.add_argument("--target-frames", type=int, default=16)
    p.add_argument("--cfg-batch", type=int, default=2, help="rows per step = this x (T+1)")
    p.add_argument("--seed", type=int, default=0)


def cpu_flags() -> list[str]:
    """The vector-extension flags of the first CPU in /proc/cpuinfo (Linux), sorted."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return sorted(x for x in line.split(":", 1)[1].split() if x.startswith(("avx", "fma")))
    except OSError:
        pass
    return []


def layer_gemms(d: int, hidden: int) -> dict[str, tuple[int, int]]:
    """(in, out) features of one block's weight GEMMs (model/transformer.py)."""
    return {"qkv": (d, 3 * d), "attn_out": (d, d), "mlp_in": (d, hidden), "mlp_out": (hidden, d)}


def _median_us(fn, repeats: int, inner: int) -> float:
    for _ in range(max(5, inner)):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        times.append((time.perf_counter() - t0) / inner * 1e6)
    return statistics.median(times)


def run(args) -> dict:
    import torch

    from model.config import LMDMConfig
    from model.transformer import _LINEAR, onednn_available

    torch.set_num_threads(args.threads)
    cfg = LMDMConfig.preset(args.preset)
    d, hidden = cfg.d_model, int(cfg.d_model * cfg.mlp_ratio)
    C, T, B = args.context_frames, args.target_frames, args.cfg_batch
    rows = {"block_causal_step": B * (T + 1), "chunk_encoding": T, "enc_dec_context": C,
            "bidirectional_step": B * (C + T + 1)}
    onednn = onednn_available()  # the checks the stream's kernels="onednn" makes
    lin = _LINEAR
    g = torch.Generator().manual_seed(args.seed)
    weights = {name: torch.randn(o, i, generator=g) * i ** -0.5 for name, (i, o) in layer_gemms(d, hidden).items()}
    points = {}
    with torch.inference_mode():
        for label, m in rows.items():
            per = {}
            for name, w in weights.items():
                x = torch.randn(m, w.shape[1], generator=g)
                out = torch.empty(m, w.shape[0])
                wt = w.t()
                fns = {"mkl": lambda: torch.mm(x, wt, out=out)}
                if onednn:
                    packed = torch.ops.mkldnn._reorder_linear_weight(w, m)
                    fns["onednn"] = lambda: lin(x, w, None, "none", [], "")
                    fns["onednn_packed"] = lambda: lin(x, packed, None, "none", [], "")
                ref = torch.mm(x, wt)
                flops = 2.0 * m * w.shape[0] * w.shape[1]
                entry = {}
                for be, fn in fns.items():
                    us = _median_us(fn, args.repeats, args.inner)
                    diff = float((fn() - ref).abs().max()) if be != "mkl" else 0.0
                    entry[be] = {"us": round(us, 2), "gflops": round(flops / us / 1e3, 1), "max_abs_diff": diff}
                per[name] = entry
            layer = {be: round(sum(per[n][be]["us"] for n in per), 2) for be in BACKENDS if be in per["qkv"]}
            points[label] = {"rows": m, "gemms": per, "layer_us": layer,
                             "speedup_over_mkl": {be: round(layer["mkl"] / v, 3) for be, v in layer.items()}}
    best = "onednn_packed" if onednn else "mkl"
    bc, bi = points["block_causal_step"]["speedup_over_mkl"][best], points["bidirectional_step"]["speedup_over_mkl"][best]
    return {
        "preset": args.preset, "d_model": d, "hidden": hidden, "threads": args.threads,
        "context_frames": C, "target_frames": T, "cfg_batch": B,
        "repeats": args.repeats, "inner": args.inner, "points": points,
        # > 1: the kernel switch would speed bidirectional's steps more than block_causal's,
        # i.e. shrink the measured speedup of the cached layouts
        "bidirectional_gain_over_block_causal_gain": round(bi / bc, 3),
        "machine": {"torch": torch.__version__, "cpu_capability": torch.backends.cpu.get_cpu_capability(),
                    "mkl": bool(torch.backends.mkl.is_available()), "onednn": onednn, "cpu_flags": cpu_flags()},
    }


def print_table(r: dict) -> None:
    print(f"preset {r['preset']} (d={r['d_model']}, hidden={r['hidden']}), {r['threads']} thread(s), "
          f"CPU {r['machine']['cpu_capability']}")
    bes = [b for b in BACKENDS if b in r["points"]["block_causal_step"]["layer_us"]]
    print(f"{'rows':>24} " + " ".join(f"{b + ' us':>18}" for b in bes) + " " +
          " ".join(f"{b + ' x':>18}" for b in bes[1:]))
    for label, p in r["points"].items():
        print(f"{label + ' (' + str(p['rows']) + ')':>24} " + " ".join(f"{p['layer_us'][b]:18.1f}" for b in bes) + " " +
              " ".join(f"{p['speedup_over_mkl'][b]:18.2f}" for b in bes[1:]))
    print(f"bidirectional's gain / block_causal's gain: {r['bidirectional_gain_over_block_causal_gain']}")


def main(args) -> int:
    return emit(run(args), args.json, print_table)
