"""`lmdm train`: flow matching of the embedded note-roll model on the cached dataset.

    lmdm data build                       # once: data/cache/default
    lmdm train --run runs/embedded        # resumes from runs/embedded/state if present
    lmdm train --run runs/embedded --export model/checkpoints/default

Runs on the CPU with --threads (default 1: the machine is shared). Every --save-every-s
seconds it writes a resumable state (weights + optimizer, safetensors only), the loss log
(JSON) and a loss-curve PNG; --export writes the shipped checkpoint (the core's weights and
config YAML, whose meta holds the codec layout and density quantiles, plus the
prompt-embedding table). A resumed run keeps the model config it began with.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

ARCH = dict(d_model=160, n_layers=4, n_heads=5, mlp_ratio=3.0)  # sized for RTF <= 0.1 on 2 cores


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", default="data/cache/default", help="folder written by `lmdm data build`")
    p.add_argument("--extra-data", default="",
                   help="more `lmdm data build` folders (comma-separated) whose pieces all train; "
                        "--data's held-out pieces stay the only ones held out")
    p.add_argument("--run", default="runs/embedded", help="run folder: state, log, plots")
    p.add_argument("--preset", default="default", help="core preset (tiny for tests)")
    p.add_argument("--d-model", type=int, default=ARCH["d_model"])
    p.add_argument("--layers", type=int, default=ARCH["n_layers"])
    p.add_argument("--heads", type=int, default=ARCH["n_heads"])
    p.add_argument("--steps", type=int, default=6000, help="total optimizer steps")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--warmup", type=int, default=200)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--save-every-s", type=float, default=180.0)
    p.add_argument("--time-limit-min", type=float, default=0.0, help="stop (and save) after this long; 0 = none")
    p.add_argument("--init-from", default=None,
                   help="start a new run from an exported checkpoint's weights (its model config wins)")
    p.add_argument("--ctx-drop-all", type=float, default=None,
                   help="share of windows trained with no past notes at all, only the input's features "
                        "(default: the model config's, 0.2); for a new run only")
    p.add_argument("--no-transpose", dest="transpose", action="store_false",
                   help="keep every window in its piece's key (default: a random -5..+6 semitones per window)")
    p.add_argument("--corrupt", type=float, default=0.5,
                   help="share of windows whose pitched context stems are damaged (dropped/"
                        "transposed/thinned) so the model leans on the live input")
    p.add_argument("--rollouts", default="",
                   help="a `lmdm data rollouts` file of --data: in --rollout-share of the windows of its "
                        "pieces the context is what the model played there (the target stays the truth)")
    p.add_argument("--rollout-share", type=float, default=0.5)
    p.add_argument("--visibility", default=None,
                   help="shares of the input-visibility modes, e.g. accompany=0.7,delay=0.2,partial=0.05,free=0.05 "
                        "(default: model/data/dataset.py VISIBILITY; give it again when resuming)")
    p.add_argument("--phrase", action="store_true",
                   help="a new run's controls also say where the bar sits in its phrase (model/codec.py "
                        "phrase_controls); with --init-from a density-only checkpoint, its control "
                        "projection gets zero weights for the new inputs, so training starts from its outputs")
    p.add_argument("--export", default=None, help="also write the shipped checkpoint here")
    p.add_argument("--plot", default="", help="also write the loss-curve PNG here (it is always written "
                                                "to RUN/loss.png; default: nowhere else)")
    p.add_argument("--no-progress", action="store_true")


def model_config(data, args):
    from model.codec import PHRASE_DIM
    from model.config import LMDMConfig
    from model.features import FEATURE_DIM
    kw = dict(latent_dim=data.layout.channels, cond_dim=FEATURE_DIM,
              prompt_dim=data.prompt_embedding.shape[1],
              n_controls=1 + (PHRASE_DIM if getattr(args, "phrase", False) else 0))
    if args.preset == "tiny":
        return LMDMConfig.preset("tiny", **kw)
    return LMDMConfig.preset(args.preset, d_model=args.d_model, n_layers=args.layers,
                             n_heads=args.heads, **kw)


def main(args: argparse.Namespace) -> int:
    import torch
    torch.set_num_threads(max(1, args.threads))
    result = train(args)
    print(json.dumps(result))
    return 0


def train(args) -> dict:
    import torch
    from tqdm import tqdm

    from model.codec import PHRASE_DIM, uses_phrase
    from model.data.dataset import CachedData, Windows
    from model.training import Trainer
    from model.transformer import LMDMTransformer

    run = Path(args.run)
    run.mkdir(parents=True, exist_ok=True)
    data = CachedData(args.data)
    for folder in filter(None, (x.strip() for x in getattr(args, "extra_data", "").split(","))):
        added = data.merge(CachedData(folder))
        print(f"lmdm train: {added} training pieces added from {folder}", flush=True)
    cfg = model_config(data, args)
    init = None
    if (run / "state.safetensors").exists():  # a resumed run keeps the config it began with
        cfg = saved_config(run)
    elif args.init_from:
        from model.checkpoint import load_checkpoint
        init, _ = load_checkpoint(args.init_from)
        cfg = init.cfg
        if getattr(args, "phrase", False) and not uses_phrase(cfg.n_controls):
            init = widen_controls(init, 1 + PHRASE_DIM)
            cfg = init.cfg
    if args.ctx_drop_all is not None and not (run / "state.safetensors").exists():
        from dataclasses import replace
        cfg = replace(cfg, ctx_drop_all=float(args.ctx_drop_all))
    phrase = uses_phrase(cfg.n_controls)
    rollouts = None
    if getattr(args, "rollouts", ""):
        from model.data.rollouts import load_rollouts
        rollouts = load_rollouts(args.rollouts, len(data.roll), len(data.pieces.name))
        print(f"lmdm train: rollouts of {int(rollouts[1].sum())} pieces from {args.rollouts}", flush=True)
    train_set = Windows(data, held_out=False, context=cfg.context_frames, target=cfg.target_frames,
                        corrupt=args.corrupt, transpose=args.transpose,
                        visibility=getattr(args, "visibility", None), phrase=phrase,
                        rollouts=rollouts, rollout_share=getattr(args, "rollout_share", 0.0))
    val_set = Windows(data, held_out=True, context=cfg.context_frames, target=cfg.target_frames,
                      density_quantiles=train_set.density_quantiles, phrase=phrase, phrase_drop=0.0)
    torch.manual_seed(args.seed)
    model = LMDMTransformer(cfg)
    trainer = Trainer(model, lr=args.lr, seed=args.seed, warmup=args.warmup, total_steps=args.steps)
    step, log = 0, []
    if init is not None:
        model.load_state_dict(init.state_dict())
        print(f"new run {run} from the weights of {args.init_from}")
    if (run / "state.safetensors").exists():
        step, log = load_state(run, model, trainer, cfg)
        trainer.steps = step  # the trainer's warmup/cosine schedule continues where it was
        print(f"resumed {run} at step {step}")
    n_params = sum(p.numel() for p in model.parameters())
    bar = tqdm(total=args.steps, initial=step, desc="train", unit="step", disable=args.no_progress)
    stop, restore = _stop_flag()
    print(f"training from step {step} to {args.steps}", flush=True)
    try:
        step = _loop(args, run, model, trainer, cfg, data, train_set, val_set, step, log, bar, stop)
    finally:
        restore()
    bar.close()
    return {"step": step, "params": n_params, "loss": log[-1]["loss"] if log else None,
            "val_loss": next((e["val_loss"] for e in reversed(log) if "val_loss" in e), None),
            "time_s": log[-1]["time_s"] if log else 0.0}


def _loop(args, run, model, trainer, cfg, data, train_set, val_set, step, log, bar, stop) -> int:
    """Optimizer steps until args.steps, a time limit or a signal; saves (and exports)
    every save_every_s and at the end. Returns the step reached."""
    from model.training import Batch
    spent = log[-1]["time_s"] if log else 0.0
    t_start, t_saved = time.time(), time.time()
    losses = []
    model.train()
    while step < args.steps and not stop:
        rng = np.random.default_rng([args.seed, step])  # batch b is the same after a resume
        b = train_set.sample(rng, args.batch)
        stats = trainer.step(Batch(**b))
        losses.append(stats["loss"])
        step += 1
        bar.update(1)
        if step % 25 == 0 or step == args.steps:
            elapsed = spent + time.time() - t_start
            entry = {"step": step, "loss": float(np.mean(losses)), "lr": stats["lr"],
                     "time_s": round(elapsed, 1)}
            losses = []
            if step % 250 == 0 or step == args.steps:
                entry["val_loss"] = validation_loss(model, val_set, args.seed)
                model.train()
            log.append(entry)
            bar.set_postfix(loss=f"{entry['loss']:.4f}", **({"val": f"{entry['val_loss']:.4f}"} if "val_loss" in entry else {}))
        limit = bool(args.time_limit_min and (time.time() - t_start) > args.time_limit_min * 60) or bool(stop)
        if time.time() - t_saved > args.save_every_s or step == args.steps or limit:
            save_state(run, model, trainer, cfg, step, log)
            plot_losses(log, run / "loss.png", args.plot)
            if args.export:
                export(args.export, model, cfg, data, train_set, step, log, inherit_from=args.init_from)
            t_saved = time.time()
        if limit:
            break
    return step


def _stop_flag() -> tuple[list, object]:
    """(flag, restore): the list becomes non-empty on SIGTERM/SIGINT, and the loop then
    saves and stops, so killing a background run loses nothing since its last step;
    restore() puts the previous handlers back."""
    import signal
    flag: list = []
    previous = {}

    def handler(signum, frame):
        if flag:  # a second signal: stop now
            raise KeyboardInterrupt
        flag.append(signum)
        print(f"\nsignal {signum}: saving and stopping after this step")

    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            previous[sig] = signal.signal(sig, handler)
        except ValueError:  # not the main thread (e.g. called from a test's worker)
            pass

    def restore() -> None:
        for sig, h in previous.items():
            signal.signal(sig, h)
    return flag, restore


def trainer_optimizer(trainer):
    import torch
    for name in ("optimizer", "opt", "optim"):
        o = getattr(trainer, name, None)
        if isinstance(o, torch.optim.Optimizer):
            return o
    for o in vars(trainer).values():
        if isinstance(o, torch.optim.Optimizer):
            return o
    raise AttributeError("Trainer has no torch optimizer attribute")


def validation_loss(model, val_set, seed: int, batches: int = 4, batch: int = 32) -> float:
    """Flow-matching loss on held-out windows, fixed noise and windows, no dropout."""
    import torch
    from model.training import Batch, flow_matching_loss
    if len(val_set) == 0:
        return float("nan")
    model.eval()
    g = torch.Generator().manual_seed(seed + 1)
    out = []
    with torch.no_grad():
        for i in range(batches):
            b = val_set.sample(np.random.default_rng([seed, 99, i]), batch)
            out.append(float(flow_matching_loss(model, Batch(**b), generator=g, train_dropout=False)))
    return float(np.mean(out))


def widen_controls(model, n_controls: int):
    """A copy of `model` with n_controls scalar controls (more than it has): the old
    controls keep their weights, the new ones start at zero, so the outputs are unchanged
    until training moves them."""
    import torch
    from dataclasses import replace

    from model.transformer import LMDMTransformer
    old = model.cfg.n_controls
    if n_controls <= old:
        raise ValueError(f"widen_controls: {n_controls} controls is not more than {old}")
    state = dict(model.state_dict())
    w = torch.zeros(model.cfg.d_model, n_controls)
    if old:
        w[:, :old] = state["ctrl_proj.weight"]
    state["ctrl_proj.weight"] = w
    state.setdefault("ctrl_proj.bias", torch.zeros(model.cfg.d_model))  # none before: no controls
    wide = LMDMTransformer(replace(model.cfg, n_controls=n_controls))
    wide.load_state_dict(state)
    return wide.eval()


def plot_losses(log: list[dict], *paths) -> None:
    if not log:
        return
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.plot([e["step"] for e in log], [e["loss"] for e in log], label="train (mean of 25 steps)")
    v = [e for e in log if "val_loss" in e]
    if v:
        ax.plot([e["step"] for e in v], [e["val_loss"] for e in v], "o-", label="held-out")
    ax.set_xlabel("step")
    ax.set_ylabel("flow-matching loss")
    ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title(f"embedded model training ({log[-1]['time_s'] / 60:.0f} min on CPU)")
    fig.tight_layout()
    for p in paths:
        if p:
            Path(p).parent.mkdir(parents=True, exist_ok=True)
            fig.savefig(p, dpi=90)
    plt.close(fig)


def export(folder, model, cfg, data, train_set, step: int, log: list[dict], inherit_from=None) -> None:
    """The shipped checkpoint: core weights + config, and the embedded model's own YAML.
    inherit_from: the checkpoint a run started from (--init-from); its tuned inference
    settings (decode, sampling) go with the new weights until `lmdm eval --tune-stream`
    re-tunes them, so the export plays and evaluates as the model it came from did."""
    from model.embedded import write_checkpoint as write_embedded_checkpoint
    inference = None
    if inherit_from:
        from model.checkpoint import load_config
        inference = load_config(inherit_from)[1]
    from model.data.dataset import style_density
    write_embedded_checkpoint(Path(folder), model, cfg, layout=data.layout, inference=inference,
                              density_quantiles=train_set.density_quantiles,
                              style_density=style_density(data, train_set.density_quantiles, cfg.target_frames),
                              prompt_texts=data.prompt_text.tolist(),
                              prompt_styles=data.prompt_style.tolist(),
                              prompt_embeddings=data.prompt_embedding,
                              training={"steps": step, "time_s": log[-1]["time_s"] if log else 0,
                                        "loss": log[-1]["loss"] if log else None,
                                        "styles": data.styles})


# ---------------------------------------------------------------------------- resumable state

def save_state(run: Path, model, trainer, cfg, step: int, log: list[dict]) -> None:
    """Weights + AdamW moments in one safetensors file (no pickle); the rest as JSON.

    Written to a temporary name and renamed, so a kill mid-write keeps the last state."""
    import torch
    from safetensors.torch import save_file
    opt = trainer_optimizer(trainer)
    sd = opt.state_dict()
    tensors = {f"model.{k}": v.detach().contiguous() for k, v in model.state_dict().items()}
    for idx, st in sd["state"].items():
        for name, v in st.items():
            t = v if torch.is_tensor(v) else torch.tensor(float(v))
            tensors[f"opt.{idx}.{name}"] = t.detach().contiguous()
    gen = getattr(trainer, "generator", None)
    if isinstance(gen, torch.Generator):
        tensors["trainer.generator"] = gen.get_state()
    meta = {"step": step, "config": cfg.to_dict(), "param_groups": sd["param_groups"]}
    tmp = run / "state.safetensors.tmp"
    save_file(tensors, str(tmp), metadata={"meta": json.dumps(meta)})
    tmp.replace(run / "state.safetensors")
    (run / "log.json.tmp").write_text(json.dumps(log))
    (run / "log.json.tmp").replace(run / "log.json")


def saved_config(run: Path):
    from safetensors import safe_open

    from model.config import LMDMConfig
    with safe_open(str(run / "state.safetensors"), "pt") as f:
        return LMDMConfig.from_dict(json.loads(f.metadata()["meta"])["config"])


def load_state(run: Path, model, trainer, cfg) -> tuple[int, list[dict]]:
    import torch
    from safetensors import safe_open
    from safetensors.torch import load_file
    path = run / "state.safetensors"
    with safe_open(str(path), "pt") as f:
        meta = json.loads(f.metadata()["meta"])
    from model.config import LMDMConfig
    # compare through the dataclass so fields added later with defaults still match
    if LMDMConfig.from_dict(meta["config"]).to_dict() != cfg.to_dict():
        raise ValueError(f"{path}: saved with a different model config; use a new --run folder")
    tensors = load_file(str(path))
    model.load_state_dict({k[6:]: v for k, v in tensors.items() if k.startswith("model.")})
    state: dict[int, dict] = {}
    for k, v in tensors.items():
        if k.startswith("opt."):
            _, idx, name = k.split(".", 2)
            state.setdefault(int(idx), {})[name] = v
    trainer_optimizer(trainer).load_state_dict({"state": state, "param_groups": meta["param_groups"]})
    gen = getattr(trainer, "generator", None)
    if "trainer.generator" in tensors and isinstance(gen, torch.Generator):
        gen.set_state(tensors["trainer.generator"])
    log = json.loads((run / "log.json").read_text()) if (run / "log.json").exists() else []
    return int(meta["step"]), log
