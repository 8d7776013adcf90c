"""Rectified-flow sampling: the paper's logSNR schedule, Euler and ping-pong, CFG and CFG++.

Convention: x_t = (1 - t) x0 + t eps, t = 1 is pure noise, the network predicts
v = eps - x0, so x0_hat = x - t v and eps_hat = x + (1 - t) v.

Guidance (conditional and unconditional velocities come from one batch of 2):
    v_g = v_u + w (v_c - v_u)
- cfg:   step with v_g (Euler: x += (t' - t) v_g; ping-pong: x0_hat(v_g) re-noised with
         fresh noise).
- cfg++: the guided x0_hat, but the noise part of the next state comes from the
         unconditional branch (Chung et al.'s CFG++, as adapted in the LMDM reference
         code): Euler  x' = x0_hat(v_g) + t' v_u;
                 ping-pong x' = x0_hat(v_g) + t' (eps - x0_hat(v_u)).
  This keeps guidance from compounding across steps, which over-saturates at 8 steps.
"""
from __future__ import annotations

import math
from typing import Callable

import torch

# velocity(x, i, t): the step index i lets the caller use per-step precomputed inputs;
# -> (v_cond, v_uncond or None) or (v_cond, v_uncond, v_guided) when the caller combines
# more than two rows itself (the stream's separate input guidance)
Velocity = Callable[[torch.Tensor, int, float], tuple]


def logsnr_schedule(steps: int, logsnr_min: float = -6.0, logsnr_max: float = 2.0) -> list[float]:
    """t_0 = 1 > t_1 > ... > t_N = 0 with logSNR uniform in [min, max] in between.

    logSNR = log((1-t)/t), so t = sigmoid(-logSNR); the ends are pinned to exactly 1 and 0
    as in the reference code (the first step starts from pure noise, the last one lands
    on the data)."""
    if steps < 1:
        raise ValueError(f"steps must be >= 1, got {steps}")
    ts = []
    for i in range(steps + 1):
        lam = logsnr_min + (logsnr_max - logsnr_min) * i / steps
        ts.append(1.0 / (1.0 + math.exp(lam)))
    ts[0], ts[-1] = 1.0, 0.0
    return ts


def guided_split(v_full: torch.Tensor, v_none: torch.Tensor, v_input: torch.Tensor,
                 w_input: float, w_prompt: float) -> torch.Tensor:
    """Separate input and prompt guidance over three rows (full = prompt + input, none =
    neither, input = input only): v_none + w_input (v_input - v_none) + w_prompt (v_full -
    v_input).  Equal scales give guided(v_full, v_none, w)."""
    return torch.lerp(v_none, v_input, w_input).add_(v_full - v_input, alpha=w_prompt)


def guided(v_c: torch.Tensor, v_u: torch.Tensor | None, guidance: float) -> torch.Tensor:
    if v_u is None or guidance == 1.0:
        return v_c
    return torch.lerp(v_u, v_c, guidance)  # v_u + w (v_c - v_u)


@torch.inference_mode()
def sample(velocity: Velocity, x: torch.Tensor, schedule: list[float], *, guidance: float = 1.0,
           sampler: str = "pingpong", guidance_mode: str = "cfg",
           generator: torch.Generator | None = None, noise: torch.Tensor | None = None,
           noise_scale: float = 1.0) -> torch.Tensor:
    """Integrate from x at t = schedule[0] down to schedule[-1]; x is updated in place.

    velocity(x, i, t) -> (v_cond, v_uncond or None), both shaped like x, or
    (v_cond, v_uncond, v_guided) to replace the two-row guidance below.  `noise` is an
    optional preallocated buffer like x for ping-pong's fresh noise; `noise_scale` scales
    that fresh noise (the temperature: ping-pong re-draws the noise at every step, so
    scaling only the initial noise would leave the result almost unchanged).
    """
    if sampler not in ("euler", "pingpong"):
        raise ValueError(f"unknown sampler {sampler!r}")
    if guidance_mode not in ("cfg", "cfg++"):
        raise ValueError(f"unknown guidance mode {guidance_mode!r}")
    if noise is None and sampler == "pingpong":
        noise = torch.empty_like(x)
    for i in range(len(schedule) - 1):
        t, t_next = schedule[i], schedule[i + 1]
        res = velocity(x, i, t)
        v_c, v_u = res[0], res[1]
        v = res[2] if len(res) > 2 else guided(v_c, v_u, guidance)
        plus = guidance_mode == "cfg++" and v_u is not None and guidance != 1.0
        # x0 = x - t v as one fused op (alpha), not two: a step has only a few
        # thousand elements, so the op count is the cost
        if sampler == "euler":
            if plus:
                x0 = torch.add(x, v, alpha=-t)
                x.copy_(x0.add_(v_u, alpha=t_next))
            else:
                x.add_(v, alpha=t_next - t)
            continue
        # ping-pong: jump to the x0 estimate, re-noise to t_next
        x0 = torch.add(x, v, alpha=-t)
        if t_next == 0.0:
            x.copy_(x0)
            continue
        torch.randn(x.shape, generator=generator, out=noise)
        if noise_scale != 1.0:
            noise.mul_(noise_scale)
        if plus:
            x0_u = torch.add(x, v_u, alpha=-t)
            x.copy_(x0.add_(noise.sub_(x0_u), alpha=t_next))
        else:
            x.copy_(x0.mul_(1.0 - t_next).add_(noise, alpha=t_next))
    return x
