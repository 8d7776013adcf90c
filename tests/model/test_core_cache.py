"""Caching changes nothing but speed: the cached stream equals the offline masked pass.

The reference here is independent of model/stream.py: it keeps the whole history as
plain tensors and, at every denoising step, runs LMDMTransformer.forward (one full pass
over [context | target | global] with the layout's mask) for the conditional and the
unconditional rows, feeding the same sampler with the same seeded noise.
"""
from __future__ import annotations

import pytest
import torch
from torch.testing import assert_close

from model.cache import KVCache
from model.config import LMDMConfig
from model.sampler import logsnr_schedule, sample
from model.stream import LMDMStream
from model.transformer import LMDMTransformer, onednn_available, positions

torch.set_num_threads(1)
ATOL = 2e-5  # float32; the bound is 1e-4


def tiny_model(seed: int = 0, **overrides) -> LMDMTransformer:
    """Tiny preset with every parameter perturbed, so no branch is trivially zero
    (null prompt, global token and QK gains start at 0 or 1)."""
    torch.manual_seed(seed)
    model = LMDMTransformer(LMDMConfig.preset("tiny", **overrides))
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.2)
    return model.eval()


class History:
    """Every frame since reset: latent, context mask, features, feature visibility."""

    def __init__(self, cfg: LMDMConfig) -> None:
        self.lat = torch.zeros(0, cfg.latent_dim)
        self.cond = torch.zeros(0, cfg.cond_dim)
        self.vis = torch.zeros(0)

    def add(self, lat, cond, vis) -> None:
        self.lat = torch.cat([self.lat, lat])
        self.cond = torch.cat([self.cond, cond])
        self.vis = torch.cat([self.vis, vis])

    def window(self, C: int):
        """The newest C frames, left-padded with empty frames (mask 0)."""
        n = min(C, self.lat.shape[0])
        pad = C - n
        lat = torch.cat([torch.zeros(pad, self.lat.shape[1]), self.lat[self.lat.shape[0] - n:]])
        cond = torch.cat([torch.zeros(pad, self.cond.shape[1]), self.cond[self.cond.shape[0] - n:]])
        vis = torch.cat([torch.zeros(pad), self.vis[self.vis.shape[0] - n:]])
        mask = torch.cat([torch.zeros(pad), torch.ones(n)])
        return lat, mask, cond, vis


def offline_block(model, ctx, ctx_mask, ctx_cond, ctx_vis, t_cond, t_vis, prompt, controls,
                  *, layout, pos_offset=0, steps=4, guidance=2.5, seed=0, temperature=1.0,
                  sampler="pingpong", guidance_mode="cfg++"):
    """One block through uncached full passes; CFG rows [prompt, null]."""
    cfg = model.cfg
    T, D = cfg.target_frames, cfg.latent_dim
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn((1, T, D), generator=gen) * temperature
    two = lambda a: a[None].expand(2, *a.shape)  # noqa: E731
    prompts = torch.stack([prompt, model.null_prompt.detach()])
    cond = two(torch.cat([ctx_cond, t_cond]))
    vis = two(torch.cat([ctx_vis, t_vis]))

    def velocity(xx, i, t):
        with torch.no_grad():
            v = model(two(ctx), xx.expand(2, -1, -1), torch.full((2,), t), context_mask=two(ctx_mask),
                      cond=cond, cond_vis=vis, prompt=prompts, controls=two(controls),
                      layout=layout, pos_offset=pos_offset)
        return v[:1], v[1:]

    sample(velocity, x, logsnr_schedule(steps, cfg.logsnr_min, cfg.logsnr_max), guidance=guidance,
           sampler=sampler, guidance_mode=guidance_mode, generator=gen)
    return x[0]


def block_inputs(cfg, b: int):
    g = torch.Generator().manual_seed(1000 + b)
    cond = torch.randn(cfg.target_frames, cfg.cond_dim, generator=g)
    controls = torch.randn(cfg.n_controls, generator=g)
    visible = [cfg.target_frames, 3, 0, cfg.target_frames - 1][b % 4]
    return cond, controls, visible


def run_both(layout: str, blocks: int, prime: int = 0, kernels: str = "mkl", **sample_kw):
    """Stream `blocks` blocks (GEMMs by `kernels`) and replay each one offline (torch's
    default kernels); returns the per-block pairs."""
    model = tiny_model(seed=1)
    cfg = model.cfg
    T, C = cfg.target_frames, cfg.context_frames
    stream = LMDMStream(model, layout=layout, kernels=kernels)
    hist = History(cfg)
    prompt = torch.randn(cfg.prompt_dim, generator=torch.Generator().manual_seed(7))
    if prime:
        lat = torch.randn(prime, cfg.latent_dim)
        cond = torch.randn(prime, cfg.cond_dim)
        stream.push(lat, cond)
        hist.add(lat, cond, torch.ones(prime))
    pairs = []
    for b in range(blocks):
        cond, controls, v = block_inputs(cfg, b)
        t_vis = (torch.arange(T) < v).float()
        y = stream.generate(cond, visible_until=v, prompts=[(prompt, 1.0)], controls=controls,
                            seed=b, steps=4, guidance=2.5, **sample_kw)
        if layout == "block_causal":  # the whole history, positions from 0
            ctx, ctx_cond, ctx_vis = hist.lat, hist.cond, hist.vis
            ctx_mask = torch.ones(ctx.shape[0])
        else:
            ctx, ctx_mask, ctx_cond, ctx_vis = hist.window(C)
        ref = offline_block(model, ctx, ctx_mask, ctx_cond, ctx_vis, cond, t_vis, prompt, controls,
                            layout=layout, seed=b, **sample_kw)
        pairs.append((y, ref))
        hist.add(y, cond, t_vis)  # the stream's own output is the next context
    return pairs


def max_diff(pairs) -> float:
    return max(float((a - b).abs().max()) for a, b in pairs)


def test_enc_dec_cached_step_equals_masked_full_pass():
    """Per step: the context encoded once, then any (x, t) against the cache."""
    model = tiny_model(seed=2)
    cfg = model.cfg
    C, T, D = cfg.context_frames, cfg.target_frames, cfg.latent_dim
    g = torch.Generator().manual_seed(0)
    ctx = torch.randn(1, C, D, generator=g)
    ctx_mask = (torch.arange(C) >= 5).float()[None]  # a short context: 5 empty frames
    cond = torch.randn(1, C + T, cfg.cond_dim, generator=g)
    vis = (torch.arange(C + T) < C + 3).float()[None]
    prompt = torch.stack([torch.randn(cfg.prompt_dim, generator=g), model.null_prompt.detach()])
    controls = torch.randn(2, cfg.n_controls, generator=g)
    cache = KVCache(cfg.n_layers, 2, cfg.n_heads, C + T + 1, cfg.head_dim)
    with torch.inference_mode():
        tokens = model.embed_context(ctx, ctx_mask, cond[:, :C], vis[:, :C])
        model.encode_context(tokens, model.rotary(positions(0, C)), cache, 0, C, rows=1)
        cache.share_rows(0, C, 2)
        g_static = model.global_static(prompt, controls, 2)
        static = model.embed_target_static(cond[:, C:], vis[:, C:])
        rot = model.rotary(positions(C, T + 1))
        for step in range(4):
            x = torch.randn(1, T, D, generator=g)
            t = torch.rand(1, generator=g).expand(2)
            cached = model.denoise(model.target_tokens(x, static, model.global_vector(t, g_static)),
                                   rot, cache.views(2, ((0, C, T + 1),), C + T + 1))
            full = model(ctx.expand(2, -1, -1), x.expand(2, -1, -1), t, context_mask=ctx_mask.expand(2, -1),
                         cond=cond.expand(2, -1, -1), cond_vis=vis.expand(2, -1), prompt=prompt,
                         controls=controls, layout="enc_dec")
            assert cached.abs().max() > 0.1  # a real signal, not a zero network
            assert_close(cached, full, rtol=0, atol=ATOL)
            # and it differs from the bidirectional pass (the mask matters)
            bidir = model(ctx.expand(2, -1, -1), x.expand(2, -1, -1), t, context_mask=ctx_mask.expand(2, -1),
                          cond=cond.expand(2, -1, -1), cond_vis=vis.expand(2, -1), prompt=prompt,
                          controls=controls, layout="bidirectional")
            assert (bidir - full).abs().max() > 1e-3


def test_enc_dec_stream_equals_offline_per_block():
    pairs = run_both("enc_dec", blocks=7)  # starts empty, fills the 32-frame context, slides
    for y, ref in pairs:
        assert_close(y, ref, rtol=0, atol=ATOL)
    assert max_diff(pairs) <= 1e-4


def test_enc_dec_euler_cfg_equals_offline():
    pairs = run_both("enc_dec", blocks=3, prime=12, sampler="euler", guidance_mode="cfg")
    for y, ref in pairs:
        assert_close(y, ref, rtol=0, atol=ATOL)


def test_block_causal_stream_equals_offline_over_many_blocks():
    """12 blocks with a window of W=5 chunks: the ring wraps twice; the offline pass sees
    the whole history from position 0 under the block-causal mask."""
    assert LMDMConfig.preset("tiny").window == 5  # 2 primed + 12 generated chunks > 2 W
    pairs = run_both("block_causal", blocks=12, prime=16)
    for y, ref in pairs:
        assert_close(y, ref, rtol=0, atol=ATOL)
    assert max_diff(pairs) <= 1e-4


def test_bidirectional_stream_equals_offline():
    pairs = run_both("bidirectional", blocks=3)
    for y, ref in pairs:
        assert_close(y, ref, rtol=0, atol=ATOL)


def test_layouts_really_differ():
    """Same model, same inputs, different masks -> different outputs (after context exists)."""
    outs = {}
    for layout in ("bidirectional", "enc_dec", "block_causal"):
        stream = LMDMStream(tiny_model(seed=3), layout=layout)
        stream.push(torch.randn(32, 8, generator=torch.Generator().manual_seed(0)))
        outs[layout] = stream.generate(seed=0, steps=3)
    assert (outs["bidirectional"] - outs["enc_dec"]).abs().max() > 1e-3
    assert (outs["enc_dec"] - outs["block_causal"]).abs().max() > 1e-3


needs_onednn = pytest.mark.skipif(not onednn_available(), reason="this PyTorch build has no oneDNN")


@needs_onednn
@pytest.mark.parametrize("layout,blocks,prime", [("enc_dec", 7, 0), ("block_causal", 12, 16), ("bidirectional", 3, 0)])
def test_onednn_kernels_stream_equals_offline(layout, blocks, prime):
    """The oneDNN GEMMs (packed weights, fused activation and residual adds) compute the
    same blocks as the offline pass on torch's default kernels."""
    pairs = run_both(layout, blocks=blocks, prime=prime, kernels="onednn")
    for y, ref in pairs:
        assert y.abs().max() > 0.1
        assert_close(y, ref, rtol=0, atol=ATOL)


@needs_onednn
def test_onednn_packed_weights_follow_weight_changes():
    """Packed weights are copies: after an in-place update (an optimizer step, a
    load_state_dict) the next block must use the new weights, as the MKL path does."""
    model = tiny_model(seed=4)
    streams = {k: LMDMStream(model, layout="enc_dec", kernels=k) for k in ("mkl", "onednn")}
    prompt = [(torch.randn(model.cfg.prompt_dim, generator=torch.Generator().manual_seed(1)), 1.0)]

    def block(k):
        streams[k].reset()
        return streams[k].generate(prompts=prompt, seed=3, steps=3)

    before = block("onednn")
    assert_close(before, block("mkl"), rtol=0, atol=ATOL)
    with torch.no_grad():
        for blk in model.blocks:
            blk.mlp.fc1.weight.mul_(1.5)
            blk.attn.qkv.weight.add_(0.05)
    after = block("onednn")
    assert (after - before).abs().max() > 1e-3
    assert_close(after, block("mkl"), rtol=0, atol=ATOL)
    with pytest.raises(ValueError, match="unknown kernels"):
        LMDMStream(model, kernels="blas")
