"""Phrase position as extra controls: the encoding, and widening a density-only model's
control projection so fine-tuning starts from the same outputs."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from model.codec import PHRASE_DIM, phrase_controls, uses_phrase
from model.config import LMDMConfig
from model.train_cli import widen_controls
from model.transformer import LMDMTransformer


def test_phrase_controls_one_hot_in_four_and_half_of_eight():
    ph = phrase_controls(np.arange(10))
    assert ph.shape == (10, PHRASE_DIM) and ph.dtype == np.float32
    assert ph[:, :4].argmax(axis=1).tolist() == [0, 1, 2, 3, 0, 1, 2, 3, 0, 1]
    assert (ph[:, :4].sum(axis=1) == 1).all()
    assert ph[:, 4].tolist() == [0, 0, 0, 0, 1, 1, 1, 1, 0, 0]
    assert np.array_equal(phrase_controls(13), ph[5])
    assert uses_phrase(1 + PHRASE_DIM) and not uses_phrase(1) and not uses_phrase(0)


@pytest.mark.parametrize("old", [0, 1])
def test_widened_controls_keep_the_outputs(old):
    torch.manual_seed(0)
    cfg = LMDMConfig.preset("tiny", n_controls=old)
    model = LMDMTransformer(cfg).eval()
    with torch.no_grad():
        for p in model.parameters():  # zero-initialised parts (null prompt, ...) made non-zero
            p.add_(0.05 * torch.randn_like(p))
    wide = widen_controls(model, old + PHRASE_DIM)
    assert wide.cfg.n_controls == old + PHRASE_DIM and not wide.training
    g = torch.Generator().manual_seed(1)
    B, C, T = 2, cfg.context_frames, cfg.target_frames
    ctx = torch.randn(B, C, cfg.latent_dim, generator=g)
    x = torch.randn(B, T, cfg.latent_dim, generator=g)
    t = torch.rand(B, generator=g)
    cond = torch.randn(B, C + T, cfg.cond_dim, generator=g)
    vis = torch.ones(B, C + T)
    prompt = torch.randn(B, cfg.prompt_dim, generator=g)
    ctl = torch.rand(B, old, generator=g)
    extra = torch.from_numpy(phrase_controls([3, 6]))
    with torch.no_grad():
        ref = model(ctx, x, t, cond=cond, cond_vis=vis, prompt=prompt, controls=ctl if old else None)
        out = wide(ctx, x, t, cond=cond, cond_vis=vis, prompt=prompt, controls=torch.cat([ctl, extra], 1))
    torch.testing.assert_close(out, ref, rtol=0, atol=1e-6)
    # the new inputs are live: once their weights move, the phrase changes the output
    with torch.no_grad():
        wide.ctrl_proj.weight[:, old:] = 0.1 * torch.randn(wide.ctrl_proj.weight.shape[0], PHRASE_DIM, generator=g)
        moved = wide(ctx, x, t, cond=cond, cond_vis=vis, prompt=prompt, controls=torch.cat([ctl, extra], 1))
    assert (moved - ref).abs().max() > 1e-3
    with pytest.raises(ValueError, match="not more"):
        widen_controls(model, old)
