"""LMDMConfig: every size and switch of the LMDM core, plus the presets.

A model is fully described by this dataclass: the checkpoint stores it as YAML next to
the safetensors weights (model/checkpoint.py), and the stream, the sampler and the
trainer read their defaults from it.  Unknown keys are an error that names the key.

    cfg = LMDMConfig.preset("tiny")                          # tests
    cfg = LMDMConfig.preset("default", latent_dim=200, cond_dim=26, prompt_dim=384)
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

LAYOUTS: tuple[str, ...] = ("bidirectional", "enc_dec", "block_causal")
# the GEMM library of the layers at inference (model/transformer.py, "GEMM kernels")
KERNELS: tuple[str, ...] = ("mkl", "onednn")
SAMPLERS: tuple[str, ...] = ("euler", "pingpong")
GUIDANCE_MODES: tuple[str, ...] = ("cfg", "cfg++")
ACTIVATIONS: tuple[str, ...] = ("silu", "gelu_tanh", "gelu")


@dataclass
class LMDMConfig:
    # --- what a frame is -------------------------------------------------------------
    latent_dim: int = 64  # channels of the continuous latent per frame (note roll or VAE)
    cond_dim: int = 0  # per-frame conditioning channels (26 = live-input features)
    prompt_dim: int = 0  # global prompt embedding (384 = all-MiniLM-L6-v2); 0 = none
    n_controls: int = 0  # scalar controls (density, ...) folded into the global token

    # --- the window: C context frames, then T target frames -----------------------------
    context_frames: int = 128  # C: 8 bars at 4 frames per beat
    target_frames: int = 16  # T: one 4/4 bar; also the chunk size of block_causal
    # block_causal: a chunk sees itself and the previous W-1 chunks. 0 = C // T + 1, so
    # the target sees exactly the same C frames as the other layouts.
    window_chunks: int = 0

    # --- the network ------------------------------------------------------------------
    d_model: int = 192
    n_layers: int = 6
    n_heads: int = 6
    mlp_ratio: float = 3.0  # 3x, not 4x: on two cores the MLP is most of the step cost
    # MLP activation.  The presets use SiLU (2-3x cheaper than tanh-GELU on the CPU at
    # T+1 tokens); the field defaults to gelu_tanh because checkpoints written before
    # the field existed were trained with it and must load unchanged.
    activation: str = "gelu_tanh"
    rope_base: float = 10000.0
    qk_norm: bool = True  # RMS-normed q and k: keeps logits bounded without warmup tricks
    # Add the global conditioning vector (time + prompt + controls) to every target
    # token's input as well as putting it in the global token.  Exact-cache safe
    # (context tokens never get it) and gives a small model a direct path to the
    # timestep; see docs/model.md "Conditioning".
    cond_to_targets: bool = True
    layout: str = "enc_dec"  # default attention layout for streaming and training

    # --- sampler defaults (the stream may override per call) ---------------------------
    sampler: str = "pingpong"
    guidance_mode: str = "cfg++"
    logsnr_min: float = -6.0  # paper's schedule: logSNR = linspace(min, max, N+1)
    logsnr_max: float = 2.0
    # frames of context kept when the dominant prompt flips (paper: 12 of 192);
    # 0 = C // 16.  block_causal rounds up to whole chunks.
    flip_keep_frames: int = 0

    # --- training (model/training.py) ------------------------------------------------
    ctx_drop_all: float = 0.2  # whole context zeroed (paper)
    ctx_drop_lead: float = 0.3  # a random leading part zeroed (paper)
    prompt_drop: float = 0.1  # prompt -> null embedding, for CFG
    preset: str = "custom"

    def __post_init__(self) -> None:
        self.validate()

    # ---- derived -------------------------------------------------------------------
    @property
    def head_dim(self) -> int:
        return self.d_model // self.n_heads

    @property
    def window(self) -> int:
        """W of block_causal: the chunk itself plus W-1 cached chunks."""
        return self.window_chunks or self.context_frames // self.target_frames + 1

    @property
    def keep_on_flip(self) -> int:
        return self.flip_keep_frames or max(1, self.context_frames // 16)

    # ---- validation and (de)serialisation ----------------------------------------------
    def validate(self) -> None:
        def need(ok: bool, msg: str) -> None:
            if not ok:
                raise ValueError(f"LMDMConfig: {msg}")

        need(self.latent_dim > 0, f"latent_dim must be > 0, got {self.latent_dim}")
        need(self.cond_dim >= 0 and self.prompt_dim >= 0 and self.n_controls >= 0,
             "cond_dim, prompt_dim, n_controls must be >= 0")
        need(self.context_frames > 0 and self.target_frames > 0, "context and target frames must be > 0")
        need(self.d_model % self.n_heads == 0, f"d_model {self.d_model} not divisible by n_heads {self.n_heads}")
        need(self.head_dim % 2 == 0, f"head_dim {self.head_dim} must be even for RoPE")
        need(self.layout in LAYOUTS, f"layout {self.layout!r} not in {LAYOUTS}")
        need(self.activation in ACTIVATIONS, f"activation {self.activation!r} not in {ACTIVATIONS}")
        need(self.sampler in SAMPLERS, f"sampler {self.sampler!r} not in {SAMPLERS}")
        need(self.guidance_mode in GUIDANCE_MODES, f"guidance_mode {self.guidance_mode!r} not in {GUIDANCE_MODES}")
        need(self.window_chunks >= 0, "window_chunks must be >= 0")
        need(self.window >= 2, f"block_causal window must be >= 2 chunks, got {self.window}")
        need(self.context_frames % self.target_frames == 0 or self.layout != "block_causal",
             f"block_causal needs context_frames ({self.context_frames}) to be a multiple of "
             f"target_frames ({self.target_frames})")
        need(self.logsnr_min < self.logsnr_max, "logsnr_min must be < logsnr_max")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "LMDMConfig":
        known = {f.name for f in fields(cls)}
        for key in data:
            if key not in known:
                raise ValueError(f"LMDMConfig: unknown key {key!r}")
        return cls(**data)

    def replace(self, **changes) -> "LMDMConfig":
        return replace(self, **changes)

    @classmethod
    def preset(cls, name: str, **overrides) -> "LMDMConfig":
        if name not in PRESETS:
            raise ValueError(f"unknown preset {name!r}; available: {', '.join(PRESETS)}")
        return cls.from_dict({**PRESETS[name], "preset": name, **overrides})


PRESETS: dict[str, dict] = {
    # Seconds-fast tests: every feature on (per-frame cond, prompt, controls), tiny sizes.
    "tiny": dict(latent_dim=8, cond_dim=5, prompt_dim=12, n_controls=2, context_frames=32,
                 target_frames=8, d_model=32, n_layers=2, n_heads=2, mlp_ratio=2.0,
                 activation="silu"),
    # Sized for the real-time budget on two CPU cores (docs/performance.md): 8 bars of
    # context, 1-bar blocks at 4 frames per beat, MiniLM prompts, live-input features.
    "default": dict(latent_dim=128, cond_dim=26, prompt_dim=384, n_controls=2,
                    context_frames=128, target_frames=16, d_model=192, n_layers=6,
                    n_heads=6, mlp_ratio=3.0, activation="silu"),
    # For a GPU: the paper's 192/48 window on a wider, deeper network.
    "large": dict(latent_dim=64, cond_dim=26, prompt_dim=384, n_controls=2,
                  context_frames=192, target_frames=48, d_model=768, n_layers=16,
                  n_heads=12, mlp_ratio=4.0, activation="silu"),
}
