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
from model.config import KERNELS, LMDMConfig

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
    """x (B, L, [2,] H, hd) float32 (strided views are fine); rot (L, 1, [1,] hd/2)
    complex64 (see Rotary) -> a new tensor like x.

    Channel pairs (2i, 2i+1) are rotated by angle p * theta_i."""
    xc = torch.view_as_complex(x.unflatten(-1, (-1, 2)))  # (B, L, 2, H, hd/2)
    return torch.view_as_real(xc * rot).flatten(-2)


def positions(start: int, length: int) -> torch.Tensor:
    return torch.arange(start, start + length, dtype=torch.float64)


# -------------------------------------------------------------------------- attention ----

def write_kv(k, v, rot, writes) -> None:
    """Rotate keys k (B, L, H, hd) (QK-normed, not yet rotated; a strided view is fine)
    by rot (L, 1, 1, hd/2) straight into their cache slots, and copy values v (B, L, H, hd).
    writes: ((src, n, k_dst (B, n, H, hd/2) complex64, v_dst (B, n, H, hd)), ...) from
    KVCache.views; input tokens [src, src+n) go to that run of slots."""
    kc = torch.view_as_complex(k.unflatten(-1, (k.shape[-1] // 2, 2)))  # (B, L, H, hd/2)
    for src, n, kd, vd in writes:
        torch.mul(kc[:, src:src + n], rot[src:src + n, 0], out=kd)
        vd.copy_(v[:, src:src + n])


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

    def _qkv(self, x: torch.Tensor, rot: torch.Tensor):
        """x (B, L, d) -> q, k, v (B, H, L, hd); q and k normed and rotated.
        The training / reference path; inference uses layer_infer (same math)."""
        B, L, _ = x.shape
        qkv = F.linear(x, self.qkv.weight).view(B, L, 3, self.h, self.hd)
        qk = qkv[:, :, :2]  # (B, L, 2, H, hd)
        if self.qk_norm:
            qk = F.rms_norm(qk, (self.hd,), eps=1e-6) * self.qk_gain
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

    def infer_params(self, packed: "PackedGemms | None" = None) -> tuple:
        """The tensors of layer_infer, gathered once per block (not per step): attribute
        lookups and .t() views are a measurable part of a 34-row step.  References,
        not copies: training and load_state_dict update them in place.
        packed: this block's weights for oneDNN (LMDMTransformer.infer_params)."""
        a, mlp = self.attn, self.mlp
        return (self.norm1.weight, a.qkv.weight.t(), a.qk_gain, a.out.weight.t(), self.norm2.weight,
                mlp.fc1.weight.t(), mlp.fc1.bias, mlp.fc2.weight.t(), mlp.fc2.bias, mlp.act, a.h, a.hd, packed)

    def gemm_weights(self) -> tuple[torch.Tensor, ...]:
        """The four weight matrices of the block's GEMMs (what PackedGemms copies)."""
        return self.attn.qkv.weight, self.attn.out.weight, self.mlp.fc1.weight, self.mlp.fc2.weight


# ----------------------------------------------------------------------- GEMM kernels ----
#
# KERNELS (model/config.py): which library runs the layers' weight GEMMs at inference.
#   "mkl"     torch.mm / addmm (PyTorch's CPU default, MKL in the official builds)
#   "onednn"  oneDNN's linear with weights reordered once into its blocked layout, the
#             activation and the residual add fused into the GEMM (the kernels of
#             torch.compile's CPU backend).  On CPUs with AVX-512 where MKL keeps to its
#             AVX2 code (AMD), about 2x the GEMM speed at 128-290 rows and 1.8x at 34
#             (`lmdm bench gemm`); the same products (float32, same accumulation).
# Training (forward/backward) always uses torch's default.
_LINEAR = getattr(torch.ops.mkldnn, "_linear_pointwise", None)  # None: a build without oneDNN
_ONEDNN_ACT = {"silu": ("swish", ""), "gelu_tanh": ("gelu", "tanh"), "gelu": ("gelu", "none")}


def onednn_available() -> bool:
    return _LINEAR is not None and bool(torch.backends.mkldnn.is_available())


class PackedGemms:
    """One block's GEMM weights reordered for oneDNN (copies: LMDMTransformer.infer_params
    re-packs them when a weight changes).  The reorder takes a row-count hint; 16 to 290
    made no difference to the GEMMs' speed at any of those row counts here, so one
    packing serves every pass."""

    ROWS_HINT = 64

    def __init__(self, block: "Block") -> None:
        pack = torch.ops.mkldnn._reorder_linear_weight
        with torch.no_grad():
            self.qkv, self.out, self.fc1, self.fc2 = (pack(w.detach(), self.ROWS_HINT) for w in block.gemm_weights())
        self.act, self.alg = _ONEDNN_ACT[block.mlp.act]


def qk_normed(qk: torch.Tensor, gain: torch.Tensor | None, r: torch.Tensor | None = None,
              out: torch.Tensor | None = None) -> torch.Tensor:
    """Inference QK-norm: qk (B, L, n, H, hd) (a strided view of the qkv output is fine),
    gain (n, 1, hd) or None (no QK-norm: qk itself, or copied into `out`) -> (B, L, n, H, hd).
    r (B, L, n, H, 1) and out (like qk): optional preallocated buffers (LayerWork).

    The math of Attention._qkv (RMS over hd with eps 1e-6, then the gain) in five small
    ops instead of F.rms_norm's composite kernel: about half the time at 34 rows."""
    if gain is None:
        return qk if out is None else out.copy_(qk)
    r = torch.linalg.vector_norm(qk, dim=-1, keepdim=True, out=r)  # (B, L, n, H, 1)
    r = torch.addcmul(_EPS, r, r, value=1.0 / qk.shape[-1], out=r).rsqrt_()  # 1 / sqrt(mean(x^2) + eps)
    return torch.mul(qk, r, out=out).mul_(gain)


_EPS = torch.tensor(1e-6)  # QK-norm epsilon as a tensor, for addcmul


class LayerWork:
    """Preallocated intermediates of layer_infer for inputs of one shape (B, L, d): the
    qkv projection, the QK-normed and the rotated q/k, the MLP's hidden layer, and every
    view the layer reads them through (complex views for RoPE, transposes for SDPA).

    A stream keeps one per shape it runs (model/stream.py), shared by all layers (they
    run one after another), so a denoising step allocates only what SDPA and LayerNorm
    return and creates almost no views: on a 34-row step the Python-side view and
    allocation calls are a measurable part of the time (docs/performance.md)."""

    def __init__(self, B: int, L: int, d: int, H: int, hd: int, hidden: int) -> None:
        half = hd // 2
        self.qkv = torch.empty(B * L, 3 * d)
        qkv5 = self.qkv.view(B, L, 3, H, hd)
        self.qk_in, self.v = qkv5[:, :, :2], qkv5[:, :, 2]  # (B, L, 2, H, hd), (B, L, H, hd)
        self.r = torch.empty(B, L, 2, H, 1)  # per-head 1 / RMS
        self.qk = torch.empty(B, L, 2, H, hd)  # normed q and k
        self.qk_c = torch.view_as_complex(self.qk.unflatten(-1, (half, 2)))  # (B, L, 2, H, half)
        self.k_c = self.qk_c[:, :, 1]
        self.q_c = self.qk_c[:, :, 0]
        self.rot = torch.empty(B, L, 2, H, hd)  # rotated q (and k, bidirectional)
        self.rot_c = torch.view_as_complex(self.rot.unflatten(-1, (half, 2)))
        self.rq_c = self.rot_c[:, :, 0]
        self.q_t, self.k_t = self.rot[:, :, 0].transpose(1, 2), self.rot[:, :, 1].transpose(1, 2)
        self.v_t = self.v.transpose(1, 2)  # (B, H, L, hd) views for SDPA
        self.h = torch.empty(B * L, hidden)

    @classmethod
    def for_params(cls, p: tuple, B: int, L: int) -> "LayerWork":
        """A work area for layer_infer(p, x) with x of shape (B, L, d)."""
        wqkv, w1, H, hd = p[1], p[5], p[10], p[11]
        return cls(B, L, wqkv.shape[0], H, hd, w1.shape[1])


def layer_infer(p: tuple, x: torch.Tensor, rot: torch.Tensor, view=None, mask=None,
                work: LayerWork | None = None) -> torch.Tensor:
    """One pre-norm block at inference (inference_mode): x (B, L, d) is updated in place
    and returned.  The math of Block.forward in the fewest ops: the residual adds are
    folded into the out-projection and fc2 GEMMs (addmm_, beta = 1), QK-norm takes five
    small ops (qk_normed, written into `work`), cached keys are rotated straight
    into their slots, weights come pre-gathered (Block.infer_params).

    rot: (L, 1, 1, hd/2) rotations of this input's positions.
    view: None (attend to this input's own K/V: the bidirectional path) or one layer's
    entry of KVCache.views(): this input's K/V are written into the cache, then the
    queries attend to the read slots.  mask: None or one SDPA broadcasts.
    work: a LayerWork of x's shape (None: a fresh one, i.e. allocated per call).
    With oneDNN weights (p's last field) the result is a new tensor and x is left as is."""
    n1, wqkv, gain, wout, n2, w1, b1, w2, b2, act, H, hd, packed = p
    B, L, d = x.shape
    w = LayerWork.for_params(p, B, L) if work is None else work
    x2 = x.view(B * L, d)
    h1 = F.layer_norm(x2, (d,), n1, None, 1e-6)
    if packed is None:
        torch.mm(h1, wqkv, out=w.qkv)
        qk_in, v = w.qk_in, w.v
    else:  # oneDNN returns a new tensor: view it like LayerWork views its buffer
        qkv5 = _LINEAR(h1, packed.qkv, None, "none", [], "").view(B, L, 3, H, hd)
        qk_in, v = qkv5[:, :, :2], qkv5[:, :, 2]
    qk_normed(qk_in, gain, w.r, w.qk)
    if view is None:  # q and k rotated in one op
        torch.mul(w.qk_c, rot, out=w.rot_c)
        o = F.scaled_dot_product_attention(w.q_t, w.k_t, w.v_t if packed is None else v.transpose(1, 2), attn_mask=mask)
    else:
        k_read, v_read, writes = view
        r = rot[:, 0]  # (L, 1, hd/2)
        for src, n, kd, vd in writes:
            if n == L:  # the whole input (every step's single write run)
                torch.mul(w.k_c, r, out=kd)
                vd.copy_(v)
            else:
                torch.mul(w.k_c[:, src:src + n], r[src:src + n], out=kd)
                vd.copy_(v[:, src:src + n])
        torch.mul(w.q_c, r, out=w.rq_c)
        o = F.scaled_dot_product_attention(w.q_t, k_read, v_read, attn_mask=mask)
    # SDPA's CPU output is (B, L, H, hd) in memory: this reshape is a view, not a copy
    o2 = o.transpose(1, 2).reshape(B * L, d)
    if packed is not None:  # residual adds, bias and activation fused into the GEMMs
        x2 = _LINEAR.binary(o2, x2, packed.out, None, "add")
        hid = _LINEAR(F.layer_norm(x2, (d,), n2, None, 1e-6), packed.fc1, b1, packed.act, [], packed.alg)
        return _LINEAR.binary(hid, x2, packed.fc2, b2, "add").view(B, L, d)
    x2.addmm_(o2, wout)
    torch.addmm(b1, F.layer_norm(x2, (d,), n2, None, 1e-6), w1, out=w.h)
    x2.addmm_(activation(act, w.h, inplace=True), w2).add_(b2)
    return x


def kv_infer(p: tuple, x: torch.Tensor, rot: torch.Tensor, writes) -> None:
    """Only the K/V of a block's input x (B, L, d), written into cache views `writes`:
    the last layer of context encoding, whose outputs nobody reads."""
    n1, wqkv, gain, _, _, _, _, _, _, _, H, hd, packed = p
    B, L, d = x.shape
    h1 = F.layer_norm(x.reshape(B * L, d), (d,), n1, None, 1e-6)
    # oneDNN: the whole qkv product, its q third unused (once per encoded context)
    kv = torch.mm(h1, wqkv[:, d:]) if packed is None else _LINEAR(h1, packed.qkv, None, "none", [], "")[:, d:]
    kv = kv.view(B, L, 2, H, hd)
    k = qk_normed(kv[:, :, :1], None if gain is None else gain[1:])
    write_kv(k[:, :, 0], kv[:, :, 1], rot, writes)


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

    def infer_params(self, kernels: str = "mkl") -> list[tuple]:
        """Per-layer weights for layer_infer; gather once per block.
        kernels "onednn": with the GEMM weights reordered for oneDNN, made at the first
        call and again whenever a weight changed (training, load_state_dict: checked by
        the tensors' version counters, ~10 us)."""
        if kernels == "mkl":
            return [blk.infer_params() for blk in self.blocks]
        if kernels != "onednn":
            raise ValueError(f"unknown kernels {kernels!r}; one of {KERNELS}")
        if not onednn_available():
            raise RuntimeError("kernels 'onednn' needs a PyTorch build with oneDNN (torch.backends.mkldnn)")
        key = tuple((w._version, w.data_ptr()) for blk in self.blocks for w in blk.gemm_weights())
        cached = self.__dict__.get("_packed")  # (weights' key, packs), shared by the model's streams
        if cached is None or cached[0] != key:
            cached = self.__dict__["_packed"] = (key, [PackedGemms(blk) for blk in self.blocks])
        return [blk.infer_params(pk) for blk, pk in zip(self.blocks, cached[1])]

    def run_infer(self, h, rot, mask=None, params=None, work=None):
        """Inference version of run_full (no cache; h (B, L, d) is overwritten).
        work: a LayerWork of h's shape, or None."""
        for p in params or self.infer_params():
            h = layer_infer(p, h, rot, None, mask, work)
        return h

    def encode_context(self, tokens, rot, cache: KVCache, start: int, read: int,
                       mask=None, rows: int = 1, params=None, work=None) -> None:
        """Run context tokens (rows, L, d) through every layer, leaving their K/V in the cache
        at slots [start, start+L) of batch rows [0, rows); they attend to slots [0, read).
        tokens is overwritten (inference only); work: a LayerWork of its shape, or None."""
        params = params or self.infer_params()
        views = cache.views(rows, ((0, start, tokens.shape[1]),), read)
        h = tokens
        for p, view in zip(params[:-1], views):
            h = layer_infer(p, h, rot, view, mask, work)
        kv_infer(params[-1], h, rot, views[-1][2])  # the last layer's outputs are never read

    def denoise(self, tokens, rot, views, mask=None, params=None, work=None):
        """Target+global tokens (B, T+1, d) -> velocity (B, T, D).  views: from
        KVCache.views(B, writes, read), made once per block.  tokens is overwritten;
        work: a LayerWork of its shape, or None."""
        h = tokens
        for p, view in zip(params or self.infer_params(), views):
            h = layer_infer(p, h, rot, view, mask, work)
        return self.output_all(h)[:, :-1]

    def output_all(self, h):
        """Inference head over every row of h (B, L, d) -> (B, L, D): a contiguous norm and
        one GEMM (the global token's extra row is cheaper than gathering the others)."""
        B, L, d = h.shape
        x = F.layer_norm(h.view(B * L, d), (d,), self.norm_out.weight, None, 1e-6)
        return torch.addmm(self.head.bias, x, self.head.weight.t()).view(B, L, -1)

    # ---- per-step target tokens without per-step setup (model/stream.py) -------------
    def token_template(self, tgt_static, g_all, add_all=None):
        """Everything of the per-step target tokens except the noisy latent's projection:
        tgt_static (1 or B, T, d), g_all (N, B, d), add_all (N, B, 1, d) or None ->
        (N, B, T+1, d) with rows [:T] = tgt_static + tgt_in.bias (+ add) and row T = g."""
        N, B, d = g_all.shape
        T = tgt_static.shape[1]
        out = g_all.new_empty(N, B, T + 1, d)
        body = out[:, :, :T]
        body.copy_((tgt_static + self.tgt_in.bias).expand(N, B, T, d))
        if add_all is not None:
            body.add_(add_all)
        out[:, :, T].copy_(g_all)
        return out

    def step_tokens(self, x, template, xw, out=None):
        """x (1, T, D) noisy latent, template (B, T+1, d) one step of token_template,
        xw (T+1, d) a scratch buffer whose last row is zero -> (B, T+1, d) tokens, in
        `out` if given (else a new tensor).  Two ops per step: the projection into xw
        and one broadcast add."""
        T = x.shape[1]
        torch.mm(x[0], self.tgt_in.weight.t(), out=xw[:T])
        return torch.add(template, xw, out=out)
