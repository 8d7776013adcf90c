"""Flow-matching training: dropout, visibility, prompt dropout, and that it learns."""
from __future__ import annotations

import torch

from model.config import LMDMConfig
from model.training import Batch, Trainer, context_dropout, flow_matching_loss, visibility
from model.transformer import LMDMTransformer

torch.set_num_threads(1)


def test_context_dropout_whole_and_leading():
    g = torch.Generator().manual_seed(0)
    ones = torch.ones(4000, 32)
    assert context_dropout(ones, 1.0, 0.0, g).sum() == 0
    lead = context_dropout(ones, 0.0, 1.0, g)
    first_kept = (lead == 0).sum(1)
    assert first_kept.min() >= 1 and first_kept.max() <= 31  # a leading part, never all
    assert torch.equal(lead, (torch.arange(32)[None] >= first_kept[:, None]).float())
    mixed = context_dropout(ones, 0.2, 0.3, g)
    n_all = int((mixed.sum(1) == 0).sum())
    n_lead = int(((mixed.sum(1) > 0) & (mixed.sum(1) < 32)).sum())
    assert abs(n_all / 4000 - 0.2) < 0.03 and abs(n_lead / 4000 - 0.3) < 0.03


def test_visibility_masks_features_after_visible_until():
    vis = visibility(torch.tensor([8, 3, 0, -2]), 4, 5, 8)
    assert vis.shape == (4, 13)
    assert vis[0].sum() == 13 and vis[1].sum() == 5 + 3 and vis[2].sum() == 5
    assert vis[3].tolist() == [1, 1, 1, 0, 0] + [0] * 8


def toy_batch(cfg, n: int, g: torch.Generator) -> Batch:
    """Target = the context's last frame, shifted by a per-frame feature: learnable."""
    C, T, D = cfg.context_frames, cfg.target_frames, cfg.latent_dim
    ctx = torch.randn(n, C, D, generator=g)
    cond = torch.randn(n, C + T, cfg.cond_dim, generator=g)
    tgt = ctx[:, -1:].expand(n, T, D) + cond[:, C:, :1]
    return Batch(context=ctx, target=tgt.contiguous(), cond=cond,
                 visible_until=torch.full((n,), T), prompt=torch.randn(n, cfg.prompt_dim, generator=g),
                 controls=torch.randn(n, cfg.n_controls, generator=g))


def test_training_reduces_the_loss():
    torch.manual_seed(0)
    cfg = LMDMConfig.preset("tiny", ctx_drop_all=0.0, ctx_drop_lead=0.0)
    model = LMDMTransformer(cfg)
    trainer = Trainer(model, lr=3e-3, seed=0, warmup=10)
    g = torch.Generator().manual_seed(1)
    eval_batch = toy_batch(cfg, 64, torch.Generator().manual_seed(99))

    def eval_loss():
        with torch.no_grad():
            return float(flow_matching_loss(model, eval_batch, torch.Generator().manual_seed(5),
                                            train_dropout=False))

    before = eval_loss()
    for _ in range(150):
        stats = trainer.step(toy_batch(cfg, 16, g))
    after = eval_loss()
    assert set(stats) == {"loss", "grad_norm", "lr"} and stats["lr"] > 0
    assert after < 0.6 * before, (before, after)


def test_prompt_dropout_uses_the_null_embedding():
    torch.manual_seed(0)
    cfg = LMDMConfig.preset("tiny", prompt_drop=1.0, ctx_drop_all=0.0, ctx_drop_lead=0.0)
    model = LMDMTransformer(cfg)
    with torch.no_grad():
        model.null_prompt.normal_()
    batch = toy_batch(cfg, 4, torch.Generator().manual_seed(0))
    dropped = flow_matching_loss(model, batch, torch.Generator().manual_seed(3))
    batch.prompt = None  # None means the null embedding
    null = flow_matching_loss(model, batch, torch.Generator().manual_seed(3))
    assert torch.equal(dropped, null)
    batch2 = toy_batch(cfg, 4, torch.Generator().manual_seed(0))
    kept = flow_matching_loss(model, batch2, torch.Generator().manual_seed(3), train_dropout=False)
    assert not torch.equal(kept, null)


def test_loss_trains_every_layout_and_reaches_the_context():
    torch.manual_seed(0)
    cfg = LMDMConfig.preset("tiny")
    model = LMDMTransformer(cfg)
    batch = toy_batch(cfg, 2, torch.Generator().manual_seed(0))
    for layout in ("bidirectional", "enc_dec", "block_causal"):
        model.zero_grad()
        loss = flow_matching_loss(model, batch, torch.Generator().manual_seed(0), layout=layout,
                                  train_dropout=False)
        loss.backward()
        assert torch.isfinite(loss)
        assert model.ctx_in.weight.grad.abs().sum() > 0  # the context path gets gradient
        assert model.tgt_in.weight.grad.abs().sum() > 0
