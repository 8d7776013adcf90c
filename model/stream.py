"""LMDMStream: the streaming generator.  Holds the context and the KV cache, one block per call.

Usage (what model/embedded.py does inside its api.Generator):

    from model.config import LMDMConfig
    from model.transformer import LMDMTransformer
    from model.stream import LMDMStream

    cfg = LMDMConfig.preset("default", latent_dim=200, cond_dim=26, prompt_dim=384)
    model = LMDMTransformer(cfg).eval()          # or model.checkpoint.load_checkpoint(dir)[0]
    stream = LMDMStream(model)                   # layout from cfg (enc_dec by default);
                                                 # kernels="onednn": oneDNN GEMMs (config.KERNELS)
    stream.warmup()                              # before going live: throwaway blocks, then reset()
    stream.reset()                               # at play / reset
    # optional priming with known frames (block_causal: a multiple of T frames)
    stream.push(latent_frames, cond_frames)      # (n, latent_dim), (n, cond_dim)
    for each block:
        y = stream.generate(
            cond,                                # (T, cond_dim) input features of the target block
            visible_until=v,                     # frames of the target block whose features are
                                                 # visible: T (delay), 0 (free), T-k or negative
                                                 # (accompany: the last -v context frames hidden too)
            prev_cond=prev,                      # (n, cond_dim) features of the newest n history
                                                 # frames, now heard (replaces what they were given
                                                 # with); n <= C (block_causal: n <= T)
            prompts=[(emb_a, 0.7), (emb_b, 0.3)],  # (prompt_dim,) embeddings with weights; () = none
            controls=torch.tensor([density, ...]),  # (n_controls,)
            steps=8, guidance=3.0, temperature=1.0, seed=1234)
        # y: (T, latent_dim) float32 tensor, owned by the caller. It is now the newest context;
        stream.replace_latest(cleaned)           # optional: (T, latent_dim) replaces it as context
    stream.drop_context(keep_frames)             # forget all but the newest frames

Semantics:
- The generated block is appended to the history automatically.  enc_dec/bidirectional
  re-read the last C frames every block; block_causal encodes each chunk exactly once,
  at the first generate() after it was produced or pushed (so prev_cond still reaches it).
- Prompt mixing: the embeddings are averaged with weights/sum(weights); the unconditional
  branch of CFG uses the model's learned null embedding.  When the dominant prompt
  (largest weight) changes from the previous block, the oldest context is dropped,
  keeping config.keep_on_flip frames (block_causal: whole chunks).
- seed: the block's noise comes from a torch.Generator seeded with `seed`; same seed,
  same history, same inputs -> same output.  seed=None continues the stream's generator.
- All buffers are allocated in __init__ (fixed shapes per step); generate() runs under
  torch.inference_mode().
"""
from __future__ import annotations

import time
from typing import Sequence

import torch

from model.cache import KVCache, RingKVCache
from model.config import LAYOUTS, LMDMConfig
from model.sampler import guided_split, logsnr_schedule, sample
from model.transformer import LayerWork, LMDMTransformer, positions


def _tensor(x, shape: tuple[int, ...] | None = None) -> torch.Tensor:
    t = torch.as_tensor(x, dtype=torch.float32)
    if shape is not None and tuple(t.shape) != shape:
        raise ValueError(f"expected shape {shape}, got {tuple(t.shape)}")
    return t


class LMDMStream:
    """One streaming generator over one model.  Not thread-safe: one caller at a time."""

    def __init__(self, model: LMDMTransformer, layout: str | None = None,
                 cfg_batch: bool = True, seed: int = 0, kernels: str = "mkl") -> None:
        self.model = model.eval()
        self.config: LMDMConfig = model.cfg
        cfg = self.config
        self.layout = layout or cfg.layout
        if self.layout not in LAYOUTS:
            raise ValueError(f"unknown layout {self.layout!r}; one of {LAYOUTS}")
        self.kernels = kernels  # the GEMM library of the layers (config.KERNELS)
        self._params()  # checks `kernels`; oneDNN packs the weights now, not in the first block
        C, T, D, Cd = cfg.context_frames, cfg.target_frames, cfg.latent_dim, cfg.cond_dim
        if self.layout == "block_causal" and C % T:
            raise ValueError(f"block_causal needs context_frames ({C}) divisible by T ({T})")
        self.C, self.T = C, T
        # CFG runs conditional and unconditional rows in one batch of 2 (3 with a separate
        # input guidance scale: enc_dec and bidirectional only, see generate()).
        self.max_batch = 1
        if cfg_batch and cfg.prompt_dim:
            self.max_batch = 2 if self.layout == "block_causal" else 3
        self.base_seed = seed
        H, hd, nl = cfg.n_heads, cfg.head_dim, cfg.n_layers
        self.cache: KVCache | None = None
        if self.layout == "enc_dec":
            self.cache = KVCache(nl, self.max_batch, H, C + T + 1, hd)
        elif self.layout == "block_causal":
            self.cache = RingKVCache(nl, self.max_batch, H, hd, T, cfg.window)
        # The denoising steps' cache views, per batch size: the target + global tokens
        # always go to the same T+1 slots (enc_dec: after the context; block_causal: the
        # work area), and attend to every slot.
        self.step_views = {}
        if self.cache is not None:
            dst = C if self.layout == "enc_dec" else self.cache.work
            for b in range(1, self.max_batch + 1):
                self.step_views[b] = self.cache.views(b, ((0, dst, T + 1),), self.cache.slots)
        # History of the newest C frames, right-aligned (zeros/mask 0 where there is none).
        self.h_lat = torch.zeros(C, D)
        self.h_mask = torch.zeros(C)
        self.h_cond = torch.zeros(C, Cd)
        self.h_vis = torch.zeros(C)
        self._scratch = torch.zeros(C, max(D, Cd, 1))  # for shifting the history in place
        # rewind(): the T oldest history frames the last generate() shifted out
        k = min(T, C)
        self._undo = {"lat": torch.zeros(k, D), "mask": torch.zeros(k), "cond": torch.zeros(k, Cd),
                      "vis": torch.zeros(k)}
        self._can_rewind = False
        # Per-block staging: context visibility, target features/visibility, mixed prompt.
        self.ctx_vis = torch.zeros(C)
        self.t_cond = torch.zeros(T, Cd)
        self.t_vis = torch.zeros(T)
        self.prompt = torch.zeros(max(cfg.prompt_dim, 1))
        self.dominant = torch.zeros(max(cfg.prompt_dim, 1))  # embedding of the last dominant
        self.controls = torch.zeros(max(cfg.n_controls, 1))
        self.x = torch.zeros(1, T, D)  # the sample being denoised
        self.noise = torch.zeros(1, T, D)  # ping-pong's fresh noise
        self.xw = torch.zeros(T + 1, cfg.d_model)  # the noisy latent's projection; row T stays 0
        # per batch size: the step's tokens (B, T+1, d), rebuilt in place every step
        self.tokens = {b: torch.zeros(b, T + 1, cfg.d_model) for b in range(1, self.max_batch + 1)}
        self._works: dict[tuple[int, int], LayerWork] = {}  # layer_infer's work areas, by (B, L)
        # Fixed RoPE rotations of the window-relative layouts.
        rot = model.rotary
        self.rot_ctx = rot(positions(0, C))
        self.rot_tgt = rot(positions(C, T + 1))
        self.rot_all = rot(positions(0, C + T + 1))
        self.generator = torch.Generator()
        self.reset()

    # ---- state ----------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget all context and cached keys/values; positions restart at 0."""
        for buf in (self.h_lat, self.h_mask, self.h_cond, self.h_vis):
            buf.zero_()
        if self.cache is not None:
            self.cache.reset()
        self.frames = 0  # history frames since reset (pushed or generated)
        self.chunks = 0  # block_causal: chunks encoded into the ring
        self.pending = False  # block_causal: the newest chunk is not encoded yet
        self.has_dominant = False  # a dominant prompt was seen since reset
        self.conditional = False  # the last generate() had a prompt (mixed_prompt)
        self.generator.manual_seed(self.base_seed)
        self._can_rewind = False
        self.last_ms = 0.0

    @property
    def context_length(self) -> int:
        """Valid context frames the next block will see."""
        if self.layout != "block_causal":
            return int(self.h_mask.sum().item())
        nxt = self.chunks + self.pending  # index of the next target chunk
        held = sum(1 for c in self.cache.slot_chunk if c >= 0 and nxt - self.cache.window < c < nxt)
        return (held + self.pending) * self.T

    def _history(self) -> tuple[tuple[str, torch.Tensor], ...]:
        return (("lat", self.h_lat), ("mask", self.h_mask), ("cond", self.h_cond), ("vis", self.h_vis))

    def _append(self, lat, mask: float, cond, vis) -> None:
        """Shift the history left by n frames and write the new ones at the end."""
        self._can_rewind = False
        self.frames += lat.shape[0]
        n = lat.shape[0]
        if n >= self.C:
            lat, cond, vis = lat[-self.C:], cond[-self.C:], vis[-self.C:]
            n = self.C
        keep = self.C - n
        for buf, new in ((self.h_lat, lat), (self.h_cond, cond), (self.h_vis, vis), (self.h_mask, None)):
            if keep:
                tmp = self._scratch.view(-1)[:buf[n:].numel()].view_as(buf[n:])
                tmp.copy_(buf[n:])
                buf[:keep].copy_(tmp)
            if new is None:
                buf[keep:].fill_(mask)
            else:
                buf[keep:].copy_(new)

    @torch.inference_mode()
    def push(self, latent, cond=None) -> None:
        """Append known frames (latent (n, latent_dim), cond (n, cond_dim)) to the context.

        cond=None means no input features for these frames (visibility 0).
        block_causal: n must be a multiple of T; the newest chunk stays pending like a
        generated one, the others are encoded now."""
        lat = _tensor(latent)
        n = lat.shape[0]
        if lat.ndim != 2 or lat.shape[1] != self.config.latent_dim:
            raise ValueError(f"latent must be (n, {self.config.latent_dim}), got {tuple(lat.shape)}")
        cond_t = torch.zeros(n, self.config.cond_dim) if cond is None else _tensor(cond, (n, self.config.cond_dim))
        vis = torch.full((n,), 0.0 if cond is None else 1.0)
        if self.layout != "block_causal":
            self._append(lat, 1.0, cond_t, vis)
            return
        if n % self.T:
            raise ValueError(f"block_causal push needs a multiple of T={self.T} frames, got {n}")
        for i in range(0, n, self.T):
            self._flush_pending(0, self.max_batch)
            self._append(lat[i:i + self.T], 1.0, cond_t[i:i + self.T], vis[i:i + self.T])
            self.pending = True

    def replace_latest(self, latent) -> None:
        """Overwrite the latents of the newest n history frames, e.g. with the generated
        block after decoding and re-encoding it (a cleaned-up version becomes context).
        enc_dec/bidirectional: n <= C; block_causal: n <= T and only while the newest
        chunk is still pending (before the next generate() or push())."""
        lat = _tensor(latent)
        n = lat.shape[0]
        limit = self.T if self.layout == "block_causal" else self.C
        if lat.ndim != 2 or lat.shape[1] != self.config.latent_dim or not 0 < n <= limit:
            raise ValueError(f"latent must be (n <= {limit}, {self.config.latent_dim}), got {tuple(lat.shape)}")
        if self.layout == "block_causal" and not self.pending:
            raise ValueError("replace_latest: the newest chunk is already encoded (nothing pending)")
        self.h_lat[self.C - n:].copy_(lat)

    @property
    def can_rewind(self) -> bool:
        """rewind() is possible: a generate() was the last change of the history."""
        return self._can_rewind

    def rewind(self) -> None:
        """Undo the last generate()'s block: the history is as it was before it (the
        frames it shifted out come back), so the same block can be generated again, e.g.
        with more of its input heard (the embedded generator's re-planning). One level,
        right after generate() (replace_latest() in between is fine). A prev_cond revision
        made by that generate() stays: it is what has been heard. block_causal: the
        context chunk that generate() encoded stays encoded (it is the new block's past),
        and prev_cond cannot revise it again."""
        if not self._can_rewind:
            raise ValueError("rewind: only right after generate(), once")
        self._shift_back(min(self.T, self.C))  # the frames generate() shifted out come back
        self.frames += min(self.T, self.C) - self.T
        self.pending = False  # block_causal: generate() had flushed the previous chunk

    def trim_latest(self, frames: int) -> None:
        """Forget the newest `frames` history frames (1 <= frames <= T), e.g. the end of a
        generated block that was never played (the embedded generator cuts its bar at the
        performer's bar line in other meters than its own). The history shifts right by that
        much: right after generate() the frames it shifted out come back at the old end,
        otherwise it is empty there (mask 0, no features). enc_dec and bidirectional only:
        block_causal's chunks are T frames for good."""
        if self.layout == "block_causal":
            raise ValueError("trim_latest: block_causal keeps whole chunks of T frames")
        n = int(frames)
        k = min(self.T, self.C)
        if not 0 < n <= k:
            raise ValueError(f"trim_latest: frames must be in 1..{k}, got {n}")
        self._shift_back(n)
        self.frames = max(0, self.frames)

    def _shift_back(self, n: int) -> None:
        """Shift the history right by n <= min(T, C) frames, dropping the newest n; at the
        old end, right after generate(), the newest n of the frames it shifted out come back,
        otherwise empty frames. Counts them off `frames`; no rewind after it."""
        k = min(self.T, self.C)
        for name, buf in self._history():
            if n < self.C:
                tmp = self._scratch.view(-1)[:buf[:self.C - n].numel()].view_as(buf[:self.C - n])
                tmp.copy_(buf[:self.C - n])
                buf[n:].copy_(tmp)
            if self._can_rewind:
                buf[:n].copy_(self._undo[name][k - n:])
            else:
                buf[:n].zero_()
        self.frames -= n
        self._can_rewind = False

    def drop_context(self, keep_frames: int | None = None) -> None:
        """Forget all but the newest keep_frames of context (default config.keep_on_flip).

        enc_dec/bidirectional: the latents of older frames are zeroed with mask 0 (what
        context dropout shows the model in training); their input features stay.
        block_causal: whole chunks leave the ring (keep_frames rounded up to chunks)."""
        keep = self.config.keep_on_flip if keep_frames is None else int(keep_frames)
        if self.layout != "block_causal":
            cut = max(0, self.C - keep)
            self.h_lat[:cut].zero_()
            self.h_mask[:cut].zero_()
            return
        keep_chunks = -(-keep // self.T)
        newest = self.chunks + (1 if self.pending else 0)
        self.cache.drop_before(newest - keep_chunks)

    def warmup(self, blocks: int = 2, steps: int = 8) -> None:
        """Run a few throwaway blocks (first-call costs: allocator, kernels) and reset()."""
        cfg = self.config
        prompts = [(torch.zeros(cfg.prompt_dim), 1.0)] if cfg.prompt_dim else []
        for b in range(blocks):
            self.generate(torch.zeros(self.T, cfg.cond_dim), prompts=prompts, steps=steps, seed=b)
        self.reset()

    # ---- one block -------------------------------------------------------------------------
    def _mix_prompts(self, prompts) -> bool:
        """Weighted mean of the prompt embeddings into self.prompt; True if conditional.
        Sets self.flipped when the dominant prompt differs from the last one seen."""
        self.flipped = False
        P = self.config.prompt_dim
        if not prompts or not P:
            return False
        weights = [float(w) for _, w in prompts]
        total = sum(weights)
        if total <= 0:
            return False
        self.prompt.zero_()
        embs = [_tensor(e, (P,)) for e, _ in prompts]
        for e, w in zip(embs, weights):
            self.prompt.add_(e, alpha=w)
        self.prompt.div_(total)
        dom = embs[max(range(len(weights)), key=weights.__getitem__)]
        if self.has_dominant and not torch.equal(dom, self.dominant[:P]):
            self.flipped = True
        self.dominant[:P].copy_(dom)
        self.has_dominant = True
        return True

    @property
    def mixed_prompt(self) -> torch.Tensor | None:
        """The weighted mean prompt embedding the last generate() used (prompt_dim,), or None
        if it had no prompt."""
        return self.prompt[:self.config.prompt_dim] if self.conditional else None

    def _revise(self, prev_cond) -> None:
        """The previous frames' features, now heard: overwrite the last n history frames."""
        pc = _tensor(prev_cond)
        n = pc.shape[0]
        limit = self.T if self.layout == "block_causal" else self.C
        if pc.shape != (n, self.config.cond_dim) or n > limit:
            raise ValueError(f"prev_cond must be (n <= {limit}, {self.config.cond_dim}), got {tuple(pc.shape)}")
        if self.layout == "block_causal" and not self.pending:
            raise ValueError("prev_cond: the previous chunk is already encoded (nothing pending)")
        self.h_cond[self.C - n:].copy_(pc)
        self.h_vis[self.C - n:].fill_(1.0)

    def _context_visibility(self, visible_until: int, frames: int) -> torch.Tensor:
        """Feature visibility of the newest `frames` history frames for this call."""
        vis = self.ctx_vis[self.C - frames:]
        vis.copy_(self.h_vis[self.C - frames:])
        if visible_until < 0:
            vis[max(0, frames + visible_until):].zero_()
        return vis

    def _flush_pending(self, visible_until: int, rows: int, params=None) -> None:
        """block_causal: encode the pending chunk into its ring slot (once ever)."""
        if not self.pending:
            return
        m, T, k = self.model, self.T, self.chunks
        params = params or self._params()
        vis = self._context_visibility(visible_until, T)
        tokens = m.embed_context(self.h_lat[None, -T:], self.h_mask[None, -T:],
                                 self.h_cond[None, -T:], vis[None])  # (1, T, d)
        mask = self.cache.begin(k)
        read = self.cache.global_slot  # context chunks never see the global token
        m.encode_context(tokens, m.rotary(positions(k * T, T)), self.cache, self.cache.work, read,
                         None if mask is None else mask[..., :read], rows=1, params=params,
                         work=self._work(1, T))
        self.cache.commit(k, rows)  # work area -> ring slot, for every CFG row
        self.chunks += 1
        self.pending = False

    @torch.inference_mode()
    def generate(self, cond=None, *, visible_until: int | None = None, prev_cond=None,
                 prompts: Sequence[tuple[object, float]] = (), controls=None,
                 steps: int = 8, guidance: float = 3.0, temperature: float = 1.0,
                 seed: int | None = None, sampler: str | None = None,
                 guidance_mode: str | None = None, guide_input: bool = False,
                 input_guidance: float | None = None) -> torch.Tensor:
        """Denoise one block of T frames; returns (T, latent_dim) float32 (a new tensor).

        cond: (T, cond_dim) features of the target block (None: none);
        visible_until: target frames whose features are visible, in [-C, T]; negative
        also hides the newest -v context frames' features for this call (default: T if
        cond is given, else 0); prev_cond: (n, cond_dim) replaces the features of the
        newest n history frames (block_causal: n <= T, only the pending chunk);
        prompts: [(embedding (prompt_dim,), weight), ...]; controls: (n_controls,);
        guide_input: the unconditional row of CFG also hears no input (its context and
        target features hidden), so guidance pushes towards the input as well as the
        prompt (enc_dec and bidirectional, whose context is then encoded for both rows;
        block_causal ignores it: its chunks are encoded once, shared by both rows);
        input_guidance (with guide_input): separate scales for the input and the prompt.
        A third row hears the input but no prompt, and the velocity is
        v_none + input_guidance (v_input - v_none) + guidance (v_full - v_input)
        (guidance then scales the prompt alone; None: one scale for both, two rows)."""
        t0 = time.perf_counter()
        cfg, m, T, C = self.config, self.model, self.T, self.C
        v = (T if cond is not None else 0) if visible_until is None else int(visible_until)
        v = max(-C, min(T, v))
        conditional = self.conditional = self._mix_prompts(prompts)
        if self.flipped:
            self.drop_context()
        if prev_cond is not None:
            self._revise(prev_cond)
        # rows: 0 prompt + input, 1 neither (guide_input) or no prompt, 2 input, no prompt
        three = bool(guide_input) and input_guidance is not None and conditional and self.max_batch == 3
        use_cfg = conditional and self.max_batch >= 2 and (guidance != 1.0 or three)
        guide_input = bool(guide_input) and use_cfg and self.layout != "block_causal"
        B = 3 if three else (2 if use_cfg else 1)
        # ---- per-block static parts: global (prompt, controls), target features
        prompt = None
        if conditional:
            P = cfg.prompt_dim
            prompt = (torch.stack([self.prompt[:P]] + [m.null_prompt] * (B - 1)) if use_cfg
                      else self.prompt[None, :P])
        ctrl = None
        if cfg.n_controls:
            self.controls.zero_()
            if controls is not None:
                self.controls[:cfg.n_controls].copy_(_tensor(controls, (cfg.n_controls,)))
            ctrl = self.controls[None, :cfg.n_controls].expand(B, -1)
        g_static = m.global_static(prompt, ctrl, B)  # (B, d)
        self.t_cond.zero_()
        if cond is not None:
            self.t_cond.copy_(_tensor(cond, (T, cfg.cond_dim)))
        self.t_vis.zero_()
        self.t_vis[:max(v, 0)] = 1.0
        t_vis = self._deaf_row(self.t_vis, guide_input, B)  # row 1 (guide_input): no input heard
        tgt_static = m.embed_target_static(self.t_cond[None].expand(len(t_vis), -1, -1), t_vis)  # (1|2, T, d)
        # ---- context: encode once (cached layouts) and pick the per-step function
        step = self._prepare(v, B, guide_input)

        schedule = logsnr_schedule(steps, cfg.logsnr_min, cfg.logsnr_max)
        g_all, add_all = m.step_conditioning(torch.tensor(schedule[:-1]), g_static)  # (N, B, d)
        # every step's tokens but the noisy latent's projection, made once per block
        template = m.token_template(tgt_static, g_all, add_all)  # (N, B, T+1, d)
        xw = self.xw

        tokens = self.tokens[B]
        w_in, w_p = (float(input_guidance) if three else 0.0), float(guidance)

        def velocity(x, i, t):
            out = step(m.step_tokens(x, template[i], xw, out=tokens))  # (B, T, D)
            if B == 3:  # rows: full, none, input only
                return out[:1], out[1:2], guided_split(out[:1], out[1:2], out[2:3], w_in, w_p)
            return out[:1], (out[1:] if B == 2 else None)

        # ---- sample
        if seed is not None:
            self.generator.manual_seed(int(seed))
        torch.randn(self.x.shape, generator=self.generator, out=self.x)
        self.x.mul_(float(temperature))
        sample(velocity, self.x, schedule, guidance=guidance, sampler=sampler or cfg.sampler,
               guidance_mode=guidance_mode or cfg.guidance_mode, generator=self.generator,
               noise=self.noise, noise_scale=float(temperature))
        out = self.x[0].clone()
        # ---- the block becomes the newest context (what it shifts out is kept for rewind())
        for name, buf in self._history():
            self._undo[name].copy_(buf[:self._undo[name].shape[0]])
        self._append(out, 1.0, self.t_cond, self.t_vis)
        self._can_rewind = True
        if self.layout == "block_causal":
            self.pending = True
        self.last_ms = (time.perf_counter() - t0) * 1000.0
        return out

    def _params(self) -> list[tuple]:
        """The layers' weights for this block (oneDNN: packed, see transformer.PackedGemms)."""
        return self.model.infer_params(self.kernels)

    def _work(self, B: int, L: int) -> LayerWork:
        """The work area of layer_infer for inputs (B, L, d), made at first use (the
        warm-up blocks) and kept: layers and blocks share it."""
        w = self._works.get((B, L))
        if w is None:
            cfg = self.config
            w = self._works[(B, L)] = LayerWork(B, L, cfg.d_model, cfg.n_heads, cfg.head_dim,
                                                int(cfg.d_model * cfg.mlp_ratio))
        return w

    @staticmethod
    def _deaf_row(vis: torch.Tensor, deaf: bool, rows: int = 2) -> torch.Tensor:
        """(n,) feature visibility -> (1, n), or (rows, n) whose row 1 hears nothing
        (rows 0 and 2 hear as given)."""
        if not deaf:
            return vis[None]
        return torch.stack([vis, torch.zeros_like(vis), vis][:rows])

    def _prepare(self, v: int, B: int, guide_input: bool = False):
        """Encode what this layout caches; return step(tokens (B, T+1, d)) -> (B, T, D).
        guide_input: row 1 (CFG's unconditional) gets the context with no features heard."""
        m, C, T = self.model, self.C, self.T
        params = self._params()  # per-layer weights, gathered once per block
        if self.layout == "block_causal":
            self._flush_pending(v, self.max_batch, params)
            k = self.chunks
            mask = self.cache.begin(k)
            rot = m.rotary(positions(k * T, T + 1))  # the global token sits right after
            views, work = self.step_views[B], self._work(B, T + 1)
            return lambda tok: m.denoise(tok, rot, views, mask, params, work)
        vis = self._context_visibility(v, C)
        vis = self._deaf_row(vis, guide_input)  # the third row's context is row 0's
        rows = len(vis)
        ctx = m.embed_context(self.h_lat[None].expand(rows, -1, -1), self.h_mask[None].expand(rows, -1),
                              self.h_cond[None].expand(rows, -1, -1), vis)
        if self.layout == "enc_dec":
            m.encode_context(ctx, self.rot_ctx, self.cache, 0, C, None, rows=rows, params=params,
                             work=self._work(rows, C))
            self.cache.share_rows(0, C, B if rows == 1 else 1)
            if B == 3 and rows == 2:
                self.cache.copy_row(0, 2, 0, C)
            views, work = self.step_views[B], self._work(B, T + 1)
            return lambda tok: m.denoise(tok, self.rot_tgt, views, None, params, work)
        ctx_b = ctx.expand(B, -1, -1) if rows == 1 else (ctx if B == 2 else torch.cat([ctx, ctx[:1]]))
        work = self._work(B, C + T + 1)

        def full(tok):  # bidirectional: the whole window, every step
            h = m.run_infer(torch.cat([ctx_b, tok], dim=1), self.rot_all, None, params, work)
            return m.output(h[:, C:C + T])
        return full
