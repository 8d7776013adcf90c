"""LMDMStream behaviour: memory, seeds, prompt mixing and flips, input visibility."""
from __future__ import annotations

import pytest
import torch

from model.config import LMDMConfig
from model.stream import LMDMStream
from model.transformer import LMDMTransformer

torch.set_num_threads(1)
LAYOUTS = ("bidirectional", "enc_dec", "block_causal")


def tiny_model(seed: int = 0) -> LMDMTransformer:
    torch.manual_seed(seed)
    model = LMDMTransformer(LMDMConfig.preset("tiny"))
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.2)
    return model.eval()


def rand(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def stream_state(stream: LMDMStream) -> dict[str, tuple[int, int]]:
    """Every tensor the stream holds: name -> (data pointer, bytes)."""
    out = {}
    for name, value in vars(stream).items():
        if isinstance(value, torch.Tensor):
            out[name] = (value.data_ptr(), value.numel() * value.element_size())
    if stream.cache is not None:
        for i, ptr in enumerate(stream.cache.data_ptrs()):
            out[f"cache{i}"] = (ptr, stream.cache.k[0].numel() * 4)
    return out


@pytest.mark.parametrize("layout", ["enc_dec", "block_causal"])
def test_fifty_blocks_keep_constant_cache_memory(layout):
    model = tiny_model()
    cfg = model.cfg
    stream = LMDMStream(model, layout=layout)
    prompt = rand(cfg.prompt_dim)
    before = stream_state(stream)
    nbytes = stream.cache.nbytes
    for b in range(50):
        stream.generate(rand(cfg.target_frames, cfg.cond_dim, seed=b), prompts=[(prompt, 1.0)],
                        steps=2, seed=b)
    assert stream.frames == 50 * cfg.target_frames
    assert stream.cache.nbytes == nbytes
    # the same buffers, never reallocated, never grown
    assert stream_state(stream) == before
    assert stream.context_length == cfg.context_frames


@pytest.mark.parametrize("layout", LAYOUTS)
def test_same_seed_same_output_and_reset(layout):
    model = tiny_model()
    cfg = model.cfg
    prompt = rand(cfg.prompt_dim)

    def run(stream, seeds):
        return [stream.generate(rand(cfg.target_frames, cfg.cond_dim, seed=s), prompts=[(prompt, 1.0)],
                                steps=3, seed=s) for s in seeds]

    a = run(LMDMStream(model, layout=layout), [1, 2, 3])
    b = run(LMDMStream(model, layout=layout), [1, 2, 3])
    for x, y in zip(a, b):
        assert torch.equal(x, y)
    c = run(LMDMStream(model, layout=layout), [1, 2, 4])
    assert torch.equal(a[1], c[1]) and not torch.equal(a[2], c[2])
    # reset() forgets everything: the same calls give the same blocks again
    s = LMDMStream(model, layout=layout)
    run(s, [9, 9])
    s.reset()
    for x, y in zip(a, run(s, [1, 2, 3])):
        assert torch.equal(x, y)
    # seed=None continues the stream's own generator, reproducibly from reset()
    s.reset()
    n1 = [s.generate(steps=2) for _ in range(2)]
    s.reset()
    n2 = [s.generate(steps=2) for _ in range(2)]
    assert torch.equal(n1[0], n2[0]) and torch.equal(n1[1], n2[1])
    assert not torch.equal(n1[0], n1[1])


@pytest.mark.parametrize("layout", ["enc_dec", "block_causal"])
def test_prompt_weights_one_zero_equal_the_single_prompt(layout):
    model = tiny_model()
    cfg = model.cfg
    a, b = rand(cfg.prompt_dim, seed=1), rand(cfg.prompt_dim, seed=2)
    s1, s2, s3 = (LMDMStream(model, layout=layout) for _ in range(3))
    for blk in range(3):
        y1 = s1.generate(prompts=[(a, 1.0), (b, 0.0)], steps=3, seed=blk)
        y2 = s2.generate(prompts=[(a, 1.0)], steps=3, seed=blk)
        y3 = s3.generate(prompts=[(a, 0.5), (b, 0.5)], steps=3, seed=blk)
        assert torch.equal(y1, y2)
        assert (y1 - y3).abs().max() > 1e-3  # the mix is not the single prompt
    # scaling all weights changes nothing (they are normalised)
    s4, s5 = LMDMStream(model, layout=layout), LMDMStream(model, layout=layout)
    y4 = s4.generate(prompts=[(a, 3.0), (b, 1.0)], steps=3, seed=0)
    y5 = s5.generate(prompts=[(a, 0.75), (b, 0.25)], steps=3, seed=0)
    torch.testing.assert_close(y4, y5, rtol=0, atol=1e-5)


@pytest.mark.parametrize("layout", ["enc_dec", "block_causal", "bidirectional"])
def test_dominant_prompt_flip_drops_old_context(layout):
    model = tiny_model()
    cfg = model.cfg
    a, b = rand(cfg.prompt_dim, seed=1), rand(cfg.prompt_dim, seed=2)
    s = LMDMStream(model, layout=layout)
    s.push(rand(cfg.context_frames, cfg.latent_dim))
    s.generate(prompts=[(a, 0.8), (b, 0.2)], steps=2, seed=0)
    assert s.context_length == cfg.context_frames
    s.generate(prompts=[(a, 0.6), (b, 0.4)], steps=2, seed=1)  # same dominant: no drop
    assert s.context_length == cfg.context_frames
    s.generate(prompts=[(a, 0.4), (b, 0.6)], steps=2, seed=2)  # b now dominates: drop
    keep = -(-cfg.keep_on_flip // cfg.target_frames) * cfg.target_frames \
        if layout == "block_causal" else cfg.keep_on_flip
    # the kept frames plus the block just generated
    assert s.context_length == keep + cfg.target_frames
    # a flip changes the output compared with the same call without the drop
    s2 = LMDMStream(model, layout=layout)
    s2.push(rand(cfg.context_frames, cfg.latent_dim))
    s2.generate(prompts=[(a, 0.8), (b, 0.2)], steps=2, seed=0)
    s2.generate(prompts=[(a, 0.6), (b, 0.4)], steps=2, seed=1)
    s3 = LMDMStream(model, layout=layout)
    s3.push(rand(cfg.context_frames, cfg.latent_dim))
    s3.generate(prompts=[(a, 0.8), (b, 0.2)], steps=2, seed=0)
    s3.generate(prompts=[(a, 0.6), (b, 0.4)], steps=2, seed=1)
    s3.drop_context()
    y2 = s2.generate(prompts=[(a, 0.4), (b, 0.6)], steps=2, seed=2)
    y3 = s3.generate(prompts=[(a, 0.4), (b, 0.6)], steps=2, seed=2)
    assert torch.equal(y2, y3)  # the flip did exactly a drop_context()


@pytest.mark.parametrize("layout", LAYOUTS)
def test_features_beyond_visible_until_are_ignored(layout):
    model = tiny_model()
    cfg = model.cfg
    T = cfg.target_frames
    prime = rand(cfg.context_frames, cfg.latent_dim)
    cond = rand(T, cfg.cond_dim, seed=3)
    later = cond.clone()
    later[5:] = rand(T - 5, cfg.cond_dim, seed=4)  # only the unheard frames differ
    outs = []
    for c, v in ((cond, 5), (later, 5), (later, 6)):
        s = LMDMStream(model, layout=layout)
        s.push(prime)
        outs.append(s.generate(c, visible_until=v, steps=3, seed=0))
    assert torch.equal(outs[0], outs[1])  # hidden features changed nothing
    assert (outs[1] - outs[2]).abs().max() > 1e-4  # one more visible frame does


@pytest.mark.parametrize("layout", LAYOUTS)
def test_negative_visibility_hides_the_context_tail_and_prev_cond_revises_it(layout):
    """accompany: block b+1 is computed before the end of block b was heard."""
    model = tiny_model()
    cfg = model.cfg
    T = cfg.target_frames
    base = rand(T, cfg.cond_dim, seed=5)
    tail = base.clone()
    tail[-2:] += 3.0  # the last two frames of the previous block

    def run(prev_cond, v):
        s = LMDMStream(model, layout=layout)
        s.push(rand(cfg.context_frames, cfg.latent_dim))
        s.generate(base, visible_until=T, steps=2, seed=0)
        return s.generate(visible_until=v, prev_cond=prev_cond, steps=2, seed=1)

    assert torch.equal(run(base, -2), run(tail, -2))  # hidden: the tail cannot matter
    assert (run(base, 0) - run(tail, 0)).abs().max() > 1e-4  # heard: it does


def test_push_and_input_validation():
    model = tiny_model()
    cfg = model.cfg
    s = LMDMStream(model, layout="block_causal")
    with pytest.raises(ValueError, match="multiple of T"):
        s.push(rand(cfg.target_frames + 1, cfg.latent_dim))
    with pytest.raises(ValueError, match="latent"):
        s.push(rand(cfg.target_frames, cfg.latent_dim + 1))
    with pytest.raises(ValueError, match="shape"):
        s.generate(rand(cfg.target_frames + 1, cfg.cond_dim))
    with pytest.raises(ValueError, match="unknown layout"):
        LMDMStream(model, layout="causal")
    s.push(rand(2 * cfg.target_frames, cfg.latent_dim))
    assert s.chunks == 1 and s.pending and s.context_length == 2 * cfg.target_frames
    y = s.generate(steps=2, seed=0)
    assert y.shape == (cfg.target_frames, cfg.latent_dim) and torch.isfinite(y).all()
    with pytest.raises(ValueError, match="prev_cond"):
        s.generate(prev_cond=rand(cfg.target_frames + 1, cfg.cond_dim), steps=2)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_replace_latest_rewrites_the_newest_context(layout):
    model = tiny_model()
    cfg = model.cfg

    def run(replacement):
        s = LMDMStream(model, layout=layout)
        s.push(rand(cfg.context_frames, cfg.latent_dim))
        y = s.generate(steps=2, seed=0)
        if replacement is not None:
            s.replace_latest(replacement(y))
        return s.generate(steps=2, seed=1)

    plain = run(None)
    assert torch.equal(plain, run(lambda y: y))  # the same frames: nothing changes
    assert (plain - run(lambda y: y.round())).abs().max() > 1e-4  # cleaned-up frames count
    s = LMDMStream(model, layout=layout)
    with pytest.raises(ValueError, match="latent"):
        s.replace_latest(rand(cfg.context_frames + 1, cfg.latent_dim))
    if layout == "block_causal":  # only the pending chunk can change
        s.push(rand(cfg.target_frames, cfg.latent_dim))
        s.generate(steps=2)
        s.push(rand(cfg.target_frames, cfg.latent_dim))
        s.replace_latest(rand(cfg.target_frames, cfg.latent_dim))
        with pytest.raises(ValueError, match="latent"):
            s.replace_latest(rand(cfg.target_frames + 1, cfg.latent_dim))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_rewind_then_generate_again_is_the_same_block_with_more_heard(layout):
    """rewind() restores the history exactly (but for prev_cond's revision); the block
    generated again from the same seed and input is the same, with more of its input heard it differs, and the stream goes on
    as if the first version had never been made."""
    model = tiny_model()
    cfg = model.cfg
    T, Cd = cfg.target_frames, cfg.cond_dim
    kw = dict(prompts=[(rand(cfg.prompt_dim), 1.0)], steps=2)

    def history(s):
        return [t.clone() for t in (s.h_lat, s.h_mask, s.h_cond, s.h_vis)] + [s.frames, s.context_length]

    def same(a, b):
        return all(torch.equal(x, y) if isinstance(x, torch.Tensor) else x == y for x, y in zip(a, b))

    cond = rand(T, Cd, seed=9)
    streams = []
    for rewind in (False, True):
        s = LMDMStream(model, layout=layout)
        for b in range(3):
            s.generate(rand(T, Cd, seed=b), prev_cond=rand(T, Cd, seed=20 + b) if b else None, seed=b, **kw)
        before = history(s)
        if rewind:
            first = s.generate(cond, visible_until=2, prev_cond=rand(T, Cd, seed=30), seed=5, **kw)
            assert s.can_rewind
            s.rewind()
            assert not s.can_rewind
            # the history is back, but for prev_cond's revision: it is what was heard since
            before[2][-T:], before[3][-T:] = rand(T, Cd, seed=30), 1.0
            assert same(history(s), before)
            with pytest.raises(ValueError, match="rewind"):
                s.rewind()
            again = s.generate(cond, visible_until=2, seed=5, **kw)
            assert torch.equal(first, again)
            s.rewind()
            more = s.generate(cond, visible_until=10, seed=5, **kw)
            assert (more - first).abs().max() > 1e-4  # what was heard changes the block
            s.rewind()
        y = s.generate(cond, visible_until=2, prev_cond=None if rewind else rand(T, Cd, seed=30), seed=5, **kw)
        streams.append((y, s.generate(rand(T, Cd, seed=6), seed=6, **kw)))
    (y0, n0), (y1, n1) = streams
    assert torch.equal(y0, y1) and torch.equal(n0, n1)
    s = LMDMStream(model, layout=layout)
    with pytest.raises(ValueError, match="rewind"):
        s.rewind()  # nothing generated yet
    s.generate(steps=2, seed=0)
    s.push(rand(T, cfg.latent_dim))
    with pytest.raises(ValueError, match="rewind"):
        s.rewind()  # pushed frames are not undone


def test_warmup_leaves_a_fresh_stream():
    model = tiny_model()
    a, b = LMDMStream(model, layout="block_causal"), LMDMStream(model, layout="block_causal")
    a.warmup(blocks=2, steps=2)
    assert a.frames == 0 and a.context_length == 0
    assert torch.equal(a.generate(steps=2, seed=3), b.generate(steps=2, seed=3))


def guidance_runner(layout: str):
    """-> run(**generate kwargs) on a fresh primed stream of the tiny model (one block,
    features heard, Euler + CFG, fixed seed), a prompt embedding, and C."""
    model = tiny_model()
    cfg = model.cfg
    C, T = cfg.context_frames, cfg.target_frames
    prime, prime_cond = rand(C, cfg.latent_dim), rand(C, cfg.cond_dim, seed=1)
    cond, prompt = rand(T, cfg.cond_dim, seed=2), rand(cfg.prompt_dim, seed=3)
    kw = dict(visible_until=T, steps=3, seed=0, sampler="euler", guidance_mode="cfg")

    def run(**extra):
        s = LMDMStream(model, layout=layout)
        s.push(prime, prime_cond)
        return s.generate(cond, **{**kw, **extra})
    return run, prompt, C


@pytest.mark.parametrize("layout", ["bidirectional", "enc_dec"])
def test_guide_input_makes_the_unconditional_row_deaf(layout):
    """guide_input: CFG's unconditional row hears neither prompt nor input, so guidance 0
    (the unconditional prediction alone) equals a prompt-less generation with every
    feature hidden."""
    run, prompt, C = guidance_runner(layout)
    deaf = run(visible_until=-C)  # no prompt, no features anywhere
    torch.testing.assert_close(run(prompts=[(prompt, 1.0)], guidance=0.0, guide_input=True), deaf,
                               atol=1e-5, rtol=1e-5)
    guided = run(prompts=[(prompt, 1.0)], guidance=3.0, guide_input=True)
    plain = run(prompts=[(prompt, 1.0)], guidance=3.0)
    assert (guided - plain).abs().max() > 1e-3
    torch.testing.assert_close(run(prompts=[(prompt, 1.0)], guidance=1.0, guide_input=True),
                               run(prompts=[(prompt, 1.0)], guidance=1.0))  # no CFG: nothing to guide


@pytest.mark.parametrize("layout", ["bidirectional", "enc_dec"])
def test_input_guidance_has_its_own_scale(layout):
    """input_guidance adds a third CFG row (input heard, no prompt):
    v = v_none + w_in (v_input - v_none) + w (v_full - v_input). Each corner of the two
    scales picks one row, and equal scales are the joint guidance of guide_input."""
    run, prompt, C = guidance_runner(layout)
    def split(w_in, w):
        return run(prompts=[(prompt, 1.0)], guidance=w, guide_input=True, input_guidance=w_in)

    close = dict(atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(split(3.0, 3.0), run(prompts=[(prompt, 1.0)], guidance=3.0, guide_input=True), **close)
    torch.testing.assert_close(split(0.0, 0.0), run(visible_until=-C), **close)  # hears nothing
    torch.testing.assert_close(split(1.0, 0.0), run(), **close)  # the input, no prompt
    torch.testing.assert_close(split(1.0, 1.0), run(prompts=[(prompt, 1.0)], guidance=1.0), **close)
    assert (split(6.0, 2.0) - split(3.0, 3.0)).abs().max() > 1e-3


@pytest.mark.parametrize("layout", ["bidirectional", "enc_dec"])
def test_trim_latest_forgets_the_end_of_the_newest_block(layout):
    """After generate(), trim_latest(n) leaves the history as if the block had been T - n
    frames long: the frames it shifted out come back at the old end. Trimmed again, the old
    end is empty. block_causal refuses (its chunks are T frames)."""
    model = tiny_model()
    cfg = model.cfg
    T, C, Cd = cfg.target_frames, cfg.context_frames, cfg.cond_dim
    s = LMDMStream(model, layout=layout)
    for b in range(C // T + 1):  # a full history
        s.generate(rand(T, Cd, seed=b), seed=b, steps=2)
    hist = lambda: [t.clone() for t in (s.h_lat, s.h_mask, s.h_cond, s.h_vis)]  # noqa: E731
    before, frames = hist(), s.frames
    s.generate(rand(T, Cd, seed=9), visible_until=T, seed=5, steps=2)
    after = hist()
    n = T // 4
    s.trim_latest(n)
    kept = T - n  # of the new block
    for b, a, t in zip(before, after, hist()):
        assert torch.equal(t[:C - kept], b[kept:]) and torch.equal(t[C - kept:], a[C - T:C - n])
    assert s.frames == frames + kept and not s.can_rewind
    trimmed = hist()
    s.trim_latest(1)  # nothing to bring back now: an empty frame at the old end
    for t0, t1 in zip(trimmed, hist()):
        assert torch.equal(t1[1:], t0[:-1]) and not t1[0].any()
    for bad in (0, T + 1):
        with pytest.raises(ValueError, match="trim_latest"):
            s.trim_latest(bad)
    with pytest.raises(ValueError, match="block_causal"):
        LMDMStream(model, layout="block_causal").trim_latest(1)
