"""Checkpoints: safetensors + YAML round trip, strict loading, no pickle."""
from __future__ import annotations

import json
import struct

import pytest
import torch
import yaml

from model.checkpoint import load_checkpoint, load_config, save_checkpoint
from model.config import LMDMConfig
from model.transformer import LMDMTransformer


def test_round_trip_gives_the_same_model(tmp_path):
    torch.manual_seed(0)
    model = LMDMTransformer(LMDMConfig.preset("tiny", layout="block_causal"))
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p))
    folder = save_checkpoint(tmp_path / "ck", model, meta={"stems": ["bass", "keys"], "steps": 12})
    assert sorted(p.name for p in folder.iterdir()) == ["config.yaml", "model.safetensors"]
    raw = (folder / "model.safetensors").read_bytes()
    header = json.loads(raw[8:8 + struct.unpack("<Q", raw[:8])[0]])  # safetensors, not pickle
    assert header["__metadata__"]["format"] == "lmdm-core"
    doc = yaml.safe_load((folder / "config.yaml").read_text())
    assert doc["config"]["layout"] == "block_causal" and doc["meta"]["steps"] == 12
    loaded, meta = load_checkpoint(folder)
    assert meta == {"stems": ["bass", "keys"], "steps": 12}
    assert loaded.cfg == model.cfg and not loaded.training
    for (k1, v1), (k2, v2) in zip(model.state_dict().items(), loaded.state_dict().items()):
        assert k1 == k2 and torch.equal(v1, v2)
    ctx, x, t = torch.randn(1, 32, 8), torch.randn(1, 8, 8), torch.tensor([0.5])
    with torch.no_grad():
        assert torch.equal(model(ctx, x, t), loaded(ctx, x, t))


def test_bad_checkpoints_are_rejected(tmp_path):
    model = LMDMTransformer(LMDMConfig.preset("tiny"))
    folder = save_checkpoint(tmp_path / "ck", model)
    doc = yaml.safe_load((folder / "config.yaml").read_text())
    doc["config"]["d_modle"] = 3
    (folder / "config.yaml").write_text(yaml.safe_dump(doc))
    with pytest.raises(ValueError, match="d_modle"):
        load_config(folder)
    # weights that do not match the config
    other = save_checkpoint(tmp_path / "other", LMDMTransformer(LMDMConfig.preset("tiny", d_model=48, n_heads=2)))
    doc = yaml.safe_load((other / "config.yaml").read_text())
    doc["config"]["d_model"] = 32
    (other / "config.yaml").write_text(yaml.safe_dump(doc))
    with pytest.raises(RuntimeError):
        load_checkpoint(other)


def test_config_validation_names_the_problem():
    with pytest.raises(ValueError, match="layout"):
        LMDMConfig.preset("tiny", layout="causal")
    with pytest.raises(ValueError, match="unknown preset"):
        LMDMConfig.preset("huge")
    with pytest.raises(ValueError, match="multiple"):
        LMDMConfig.preset("tiny", layout="block_causal", context_frames=30)
    cfg = LMDMConfig.preset("default")
    assert cfg.window == 9 and cfg.keep_on_flip == 8 and cfg.head_dim == 32
    assert LMDMConfig.from_dict(cfg.to_dict()) == cfg


def test_configs_from_before_the_activation_field_load_as_trained():
    """A checkpoint config without `activation` was trained with tanh-GELU."""
    data = LMDMConfig.preset("tiny").to_dict()
    del data["activation"]
    assert LMDMConfig.from_dict(data).activation == "gelu_tanh"
    assert LMDMConfig.preset("default").activation == "silu"
    with pytest.raises(ValueError, match="activation"):
        LMDMConfig.preset("tiny", activation="relu6")
