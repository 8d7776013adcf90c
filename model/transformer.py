"""The LMDM diffusion transformer: routing, RoPE, QK-norm, masks, and the cached step paths.

A window is [C context frames | T target frames | 1 global token]:

- Context frames enter through their own projection of [mask, clean latent, features,
  feature-visibility]; the noisy stream is absent (zero) there.  Target frames enter
  through a projection of the noisy latent plus a per-block static part (features
  zeroed beyond the visible frame, a visibility flag).  So a context token never
  depends on the noise or the timestep: that is what makes caching exact.
- The global token carries timestep + prompt + controls (as in the paper); with
  `cond_to_targets` a linear map of it is also added to every target token's input.
  Context tokens never see it (enc_dec, block_causal), so their K/V are prompt-free and
  are computed once at batch 1 even when CFG runs the targets at batch 2.
- Three layouts (see attention_mask): bidirectional (all see all), enc_dec (context
  sees context only), block_causal (chunks of T see themselves and W-1 previous chunks).

`forward` is the offline/training pass over the whole window with the layout's mask;
`encode_context` / `denoise` are the cached paths used by model/stream.py and must equal
it (tests/model/test_core_cache.py).
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from model.cache import KVCache
from model.config import LMDMConfig

# ------------------------------------------------------------------------------- RoPE ----


class Rotary(nn.Module):
    """Rotary position embedding with angles computed in float64.

    block_causal keeps keys rotated at absolute frame positions that grow for the whole
    performance; computing p * theta in float64 keeps cos/sin exact at any position, so
    a cached key and a fresh query meet with exactly their relative rotation.
    """

    def __init__(self, head_dim: int, base: float) -> None:
        super().__init__()
        inv = base ** (-torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim)
        self.register_buffer("inv_freq", inv, persistent=False)  # (hd/2,) float64

    def forward(self, positions: torch.Tensor) -> torch.Tensor:
        """positions (L,) -> complex64 rotations (L, 1, 1, hd/2), broadcast over q/k and heads."""
        angles = positions.to(torch.float64)[:, None] * self.inv_freq[None, :]
        rot = torch.polar(torch.ones_like(angles), angles).to(torch.complex64)
        return rot[:, None, None, :]


def apply_rope(x: torch.Tensor, rot: torch.Tensor) -> torch.Tensor:
    """x (B, L, 2, H, hd) float32; rot (L, 1, 1, hd/2) complex64 (see Rotary) -> like x.

    Channel pairs (2i, 2i+1) are rotated by angle p * theta_i."""
    xc = torch.view_as_complex(x.unflatten(-1, (-1, 2)))  # (B, L, 2, H, hd/2)
    return torch.view_as_real(xc * rot).flatten(-2)


def positions(start: int, length: int) -> torch.Tensor:
    return torch.arange(start, start + length, dtype=torch.float64)


# -------------------------------------------------------------------------- attention ----

def write_kv(k, v, writes) -> None:
    """k, v (B, H, L, hd) into cache views: writes ((src, n, k_dst, v_dst), ...)."""
    L = k.shape[2]
    for src, n, kd, vd in writes:
        if n == L:
            kd.copy_(k)
            vd.copy_(v)
        else:
            kd.copy_(k[:, :, src:src + n])
            vd.copy_(v[:, :, src:src + n])


class Attention(nn.Module):
    def __init__(self, cfg: LMDMConfig) -> None:
        super().__init__()
        self.h, self.hd = cfg.n_heads, cfg.head_dim
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model, bias=False)
        self.out = nn.Linear(cfg.d_model, cfg.d_model, bias=False)
        # QK-norm: RMS-normalise q and k per head, with a learned gain each.  q and k
        # are normalised and rotated together (one kernel each, not two): on tiny
        # blocks the number of ops, not the FLOPs, is the cost.
        self.qk_norm = cfg.qk_norm
        self.qk_gain = nn.Parameter(torch.ones(2, 1, self.hd)) if cfg.qk_norm else None

    def _qkv(self, x: torch.Tensor, rot: torch.Tensor, inplace: bool = False):
        """x (B, L, d) -> q, k, v (B, H, L, hd); q and k normed and rotated.
        inplace: reuse fresh intermediates (inference only; autograd needs them)."""
        B, L, _ = x.shape
        qkv = F.linear(x, self.qkv.weight).view(B, L, 3, self.h, self.hd)
        qk = qkv[:, :, :2]  # (B, L, 2, H, hd)
        if self.qk_norm:
            qk = F.rms_norm(qk, (self.hd,), eps=1e-6)
            qk = qk.mul_(self.qk_gain) if inplace else qk * self.qk_gain
        else:
            qk = qk.contiguous()
        qk = apply_rope(qk, rot)
        q, k = qk.unbind(2)  # (B, L, H, hd) each
        return q.transpose(1, 2), k.transpose(1, 2), qkv[:, :, 2].transpose(1, 2)  # (B, H, L, hd)

    def _merge(self, o: torch.Tensor) -> torch.Tensor:
        B, H, L, hd = o.shape
        return self.out(o.transpose(1, 2).reshape(B, L, H * hd))

    def forward(self, x, rot, mask=None):
        """Uncached: x (B, L, d) attends to itself under mask (L, L) bool or None."""
        q, k, v = self._qkv(x, rot)
        return self._merge(F.scaled_dot_product_attention(q, k, v, attn_mask=mask))

    def forward_cached(self, x, rot, views, mask=None):
        """Write this input's K/V into the cache, then attend to the cached slots.

        views: one layer's entry of KVCache.views(): (k_read, v_read, writes) with
        k_read (B, H, read, hd) and writes ((src, n, k_dst, v_dst), ...);
        mask: (1, 1, 1, read) bool or None."""
        q, k, v = self._qkv(x, rot, inplace=True)
        k_read, v_read, writes = views
        write_kv(k, v, writes)
        return self._merge(F.scaled_dot_product_attention(q, k_read, v_read, attn_mask=mask))


def activation(name: str, x: torch.Tensor, inplace: bool = False) -> torch.Tensor:
    if name == "silu":
        return F.silu(x, inplace=inplace)
    return F.gelu(x, approximate="tanh" if name == "gelu_tanh" else "none")


class MLP(nn.Module):
    def __init__(self, cfg: LMDMConfig) -> None:
        super().__init__()
        hidden = int(cfg.d_model * cfg.mlp_ratio)
        self.fc1 = nn.Linear(cfg.d_model, hidden)
        self.fc2 = nn.Linear(hidden, cfg.d_model)
        self.act = cfg.activation

    def forward(self, x):
        return self.fc2(activation(self.act, self.fc1(x)))


class Block(nn.Module):
    """Pre-norm transformer block."""

    def __init__(self, cfg: LMDMConfig) -> None:
        super().__init__()
        # LayerNorm, not RMSNorm: one fused CPU kernel, twice as fast at T+1 tokens.
        self.norm1 = nn.LayerNorm(cfg.d_model, eps=1e-6, bias=False)
        self.attn = Attention(cfg)
        self.norm2 = nn.LayerNorm(cfg.d_model, eps=1e-6, bias=False)
        self.mlp = MLP(cfg)

    def forward(self, x, rot, mask=None):
        x = x + self.attn(self.norm1(x), rot, mask)
        return x + self.mlp(self.norm2(x))

    def forward_cached(self, x, rot, views, mask=None):
        """Inference only (the stream runs under inference_mode): the same math as
        forward, with functional calls and in-place residuals, because at T+1 tokens
        per step the per-op overhead, not the FLOPs, is most of the cost."""
        d = x.shape[-1]
        h = F.layer_norm(x, (d,), self.norm1.weight, None, 1e-6)
        x = x + self.attn.forward_cached(h, rot, views, mask)  # a fresh x: the caller's stays
        h = F.layer_norm(x, (d,), self.norm2.weight, None, 1e-6)
        h = activation(self.mlp.act, F.linear(h, self.mlp.fc1.weight, self.mlp.fc1.bias), inplace=True)
        return x.add_(F.linear(h, self.mlp.fc2.weight, self.mlp.fc2.bias))


# ------------------------------------------------------------------------------ masks ----


def attention_mask(layout: str, n_context: int, n_target: int, window: int,
                   n_global: int = 1) -> torch.Tensor | None:
    """Boolean (L, L) mask, True = may attend, over [context | target | global]; None = all.

    block_causal: context chunk c (frames cT..cT+T-1) sees chunks c-W+1..c; the target
    (chunk n = C/T) and the global token see chunks n-W+1..n and each other.
    """
    C, T = n_context, n_target
    L = C + T + n_global
    if layout == "bidirectional":
        return None
    if layout == "enc_dec":
        mask = torch.ones(L, L, dtype=torch.bool)
        mask[:C, C:] = False  # context never sees noisy frames or the timestep
        return mask
    if layout == "block_causal":
        if C % T:
            raise ValueError(f"block_causal needs context ({C}) to be a multiple of T ({T})")
        chunk = torch.cat([torch.arange(C) // T, torch.full((T + n_global,), C // T)])
        rel = chunk[:, None] - chunk[None, :]  # (L, L): query chunk - key chunk
        return (rel >= 0) & (rel < window)
    raise ValueError(f"unknown layout {layout!r}")


# ------------------------------------------------------------------------- the model ----


class LMDMTransformer(nn.Module):
    def __init__(self, cfg: LMDMConfig) -> None:
        super().__init__()
        self.cfg = cfg
        d, D = cfg.d_model, cfg.latent_dim
        # Routing: clean context and noisy target have their own input projections.
        self.ctx_in = nn.Linear(1 + D + cfg.cond_dim + 1, d)  # [mask, latent, cond, cond_vis]
        self.tgt_in = nn.Linear(D, d)  # the noisy latent (per step)
        self.tgt_cond = nn.Linear(cfg.cond_dim + 1, d)  # [cond, vis] (once per block)
        # Global conditioning: timestep + prompt + controls -> one vector g (B, d).
        self.t_freqs_dim = 128
        self.time_mlp = nn.Sequential(nn.Linear(self.t_freqs_dim, d), nn.SiLU(), nn.Linear(d, d))
        self.prompt_proj = nn.Linear(cfg.prompt_dim, d) if cfg.prompt_dim else None
        # CFG's unconditional branch: a learned null prompt (zero at init).
        self.null_prompt = nn.Parameter(torch.zeros(cfg.prompt_dim)) if cfg.prompt_dim else None
        self.ctrl_proj = nn.Linear(cfg.n_controls, d) if cfg.n_controls else None
        self.global_tok = nn.Parameter(torch.zeros(d))
        self.g_to_tgt = nn.Linear(d, d) if cfg.cond_to_targets else None
        self.rotary = Rotary(cfg.head_dim, cfg.rope_base)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layers))
        self.norm_out = nn.LayerNorm(d, eps=1e-6, bias=False)
        self.head = nn.Linear(d, D)
        half = self.t_freqs_dim // 2
        freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
        self.register_buffer("t_freqs", freqs, persistent=False)
        self._masks: dict[tuple, torch.Tensor | None] = {}

    # ---- embeddings ------------------------------------------------------------------
    def embed_context(self, latent, mask=None, cond=None, cond_vis=None):
        """latent (B, C, D), mask (B, C), cond (B, C, Cd), cond_vis (B, C) -> (B, C, d)."""
        B, C, _ = latent.shape
        ones = latent.new_ones(B, C)
        mask = ones if mask is None else mask.to(latent.dtype)
        cond_vis = ones if cond_vis is None else cond_vis.to(latent.dtype)
        parts = [mask[..., None], latent * mask[..., None]]
        if self.cfg.cond_dim:
            cond = latent.new_zeros(B, C, self.cfg.cond_dim) if cond is None else cond
            parts.append(cond * cond_vis[..., None])
        parts.append(cond_vis[..., None])
        return self.ctx_in(torch.cat(parts, dim=-1))

    def embed_target_static(self, cond, vis):
        """The per-block part of the target input: cond (B, T, Cd) or None, vis (B, T)."""
        vis = vis.to(torch.float32)[..., None]  # (B, T, 1)
        if self.cfg.cond_dim:
            cond = vis.new_zeros(*vis.shape[:2], self.cfg.cond_dim) if cond is None else cond
            return self.tgt_cond(torch.cat([cond * vis, vis], dim=-1))  # (B, T, d)
        return self.tgt_cond(vis)

    def global_static(self, prompt=None, controls=None, batch: int = 1):
        """The timestep-free part of g: prompt (B, P) or None (-> null), controls (B, K)."""
        g = self.global_tok.expand(batch, -1)
        if self.prompt_proj is not None:
            if prompt is None:
                prompt = self.null_prompt.expand(batch, -1)
            g = g + self.prompt_proj(prompt)
        if self.ctrl_proj is not None:
            if controls is None:
                controls = g.new_zeros(batch, self.cfg.n_controls)
            g = g + self.ctrl_proj(controls)
        return g  # (B, d)

    def time_embedding(self, t):
        """t (n,) in [0, 1] -> (n, d)."""
        args = (t.to(torch.float32) * 1000.0)[:, None] * self.t_freqs[None]
        return self.time_mlp(torch.cat([torch.cos(args), torch.sin(args)], dim=-1))

    def global_vector(self, t, g_static):
        """t (B,) in [0, 1], g_static (B, d) -> g (B, d)."""
        return g_static + self.time_embedding(t)

    def step_conditioning(self, ts, g_static):
        """All the steps of a block at once: ts (N,), g_static (B, d) ->
        g (N, B, d) and the target add-on (N, B, 1, d) or None."""
        g = g_static[None] + self.time_embedding(ts)[:, None]
        add = self.g_to_tgt(g)[:, :, None] if self.g_to_tgt is not None else None
        return g, add

    def target_tokens(self, x, tgt_static, g, g_add=None):
        """x (1 or B, T, D) noisy, tgt_static (1 or B, T, d), g (B, d), g_add (B, 1, d)
        -> (B, T+1, d) tokens (the global token last)."""
        h = self.tgt_in(x) + tgt_static
        if self.g_to_tgt is not None:
            h = h + (self.g_to_tgt(g)[:, None] if g_add is None else g_add)
        B = g.shape[0]
        if h.shape[0] != B:  # CFG: one noisy x, two conditionings
            h = h.expand(B, -1, -1)
        return torch.cat([h, g[:, None]], dim=1)

    def output(self, h):
        """Target hidden states (B, T, d) -> velocity (B, T, D)."""
        return self.head(self.norm_out(h))

    # ---- the offline / training pass -------------------------------------------------------
    def mask_for(self, layout: str, C: int, T: int) -> torch.Tensor | None:
        """The layout's mask as an additive float mask (0 / -inf), made once per shape:
        SDPA on the CPU takes it ~10% faster than the boolean form."""
        key = (layout, C, T)
        if key not in self._masks:
            m = attention_mask(layout, C, T, self.cfg.window)
            self._masks[key] = None if m is None else torch.zeros(m.shape).masked_fill_(~m, float("-inf"))
        return self._masks[key]

    def forward(self, context, x_t, t, *, context_mask=None, cond=None, cond_vis=None,
                prompt=None, controls=None, layout: str | None = None, pos_offset: int = 0):
        """One full pass over [context | target | global] with the layout's mask.

        context (B, C, D) clean latents; x_t (B, T, D) noisy target; t (B,);
        context_mask (B, C); cond (B, C+T, Cd) per-frame features; cond_vis (B, C+T)
        feature visibility (1 = heard); prompt (B, P) or None (null); controls (B, K).
        Returns the predicted velocity (B, T, D).
        """
        layout = layout or self.cfg.layout
        B, C, _ = context.shape
        T = x_t.shape[1]
        cc = ct = vc = vt = None
        if cond is not None:
            cc, ct = cond[:, :C], cond[:, C:]
        if cond_vis is None:
            cond_vis = context.new_ones(B, C + T)
        vc, vt = cond_vis[:, :C], cond_vis[:, C:]
        ctx = self.embed_context(context, context_mask, cc, vc)
        g = self.global_vector(t, self.global_static(prompt, controls, B))
        tgt = self.target_tokens(x_t, self.embed_target_static(ct, vt), g)
        h = torch.cat([ctx, tgt], dim=1)  # (B, C+T+1, d)
        rot = self.rotary(positions(pos_offset, C + T + 1))
        h = self.run_full(h, rot, self.mask_for(layout, C, T))
        return self.output(h[:, C:C + T])

    # ---- the cached paths (model/stream.py) ------------------------------------------
    def run_full(self, h, rot, mask=None):
        """Every block over the whole sequence h (B, L, d), no cache (bidirectional path)."""
        for blk in self.blocks:
            h = blk(h, rot, mask)
        return h

    def encode_context(self, tokens, rot, cache: KVCache, start: int, read: int,
                       mask=None, rows: int = 1) -> None:
        """Run context tokens (rows, L, d) through every layer, leaving their K/V in the cache
        at slots [start, start+L) of batch rows [0, rows); they attend to slots [0, read)."""
        h = tokens
        views = cache.views(rows, ((0, start, tokens.shape[1]),), read)
        last = len(self.blocks) - 1
        for i, blk in enumerate(self.blocks):
            if i == last:  # the last layer's outputs are never read: its K/V suffice
                _, k, v = blk.attn._qkv(blk.norm1(h), rot)
                write_kv(k, v, views[i][2])
            else:
                h = blk.forward_cached(h, rot, views[i], mask)

    def denoise(self, tokens, rot, views, mask=None):
        """Target+global tokens (B, T+1, d) -> velocity (B, T, D).  views: from
        KVCache.views(B, writes, read), made once per block."""
        h = tokens
        for blk, view in zip(self.blocks, views):
            h = blk.forward_cached(h, rot, view, mask)
        return self.output(h[:, :-1])
