"""Flow-matching training of the LMDM core: loss on target frames, context dropout, a step.

Usage (what the embedded-model trainer does):

    from model.config import LMDMConfig
    from model.transformer import LMDMTransformer
    from model.training import Batch, Trainer

    cfg = LMDMConfig.preset("default", latent_dim=200, cond_dim=26, prompt_dim=384)
    model = LMDMTransformer(cfg)
    trainer = Trainer(model, lr=3e-4, seed=0)    # AdamW, grad clipping, seeded noise
    for batch in loader:
        stats = trainer.step(Batch(
            context=ctx,          # (B, C, latent_dim) clean context latents
            target=tgt,           # (B, T, latent_dim) clean target latents (x0)
            cond=feat,            # (B, C+T, cond_dim) per-frame features, or None
            visible_until=vis,    # (B,) int64 frames of the target whose features are
                                  # visible (T delay, 0 free, negative hides context tail)
            prompt=emb,           # (B, prompt_dim) or None (-> null embedding)
            controls=ctl,         # (B, n_controls) or None (-> zeros)
            context_mask=cm))     # (B, C) 1 = real context frame, 0 = none; None = all real
        # stats: {"loss": float, "grad_norm": float, "lr": float}

Rectified flow: x_t = (1 - t) x0 + t eps, the network predicts v = eps - x0 on the
target frames only; context dropout (whole context with p=ctx_drop_all, a random leading
part with p=ctx_drop_lead) and prompt dropout (p=prompt_drop, for CFG) follow the paper.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F


@dataclass
class Batch:
    context: torch.Tensor  # (B, C, latent_dim)
    target: torch.Tensor  # (B, T, latent_dim)
    cond: torch.Tensor | None = None  # (B, C+T, cond_dim)
    visible_until: torch.Tensor | None = None  # (B,) int64; None = all visible
    prompt: torch.Tensor | None = None  # (B, prompt_dim)
    controls: torch.Tensor | None = None  # (B, n_controls)
    context_mask: torch.Tensor | None = None  # (B, C) float/bool


def sample_t(batch: int, cfg, generator: torch.Generator | None = None) -> torch.Tensor:
    """Training times t (B,): half uniform in logSNR over the sampler's range (the
    points the sampler visits), half uniform in t (so no region of [0, 1] is unseen)."""
    u = torch.rand(batch, generator=generator)
    lam = cfg.logsnr_min + (cfg.logsnr_max - cfg.logsnr_min) * u
    t_logsnr = torch.sigmoid(-lam)
    t_unif = torch.rand(batch, generator=generator)
    pick = torch.rand(batch, generator=generator) < 0.5
    return torch.where(pick, t_logsnr, t_unif).clamp(1e-4, 1.0)


def context_dropout(mask: torch.Tensor, p_all: float, p_lead: float,
                    generator: torch.Generator | None = None) -> torch.Tensor:
    """mask (B, C) -> mask with the whole context dropped (p_all) or a random leading
    part of it (p_lead), so the model copes with a short or missing context (the
    start of a stream, a context drop after a prompt flip)."""
    B, C = mask.shape
    u = torch.rand(B, generator=generator)
    cut = torch.randint(1, C, (B,), generator=generator) if C > 1 else torch.ones(B, dtype=torch.long)
    cut = torch.where(u < p_all, torch.full_like(cut, C), torch.where(u < p_all + p_lead, cut, 0))
    keep = torch.arange(C)[None, :] >= cut[:, None]  # (B, C)
    return mask * keep.to(mask.dtype)


def visibility(visible_until: torch.Tensor | None, B: int, C: int, T: int) -> torch.Tensor:
    """(B,) frames of the target whose features are visible -> (B, C+T) 0/1, frames
    before C + v visible (v < 0 also hides the newest -v context frames)."""
    if visible_until is None:
        return torch.ones(B, C + T)
    return (torch.arange(C + T)[None, :] < (C + visible_until.long())[:, None]).float()


def flow_matching_loss(model, batch: Batch, generator: torch.Generator | None = None,
                       layout: str | None = None, train_dropout: bool = True) -> torch.Tensor:
    """Mean squared velocity error over the target frames (a scalar tensor)."""
    cfg = model.cfg
    x0, ctx = batch.target, batch.context
    B, C, _ = ctx.shape
    T = x0.shape[1]
    mask = torch.ones(B, C) if batch.context_mask is None else batch.context_mask.float()
    prompt = batch.prompt
    if train_dropout:
        mask = context_dropout(mask, cfg.ctx_drop_all, cfg.ctx_drop_lead, generator)
        # drawn even without a prompt, so the noise that follows does not depend on it
        drop = torch.rand(B, generator=generator) < cfg.prompt_drop
        if prompt is not None and cfg.prompt_dim:
            prompt = torch.where(drop[:, None], model.null_prompt.expand(B, -1), prompt)
    t = sample_t(B, cfg, generator)
    eps = torch.randn(x0.shape, generator=generator)
    tt = t[:, None, None]
    x_t = (1.0 - tt) * x0 + tt * eps
    v = model(ctx, x_t, t, context_mask=mask, cond=batch.cond,
              cond_vis=visibility(batch.visible_until, B, C, T), prompt=prompt,
              controls=batch.controls, layout=layout)
    return F.mse_loss(v, eps - x0)


class Trainer:
    """AdamW with linear warmup then cosine decay, gradient clipping, seeded noise."""

    def __init__(self, model, lr: float = 3e-4, weight_decay: float = 0.01,
                 grad_clip: float = 1.0, seed: int = 0, layout: str | None = None,
                 warmup: int = 100, total_steps: int | None = None) -> None:
        self.model, self.layout = model, layout
        self.lr, self.grad_clip = lr, grad_clip
        self.warmup, self.total = warmup, total_steps
        decay = [p for n, p in model.named_parameters() if p.ndim >= 2]
        other = [p for n, p in model.named_parameters() if p.ndim < 2]
        self.optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay},
                                      {"params": other, "weight_decay": 0.0}],
                                     lr=lr, betas=(0.9, 0.99))
        self.generator = torch.Generator().manual_seed(seed)
        self.steps = 0

    def lr_at(self, step: int) -> float:
        if step < self.warmup:
            return self.lr * (step + 1) / self.warmup
        if not self.total:
            return self.lr
        frac = min(1.0, (step - self.warmup) / max(1, self.total - self.warmup))
        return self.lr * (0.1 + 0.9 * 0.5 * (1.0 + math.cos(math.pi * frac)))

    def step(self, batch: Batch) -> dict:
        """One optimiser step; returns {"loss", "grad_norm", "lr"} as floats."""
        self.model.train()
        lr = self.lr_at(self.steps)
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        loss = flow_matching_loss(self.model, batch, self.generator, self.layout)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.grad_clip)
        self.optimizer.step()
        self.steps += 1
        return {"loss": float(loss.detach()), "grad_norm": float(norm), "lr": lr}
