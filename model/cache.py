"""Preallocated key/value caches for the two cached layouts.

Both are one fixed buffer per layer, allocated once and written by slot index (the
gpt-fast pattern); nothing grows, nothing is concatenated per step.  Buffers are
token-major, (batch, slots, heads, head_dim): a step's keys and values leave the qkv
projection in exactly that layout, so RoPE writes the rotated keys straight into their
slots and the values need one contiguous copy; attention reads the slots through a
(batch, heads, slots, head_dim) strided view, which SDPA takes as is.

enc_dec (`KVCache` with S = C + T + 1 slots):

    slots  [0, C)          context K/V, written once per block (step 0)
           [C, C+T+1)      target + global K/V, overwritten at every denoising step

block_causal (`RingKVCache` with S = W*T + 1 slots):

    slots  [sT, sT+T)      ring slot s in 0..W-2 holds context chunk k with k mod (W-1) = s
           [(W-1)T, WT)    the work area: the chunk being denoised (target), or being
                           encoded as context
           [WT, WT+1)      the global token of the block being denoised

The target chunk and the global token are adjacent, so every denoising step writes one
contiguous run of T+1 slots.  A finished chunk k is encoded in the work area (it sees
the W-1 ring slots, i.e. chunks k-W+1..k-1, and itself) and then copied into ring slot
k mod (W-1), once per block, overwriting chunk k-W+1: the chunk that just left the
window of every later chunk.  So every read is over the whole buffer, and only the
first blocks after a reset (or a context drop) need a validity mask.  Keys are rotated
at absolute frame positions (float64 angles, see transformer.Rotary), so a cached key
stays valid however far the window slides, and moving it between slots changes nothing
(attention does not depend on the order of the keys).
"""
from __future__ import annotations

import torch


class KVCache:
    """Per-layer K and V buffers of shape (batch, slots, heads, head_dim)."""

    def __init__(self, n_layers: int, batch: int, heads: int, slots: int, head_dim: int,
                 dtype: torch.dtype = torch.float32) -> None:
        shape = (batch, slots, heads, head_dim)
        self.k = [torch.zeros(shape, dtype=dtype) for _ in range(n_layers)]
        self.v = [torch.zeros(shape, dtype=dtype) for _ in range(n_layers)]
        self.batch, self.slots, self.head_dim = batch, slots, head_dim

    def views(self, rows: int, writes: tuple[tuple[int, int, int], ...], read: int) -> list:
        """Per-layer views for one kind of pass, made once per block so that the steps
        only write and attend: [(k_read, v_read, ((src, n, k_dst, v_dst), ...)), ...] with
        k_read (rows, H, read, hd) (a strided view for SDPA), k_dst a complex64 view
        (rows, n, H, hd/2) that RoPE writes into, v_dst (rows, n, H, hd).
        writes: (src, dst, n) runs, input tokens [src, src+n) -> slots [dst, dst+n)."""
        out = []
        half = self.head_dim // 2
        for k, v in zip(self.k, self.v):
            dst = tuple((src, n, torch.view_as_complex(k[:rows, d:d + n].unflatten(-1, (half, 2))),
                         v[:rows, d:d + n]) for src, d, n in writes)
            out.append((k[:rows, :read].transpose(1, 2), v[:rows, :read].transpose(1, 2), dst))
        return out

    def share_rows(self, start: int, end: int, rows: int) -> None:
        """Copy batch row 0 of slots [start, end) to rows 1..rows-1.

        Context K/V are prompt-free, so they are computed once at batch 1 and shared by
        the conditional and unconditional rows of CFG."""
        if rows <= 1:
            return
        for buf in (*self.k, *self.v):
            buf[1:rows, start:end].copy_(buf[:1, start:end].expand(rows - 1, -1, -1, -1))

    def copy_row(self, src: int, dst: int, start: int, end: int) -> None:
        """Copy batch row src of slots [start, end) to batch row dst."""
        for buf in (*self.k, *self.v):
            buf[dst, start:end].copy_(buf[src, start:end])

    def reset(self) -> None:
        for buf in (*self.k, *self.v):
            buf.zero_()

    @property
    def nbytes(self) -> int:
        return sum(b.numel() * b.element_size() for b in (*self.k, *self.v))

    def data_ptrs(self) -> list[int]:
        return [b.data_ptr() for b in (*self.k, *self.v)]


class RingKVCache(KVCache):
    """The block_causal ring of W-1 context chunk slots, the work area of one chunk, and
    one global-token slot (W*T + 1 slots in all)."""

    def __init__(self, n_layers: int, batch: int, heads: int, head_dim: int, chunk: int,
                 window: int, dtype: torch.dtype = torch.float32) -> None:
        super().__init__(n_layers, batch, heads, window * chunk + 1, head_dim, dtype)
        self.chunk, self.window = chunk, window
        self.ring = window - 1  # context chunks held
        self.work = self.ring * chunk  # first slot of the work area
        self.global_slot = window * chunk
        # chunk index held by each ring slot; -1 = empty (after reset or drop)
        self.slot_chunk = [-1] * self.ring
        # (1, 1, 1, S) True = may attend; read by SDPA as a broadcast mask
        self.mask = torch.zeros(1, 1, 1, self.slots, dtype=torch.bool)
        self.all_valid = False

    def reset(self) -> None:
        super().reset()
        self.slot_chunk = [-1] * self.ring
        self.mask.zero_()
        self.all_valid = False

    def begin(self, chunk_index: int) -> torch.Tensor | None:
        """Start work on chunk chunk_index (encoding it or denoising it) in the work area;
        return the mask to attend with: ring slots holding chunks chunk_index-W+1 ..
        chunk_index-1, the work area and the global slot.  None when every slot is
        valid (the steady state)."""
        T = self.chunk
        for i, held in enumerate(self.slot_chunk):
            self.mask[..., i * T:(i + 1) * T] = held >= 0 and chunk_index - self.window < held < chunk_index
        self.mask[..., self.work:] = True
        self.all_valid = bool(self.mask.all())
        return None if self.all_valid else self.mask

    def commit(self, chunk_index: int, rows: int) -> None:
        """The work area holds chunk chunk_index encoded as context (batch row 0): copy it
        into its ring slot for all `rows` batch rows (CFG shares the prompt-free K/V)."""
        s = chunk_index % self.ring
        T, w = self.chunk, self.work
        for buf in (*self.k, *self.v):
            buf[:rows, s * T:(s + 1) * T].copy_(buf[:1, w:w + T].expand(rows, -1, -1, -1))
        self.slot_chunk[s] = chunk_index

    def drop_before(self, first_kept: int) -> None:
        """Forget chunks older than first_kept (a context drop); their slots become empty."""
        self.slot_chunk = [c if c >= first_kept else -1 for c in self.slot_chunk]
