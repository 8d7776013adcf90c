"""Checkpoints: weights as safetensors, config and metadata as YAML.  Never pickle.

    save_checkpoint("model/checkpoints/embedded", model, meta={"stems": [...], "steps": 1000})
    model, meta = load_checkpoint("model/checkpoints/embedded")   # eval mode, on the CPU

A checkpoint is a folder with two files: `model.safetensors` (the state dict, float32)
and `config.yaml` ({format, version, config: LMDMConfig fields, meta: anything YAML}).
Loading validates the config (unknown keys are errors that name the key) and requires
the weights to match the model built from it exactly.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from model.config import LMDMConfig

WEIGHTS = "model.safetensors"
CONFIG = "config.yaml"
FORMAT = "lmdm-core"
VERSION = 1


def save_checkpoint(directory, model, meta: dict | None = None) -> Path:
    """Write model.safetensors + config.yaml into directory (created if needed)."""
    from safetensors.torch import save_file

    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().to("cpu").contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(folder / WEIGHTS), metadata={"format": FORMAT, "version": str(VERSION)})
    doc = {"format": FORMAT, "version": VERSION, "config": model.cfg.to_dict(), "meta": meta or {}}
    (folder / CONFIG).write_text(yaml.safe_dump(doc, sort_keys=False))
    return folder


def load_config(directory) -> tuple[LMDMConfig, dict]:
    path = Path(directory) / CONFIG
    doc = yaml.safe_load(path.read_text())
    if not isinstance(doc, dict):
        raise ValueError(f"{path}: not a mapping")
    for key in doc:
        if key not in ("format", "version", "config", "meta"):
            raise ValueError(f"{path}: unknown key {key!r}")
    if doc.get("format") != FORMAT or doc.get("version") != VERSION:
        raise ValueError(f"{path}: expected format {FORMAT} version {VERSION}, "
                         f"got {doc.get('format')} {doc.get('version')}")
    return LMDMConfig.from_dict(doc.get("config") or {}), dict(doc.get("meta") or {})


def load_checkpoint(directory):
    """-> (LMDMTransformer in eval mode, meta dict).  Weights must match the config."""
    from safetensors.torch import load_file

    from model.transformer import LMDMTransformer

    cfg, meta = load_config(directory)
    model = LMDMTransformer(cfg)
    state = load_file(str(Path(directory) / WEIGHTS), device="cpu")
    model.load_state_dict(state, strict=True)
    return model.eval(), meta
