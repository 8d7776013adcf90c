"""Preallocated key/value caches for the two cached layouts.

Both are one fixed buffer per layer, allocated once and written by slot index (the
gpt-fast pattern); nothing grows, nothing is concatenated per step.

enc_dec (`KVCache` with S = C + T + 1 slots):

    slots  [0, C)          context K/V, written once per block (step 0)
           [C, C+T+1)      target + global K/V, overwritten at every denoising step

block_causal (`RingKVCache` with S = W*T + 1 slots):

    slots  [sT, sT+T)      ring slot s = k mod W holds chunk k (s in 0..W-1)
           [WT, WT+1)      the global token of the block being denoised

A chunk k is encoded into slot k mod W after being denoised there: the slot it
overwrites held chunk k-W, which is exactly the chunk that just left the window of
chunks k-W+1..k.  So every read is over the whole buffer, and only the first W-1
blocks after a reset (or a context drop) need a validity mask.  Keys are rotated at
absolute frame positions (float64 angles, see transformer.Rotary), so a cached key
stays valid however far the window slides.
"""
from __future__ import annotations

import torch


class KVCache:
    """Per-layer K and V buffers of shape (batch, heads, slots, head_dim)."""

    def __init__(self, n_layers: int, batch: int, heads: int, slots: int, head_dim: int,
                 dtype: torch.dtype = torch.float32) -> None:
        shape = (batch, heads, slots, head_dim)
        self.k = [torch.zeros(shape, dtype=dtype) for _ in range(n_layers)]
        self.v = [torch.zeros(shape, dtype=dtype) for _ in range(n_layers)]
        self.batch, self.slots = batch, slots

    def views(self, rows: int, writes: tuple[tuple[int, int, int], ...], read: int) -> list:
        """Per-layer views for one kind of pass, made once per block so that the steps
        only copy and attend: [(k_read, v_read, ((src, n, k_dst, v_dst), ...)), ...].
        writes: (src, dst, n) runs, input tokens [src, src+n) -> slots [dst, dst+n)."""
        out = []
        for k, v in zip(self.k, self.v):
            dst = tuple((src, n, k[:rows, :, d:d + n], v[:rows, :, d:d + n]) for src, d, n in writes)
            out.append((k[:rows, :, :read], v[:rows, :, :read], dst))
        return out

    def share_rows(self, start: int, end: int, rows: int) -> None:
        """Copy batch row 0 of slots [start, end) to rows 1..rows-1.

        Context K/V are prompt-free, so they are computed once at batch 1 and shared by
        the conditional and unconditional rows of CFG."""
        if rows <= 1:
            return
        for buf in (*self.k, *self.v):
            buf[1:rows, :, start:end].copy_(buf[:1, :, start:end].expand(rows - 1, -1, -1, -1))

    def reset(self) -> None:
        for buf in (*self.k, *self.v):
            buf.zero_()

    @property
    def nbytes(self) -> int:
        return sum(b.numel() * b.element_size() for b in (*self.k, *self.v))

    def data_ptrs(self) -> list[int]:
        return [b.data_ptr() for b in (*self.k, *self.v)]


class RingKVCache(KVCache):
    """The block_causal ring of W chunk slots of T frames, plus one global-token slot."""

    def __init__(self, n_layers: int, batch: int, heads: int, head_dim: int, chunk: int,
                 window: int, dtype: torch.dtype = torch.float32) -> None:
        super().__init__(n_layers, batch, heads, window * chunk + 1, head_dim, dtype)
        self.chunk, self.window = chunk, window
        self.global_slot = window * chunk
        # chunk index held by each ring slot; -1 = empty (after reset or drop)
        self.slot_chunk = [-1] * window
        # (1, 1, 1, S) True = may attend; read by SDPA as a broadcast mask
        self.mask = torch.zeros(1, 1, 1, self.slots, dtype=torch.bool)
        self.all_valid = False

    def reset(self) -> None:
        super().reset()
        self.slot_chunk = [-1] * self.window
        self.mask.zero_()
        self.all_valid = False

    def slot_start(self, chunk_index: int) -> int:
        return (chunk_index % self.window) * self.chunk

    def begin(self, chunk_index: int) -> torch.Tensor | None:
        """Claim chunk_index's slot (for encoding it or denoising it) and return the mask
        to attend with: slots holding chunks chunk_index-W+1 .. chunk_index, and the
        global slot.  None when every slot is valid (the steady state)."""
        s = chunk_index % self.window
        self.slot_chunk[s] = chunk_index
        for i, held in enumerate(self.slot_chunk):
            ok = held >= 0 and chunk_index - self.window < held <= chunk_index
            self.mask[..., i * self.chunk:(i + 1) * self.chunk] = ok
        self.mask[..., self.global_slot] = True
        self.all_valid = bool(self.mask.all())
        return None if self.all_valid else self.mask

    def drop_before(self, first_kept: int) -> None:
        """Forget chunks older than first_kept (a context drop); their slots become empty."""
        self.slot_chunk = [c if c >= first_kept else -1 for c in self.slot_chunk]
