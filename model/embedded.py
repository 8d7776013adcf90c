"""The embedded default model as an api.Generator: LMDM core + roll codec + features + prompts.

Per block (engine -> generate):
  1. input features of the block's span from the live audio (FeatureStream, the same code
     as training) or from MIDI notes when notes were played (notes_features);
  2. the previous block's features, now fully heard, revise the context (prev_cond);
  3. the stream denoises T = 16 frames (one 4/4 bar at 4 frames per beat) with the mixed
     prompt embedding, CFG, the density control and the mode's input visibility;
  4. the roll decodes to notes (thresholds, minimum length, polyphony, key constraint);
     the decoded notes, re-encoded, replace the raw output as the newest context, so the
     model always continues from a clean roll like the ones it was trained on.
Blocks of other lengths than T frames are served from a frame buffer of whole model
blocks. Re-planning (option replan, on by default): in accompany mode, an engine block that
starts inside a bar already planned (the daemon's default one-beat blocks in accompany
mode) generates that bar again
(LMDMStream.rewind, the same noise) with the bar heard up to this block's schedule point,
and its notes from here on replace the plan; notes already played that the new plan does
not hold end here (StemBlock.ends). Prompts are encoded once per distinct text (PromptEncoder cache).

Checkpoint folder (model/checkpoints/default): the core's model.safetensors + config.yaml,
whose `meta` holds the codec layout, density quantiles, training facts and the tuned
inference settings (`decode`, `sampling`), prompts.safetensors (the MiniLM embeddings
of the training texts: enough for the contract check without loading the encoder) and
harmony.safetensors (the harmony predictor, model/harmony.py: which pitch classes the
beats of a bar not heard yet will want, the chord prior of the decoder in accompany mode).
"""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Sequence

import numpy as np

from model.api import Block, Controls, MidiEvent, NoteEnd, StemBlock
from model.codec import (ROBUST, DecodeOptions, RollLayout, decode, encode, from_latent, parse_key, phrase_controls,
                          scale_groove, to_events, to_latent, uses_phrase)
from model.prompts import PromptEncoder

CHECKPOINT = Path(__file__).resolve().parent / "checkpoints" / "default"
log = logging.getLogger(__name__)


# ---------------------------------------------------------------------------- checkpoint I/O

def write_checkpoint(folder: Path, model, cfg, *, layout: RollLayout, density_quantiles,
                     prompt_texts: list[str], prompt_styles: list[str], prompt_embeddings,
                     training: dict, inference: dict | None = None,
                     style_density: dict[str, float] | None = None) -> None:
    """The core's checkpoint (model.safetensors + config.yaml with our meta) + prompts.
    Inference settings (meta decode, sampling) come from the folder's earlier export, else
    from `inference` (another checkpoint's meta, e.g. the one training started from)."""
    import torch
    from safetensors.torch import save_file

    from model.checkpoint import save_checkpoint
    folder = Path(folder)
    meta = {"kind": "embedded-roll", "layout": layout.to_dict(),
            "density_quantiles": [round(float(q), 6) for q in density_quantiles],
            "controls": ["density"] + (["phrase"] if uses_phrase(cfg.n_controls) else []), "training": training}
    if style_density:  # style -> its typical density control: what /lmdm/density 0.5 plays
        meta["style_density"] = {str(k): float(v) for k, v in style_density.items()}
    old = dict(inference or {})
    if (folder / "config.yaml").exists():  # keep inference settings tuned on an earlier export
        from model.checkpoint import load_config
        try:
            old.update(load_config(folder)[1])
        except ValueError:
            pass
    meta.update({k: old[k] for k in ("decode", "sampling") if k in old})
    save_checkpoint(folder, model, meta=meta)
    save_file({"embedding": torch.as_tensor(np.asarray(prompt_embeddings, np.float32)).contiguous()},
              str(folder / "prompts.safetensors"),
              metadata={"texts": json.dumps(list(prompt_texts)), "styles": json.dumps(list(prompt_styles))})


def set_inference_defaults(folder: Path | str, decode: dict | None = None, sampling: dict | None = None,
                           style_density: dict | None = None) -> dict:
    """Store tuned decoding thresholds / sampler choice / the styles' typical densities in a
    checkpoint's config.yaml meta."""
    import yaml
    path = Path(folder) / "config.yaml"
    doc = yaml.safe_load(path.read_text())
    if style_density is not None:
        doc["meta"]["style_density"] = {str(k): float(v) for k, v in style_density.items()}
    if decode is not None:  # merged: keys not given (e.g. a hand-set "relative") stay
        def plain_value(v):  # YAML-safe: numbers, per-stem dicts (stem_scale), lists of names
            if isinstance(v, dict):
                return {str(k): plain_value(x) for k, x in v.items()}
            if isinstance(v, (list, tuple)):
                return [str(x) for x in v]
            return int(v) if isinstance(v, (int, np.integer)) else float(v)
        plain = {k: plain_value(v) for k, v in decode.items()}
        doc["meta"]["decode"] = {**doc["meta"].get("decode", {}), **plain}
    if sampling is not None:
        doc["meta"]["sampling"] = {**doc["meta"].get("sampling", {}), **dict(sampling)}
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return doc["meta"]


def load_prompt_table(folder: Path | str | None = None) -> dict[str, np.ndarray]:
    """The training texts' MiniLM embeddings shipped with a checkpoint: {text: (384,)}."""
    from safetensors import safe_open
    folder = Path(folder) if folder else CHECKPOINT
    with safe_open(str(folder / "prompts.safetensors"), "pt") as f:
        texts = json.loads(f.metadata()["texts"])
        emb = f.get_tensor("embedding").float().numpy()
    return dict(zip(texts, emb))


def load_checkpoint(folder: Path | str | None = None):
    """-> (model in eval mode, config, meta dict, prompt table {text: embedding}, styles {text: style})."""
    from safetensors import safe_open

    from model.checkpoint import load_checkpoint as load_core
    folder = Path(folder) if folder else CHECKPOINT
    for name in ("model.safetensors", "config.yaml", "prompts.safetensors"):
        if not (folder / name).exists():
            raise FileNotFoundError(f"checkpoint {folder} lacks {name}: train with `lmdm train --export {folder}`")
    model, meta = load_core(folder)
    if meta.get("kind") != "embedded-roll":
        raise ValueError(f"{folder}: not an embedded note-roll checkpoint (meta.kind={meta.get('kind')!r})")
    with safe_open(str(folder / "prompts.safetensors"), "pt") as f:
        md = f.metadata()
        emb = f.get_tensor("embedding").float().numpy()
    texts, styles = json.loads(md["texts"]), json.loads(md["styles"])
    return model, model.cfg, meta, dict(zip(texts, emb)), dict(zip(texts, styles))


# ---------------------------------------------------------------------------- generator

# listen_first: audio at least this loud (dBFS, mean square over a grid frame) counts as the
# performer playing; an open input's hiss or hum is quieter (the features' own silence
# gate, model.features.SILENCE_DB, is -60)
LISTEN_DB = -45.0


class _MidiNotes:
    """Note-on/off from observe()'d MIDI, in input samples since reset."""

    def __init__(self):
        self.reset()

    def reset(self) -> None:
        self.first_note = -1  # input sample of the first note-on since reset (-1: none yet)
        self.open: dict[int, tuple[int, int]] = {}  # pitch -> (velocity, start sample)
        self.done: list[tuple[int, int, int, int]] = []  # pitch, velocity, start, end
        self.last_sample = -1

    def add(self, events: Sequence[MidiEvent], base: int) -> None:
        for e in events:
            if len(e.data) < 3:
                continue
            status, pitch, vel = e.data[0] & 0xF0, e.data[1], e.data[2]
            at = base + int(e.offset)
            self.last_sample = max(self.last_sample, at)
            if status == 0x90 and vel > 0:
                if self.first_note < 0:
                    self.first_note = at
                if pitch in self.open:
                    self._close(pitch, at)
                self.open[pitch] = (vel, at)
            elif status == 0x80 or (status == 0x90 and vel == 0):
                if pitch in self.open:
                    self._close(pitch, at)

    def _close(self, pitch: int, at: int) -> None:
        vel, start = self.open.pop(pitch)
        self.done.append((pitch, vel, start, max(at, start + 1)))

    def features(self, start: int, n: int, spf: float, heard: int) -> np.ndarray | None:
        """notes_features of frames [start + j*spf) for the notes heard so far; None if none."""
        from model.features import notes_features
        lo, hi = start, start + n * spf
        notes = [(p, v, (s - start) / spf / 4.0, (e - start) / spf / 4.0)
                 for p, v, s, e in self.done if e > lo and s < hi]
        notes += [(p, v, (s - start) / spf / 4.0, (heard - start) / spf / 4.0)
                  for p, (v, s) in self.open.items() if s < hi and heard > s]
        if not notes:
            return None
        self.done = [d for d in self.done if d[3] > lo - 64 * spf]  # forget old notes
        return notes_features(notes, n, 4)


class EmbeddedGenerator:
    name = "embedded"

    def __init__(self, sample_rate: int, checkpoint: str | Path | None = None, prompt_encoder: str = "eager",
                 layout: str | None = None, threads: int | None = None, onset_threshold: float | None = None,
                 relative: float | None = None, heard_prior: float | None = None,
                 harmony_prior: float | None = None, groove: dict[str, float] | None = None,
                 groove_drums: dict[str, tuple[str, ...]] | None = None,
                 restrike: Sequence[str] | None = None,
                 sampler: str | None = None, guidance_mode: str | None = None,
                 guide_input: bool | None = None, input_guidance: float | None = None,
                 kernels: str = "mkl", phrase: bool = True, replan: bool = True,
                 listen_first: bool | None = None, harmony: bool | None = None):
        import torch

        from model.features import FeatureStream
        from model.stream import LMDMStream
        if threads:
            torch.set_num_threads(int(threads))
        self.sample_rate = int(sample_rate)
        self.model, self.config, self.meta, table, self.prompt_styles = load_checkpoint(checkpoint)
        self.layout = RollLayout.from_dict(self.meta["layout"])
        self.stems = self.layout.stem_names
        self.fpb = self.layout.frames_per_beat
        self.T = self.config.target_frames
        self.C = self.config.context_frames
        self.stream = LMDMStream(self.model, layout=layout, kernels=kernels)  # kernels: model/transformer.py
        self.features = FeatureStream(self.sample_rate)
        self.midi = _MidiNotes()
        # "eager": load MiniLM now, before the engine goes live; "table": training texts only
        self.prompts = PromptEncoder(table=table, load={"eager": "eager", "lazy": "lazy", "table": "never"}[prompt_encoder])
        # decoding thresholds: tuned after training (checkpoint meta "decode"), overridable
        from dataclasses import replace
        dec = dict(self.meta.get("decode") or {})
        if onset_threshold is not None:
            dec["onset_threshold"] = float(onset_threshold)
        if relative is not None:
            dec["relative"] = float(relative)
        if heard_prior is not None:
            dec["heard_prior"] = float(heard_prior)
        if harmony_prior is not None:
            dec["harmony_prior"] = float(harmony_prior)
        if groove is not None:
            dec["groove"] = {str(k): float(v) for k, v in groove.items()}
        if groove_drums is not None:  # DecodeOptions normalises: a name or a list of names
            dec["groove_drums"] = dict(groove_drums)
        if restrike is not None:
            dec["restrike"] = restrike
        self.decode_options = replace(ROBUST, **dec)
        # sampler choice, tuned after training like the thresholds (meta "sampling")
        smp = dict(self.meta.get("sampling") or {})
        self.sampler = sampler or smp.get("sampler")
        self.guidance_mode = guidance_mode or smp.get("guidance_mode")
        self.temperature_scale = float(smp.get("temperature_scale", 1.0))  # x Controls.temperature
        # own_context False: the model's own past notes never become context (their latents
        # are masked every block, the heard input's features stay): it then answers from
        # what it hears and the prompt alone (chosen by `lmdm eval --tune-stream`)
        self.own_context = bool(smp.get("own_context", True))
        # guide_input: CFG's unconditional branch hears no input either, so guidance also
        # pulls the output towards what the performer plays (chosen like own_context)
        self.guide_input = bool(smp.get("guide_input", False) if guide_input is None else guide_input)
        # input_guidance: a separate guidance scale for the input (a third CFG row that hears
        # the input but no prompt); /lmdm/guidance then scales the prompt alone. None or
        # <= 0: one scale for both
        ig = smp.get("input_guidance") if input_guidance is None else input_guidance
        self.input_guidance = float(ig) if ig is not None and float(ig) > 0 else None
        # phrase: tell a model trained with phrase controls where each bar sits in its phrase
        # (counted from play); False leaves them zero, the "unknown" it was also trained on
        self.phrase = bool(phrase) and uses_phrase(self.config.n_controls)
        # style -> its typical density control (meta style_density): /lmdm/density 0.5 plays
        # the prompted style as busy as it usually is (checkpoints without it: as given)
        self.style_density = {str(k): float(v) for k, v in (self.meta.get("style_density") or {}).items()}
        self._style_keys = {PromptEncoder.key(t): st for t, st in self.prompt_styles.items()}
        names = sorted(set(self.prompt_styles.values()))
        cents = np.stack([np.mean([table[t] for t, st in self.prompt_styles.items() if st == n], 0) for n in names])
        self._style_centroids = (names, cents / np.linalg.norm(cents, axis=1, keepdims=True))
        # replan: when the engine's blocks are shorter than the model's (one beat by default),
        # accompany mode re-generates the rest of the bar at each of them from what has been
        # heard of the bar so far, instead of playing the plan made before the bar began
        self.replan = bool(replan)
        # listen_first: in accompany mode bass, keys and lead wait until the performer has
        # been heard (audio above the features' silence gate, or a MIDI note): before that
        # the harmony is a guess from the prompt alone, in a key the performer has not given
        # yet. Drums play from the first block. (checkpoint meta "sampling")
        self.listen_first = bool(smp.get("listen_first", False) if listen_first is None else listen_first)
        # harmony: the prior of the beats of a bar not heard yet comes from the harmony
        # predictor (model/harmony.py, harmony.safetensors in the checkpoint folder) instead
        # of the last beat heard (checkpoint meta "sampling"). Asked for and missing: an error;
        # the checkpoint's choice and missing (e.g. a fresh export): a warning, and the last beat
        self.harmony = None
        self.harmony_stems: tuple[str, ...] = ()  # stems whose played pitch classes it reads
        if smp.get("harmony", False) if harmony is None else harmony:
            from model.harmony import FILE, TARGET_STEMS, load as load_harmony
            path = Path(checkpoint or CHECKPOINT) / FILE
            if path.exists():
                self.harmony, facts = load_harmony(path)
                if self.harmony.band:  # "band": the stems it learnt to read
                    self.harmony_stems = tuple(facts.get("band") or facts.get("targets", TARGET_STEMS))
            elif harmony:
                raise FileNotFoundError(f"{path} not found: train it with `lmdm harmony train --out {path}`")
            else:
                log.warning("%s not found: the chord prior of beats not heard yet is the last beat heard "
                            "(train it with `lmdm harmony train --out %s`)", path, path)
        self._key_text: str | None = None
        self._key_pcs = None
        self._controls = np.zeros(self.config.n_controls, np.float32)  # staging for the control tensor
        self.reset()

    # -- contract -------------------------------------------------------------------------
    def reset(self) -> None:
        self.stream.reset()
        self.features.reset()
        self.midi.reset()
        self.samples_seen = 0
        self.buffer: list = []  # decoded notes of frames generated but not yet returned
        self.buffered_frames = 0
        self.ends: list[NoteEnd] = []
        self.frame_cursor = 0  # model frames generated since reset
        # the last model bar's (start sample, samples per frame, frames played: T, or fewer
        # when it was cut at a bar line)
        self.prev_span: tuple[int, float, int] | None = None
        self.plan_prev: tuple[int, float, int] | None = None  # prev_span when the buffered bar was planned
        self.plan_vis = 0  # frames of the buffered bar heard when it was planned
        self.emitted: list = []  # notes of the buffered bar already returned, in its frames
        # re-plans since reset; of the earlier plans' pitched notes still sounding at a
        # re-plan, how many the new plan does not hold (they end there: a NoteEnd)
        self.replan_stats = {"replans": 0, "sounding": 0, "not_held": 0}
        self.bar_cuts = 0  # model bars cut short at the engine's bar line (other meters)
        self.last_ms = 0.0
        self.heard_input = False  # listen_first: the performer was heard since reset
        self._listened_to = 0  # input sample up to which heard_input has been checked
        self.played_pcs: dict[int, np.ndarray] = {}  # beat since play -> pitch classes its harmony stems sounded

    def observe(self, audio: np.ndarray, midi: Sequence[MidiEvent]) -> None:
        if midi:
            self.midi.add(midi, self.samples_seen)
        audio = np.asarray(audio, np.float32)
        self.features.push(audio)
        self.samples_seen += audio.shape[0]

    def generate(self, block: Block, controls: Controls) -> StemBlock:
        import time
        t0 = time.perf_counter()
        n = max(1, int(round(block.beats * self.fpb)))
        spf = self.sample_rate * 60.0 / block.bpm / self.fpb
        vis_frames = int(np.floor(block.visible_until / spf)) if block.visible_until >= 0 else \
            -int(np.ceil(-block.visible_until / spf))
        out = []
        done = 0
        self.ends = []  # this block's NoteEnds (a re-plan, a bar cut short)
        self._emitted_before = len(self.emitted)  # notes of the buffered bar returned by earlier calls
        cut = self.stream.layout != "block_causal"  # the model's bars follow the engine's bar lines
        if cut and self.buffered_frames and self._to_bar_line(block, controls, 0)[1]:
            self._cut_bar(block, out, 0)
        if (self.replan and block.mode == "accompany" and 0 < self.buffered_frames < self.T
                and self.stream.can_rewind):
            heard = self.T - self.buffered_frames  # frames of the bar already played
            if vis_frames + heard > self.plan_vis:
                saved = (self.frame_cursor, self.prev_span)
                try:
                    self._replan(block, controls, spf, heard, vis_frames + heard)
                except Exception:
                    self._replan_failed(saved, n, spf, heard)
                    raise
        while done < n:
            if self.buffered_frames == 0:
                first = done - self.buffered_frames  # this model block's offset in the engine block
                self.buffer += self._generate_model_block(block, controls, spf, first, vis_frames - first)
                self.buffered_frames += self.T
                self.emitted = []
                self._emitted_before = 0
            take = min(n - done, self.buffered_frames)
            if cut:
                take = min(take, self._to_bar_line(block, controls, done)[0])
            out += self._take(take, done)
            done += take
            if cut and done < n and self.buffered_frames and self._to_bar_line(block, controls, done)[1]:
                self._cut_bar(block, out, done)
        self.last_ms = (time.perf_counter() - t0) * 1000.0
        return StemBlock(notes=to_events(out, self.fpb), audio=None, ends=self.ends)

    # -- internals ------------------------------------------------------------------------
    def _to_bar_line(self, block: Block, controls: Controls, frame: int) -> tuple[int, bool]:
        """(grid frames from frame `frame` of the engine block to the engine's next bar line
        after it, whether `frame` is on one)."""
        bar = max(int(controls.beats_per_bar), 1) * self.fpb
        pos = controls.bar_position(block.start_beat + frame / self.fpb)[1]
        left = int(round(bar - pos * self.fpb))
        return (left, False) if 0 < left < bar else (bar, True)

    def _cut_bar(self, block: Block, out: list, at: int) -> None:
        """A bar line of the engine's meter comes before the model's bar ends (beats_per_bar
        is not 4, or the bar lines moved): the rest of the model bar is never played and the
        next model bar starts here, so the model's downbeats stay on the performer's. Pitched
        notes of the bar still sounding end here (this call's in `out` are shortened; those
        returned by earlier calls get a NoteEnd at `at`); the stream forgets the frames not
        played, and the next bar's revision of the last bar's input covers the frames played."""
        played, dropped = self.T - self.buffered_frames, self.buffered_frames
        for i, nt in enumerate(out):
            if nt.end > at and nt.stem != "drums":
                out[i] = type(nt)(nt.stem, nt.pitch, nt.velocity, nt.start, at)
        for nt in self.emitted[:self._emitted_before]:
            if nt.end > played and nt.stem != "drums":
                self.ends.append(NoteEnd(nt.stem, int(nt.pitch), at / self.fpb))
        self.stream.trim_latest(dropped)
        if self.prev_span is not None:
            self.prev_span = (self.prev_span[0], self.prev_span[1], played)
        beat = int(np.floor(block.start_beat + at / self.fpb + 1e-6))
        for b in range(beat, beat + -(-dropped // self.fpb)):  # beats the bar would have played
            self.played_pcs.pop(b, None)
        self.buffer, self.buffered_frames, self.emitted, self._emitted_before = [], 0, [], 0
        self.bar_cuts += 1

    def _take(self, frames: int, engine_offset: int) -> list:
        """Notes of the next `frames` buffered frames, re-timed to the engine block."""
        notes, rest = [], []
        played = self.T - self.buffered_frames  # the buffer's frame 0 in the model block
        for nt in self.buffer:
            if nt.start < frames:
                notes.append(type(nt)(nt.stem, nt.pitch, nt.velocity, nt.start + engine_offset,
                                      nt.end + engine_offset))
                self.emitted.append(type(nt)(nt.stem, nt.pitch, nt.velocity, nt.start + played, nt.end + played))
            else:
                rest.append(type(nt)(nt.stem, nt.pitch, nt.velocity, nt.start - frames, nt.end - frames))
        self.buffer = rest
        self.buffered_frames -= frames
        return notes

    def _replan(self, block: Block, controls: Controls, spf: float, heard: int, vis: int) -> None:
        """Generate the buffered bar again, its first `heard` frames played and `vis` heard,
        with the same noise (seed), so it changes only where what was heard moves it. Its
        notes from frame `heard` on replace the buffer; a pitch the new plan holds through
        `heard` that is not sounding enters there (pitched stems, at least 2 frames left);
        a pitched note already played that sounds on at `heard` but is not held by the new
        plan ends there (a NoteEnd at the start of this engine block)."""
        T = self.T
        self.stream.rewind()
        self.frame_cursor -= T
        self.prev_span = self.plan_prev
        notes = self._generate_model_block(block, controls, spf, -heard, vis, again=True)
        # earlier notes still sounding here that the new plan does not hold end now
        held = {(n.stem, n.pitch) for n in notes if n.start <= heard < n.end}
        over = [i for i, n in enumerate(self.emitted) if n.end > heard and n.stem != "drums"]
        self.replan_stats["sounding"] += len(over)
        for i in over:
            n = self.emitted[i]
            if (n.stem, n.pitch) not in held:
                self.ends.append(NoteEnd(n.stem, int(n.pitch), 0.0))
                self.emitted[i] = type(n)(n.stem, n.pitch, n.velocity, n.start, heard)
        self.replan_stats["not_held"] += len(self.ends)
        sounding = {(n.stem, n.pitch) for n in self.emitted if n.end > heard}
        buf = []
        for nt in notes:
            if nt.start < heard:
                if nt.end - heard < 2 or nt.stem == "drums" or (nt.stem, nt.pitch) in sounding:
                    continue
                nt = type(nt)(nt.stem, nt.pitch, nt.velocity, heard, nt.end)
            buf.append(type(nt)(nt.stem, nt.pitch, nt.velocity, nt.start - heard, nt.end - heard))
        self.buffer = buf
        self.buffered_frames = T - heard
        if self.own_context:  # the context is the bar as it will have been played
            played = self.emitted + [type(nt)(nt.stem, nt.pitch, nt.velocity, nt.start + heard, nt.end + heard)
                                     for nt in buf]
            self._replace_newest_context(to_latent(encode(played, T, self.layout)))
        self.replan_stats["replans"] += 1

    def _replan_failed(self, saved: tuple, n: int, spf: float, heard: int) -> None:
        """A re-plan raised (the engine plays this block silent and reports it): keep the
        old plan and the bar's place. The stream gets the bar back if it was rewound and not
        generated again; the failed block's frames leave the buffer unplayed."""
        self.frame_cursor, self.prev_span = saved
        self.ends = []
        if not self.stream.can_rewind:  # rewound, the bar not generated again: the old plan
            bar_start = self.prev_span[0] if self.prev_span else 0
            plan = self.emitted + [type(nt)(nt.stem, nt.pitch, nt.velocity, nt.start + heard, nt.end + heard)
                                   for nt in self.buffer]
            self.stream.push(to_latent(encode(plan, self.T, self.layout)), self._features(bar_start, self.T, spf))
        skip = min(n, self.buffered_frames)
        self.buffer = [type(nt)(nt.stem, nt.pitch, nt.velocity, nt.start - skip, nt.end - skip)
                       for nt in self.buffer if nt.start >= skip]
        self.buffered_frames -= skip

    def _generate_model_block(self, block: Block, controls: Controls, spf: float, first: int, vis: int,
                              again: bool = False) -> list:
        """Generate one model block (T frames) starting `first` frames into the engine block,
        `vis` of its frames heard; -> its decoded notes, in its own frames. again: the same
        block once more after stream.rewind() (a re-plan: same noise; block_causal cannot
        revise the previous block's features a second time)."""
        import torch
        T = self.T
        start = block.start_sample + int(round(first * spf))
        free = block.mode == "free"
        cond = prev = None
        if not free:
            cond = self._features(start, T, spf)
            if self.prev_span is not None and not (again and self.stream.layout == "block_causal"):
                ps, pspf, pn = self.prev_span
                prev = self._features(ps, pn, pspf)
        visible = -self.C if free else max(-self.C, min(T, vis))
        prompts = self.prompts.weighted(controls.prompts)
        beat = block.start_beat + first / self.fpb  # beats since play
        self._control_vector(controls, controls.bar_position(beat)[0])
        keep = int(round(controls.context_beats * self.fpb)) if self.own_context else 0
        if keep < self.C:
            self.stream.drop_context(keep)
        seed = None if controls.seed is None else int(controls.seed) * 100003 + self.frame_cursor // T
        if seed is None:  # unseeded: a re-plan of this bar starts from the same noise all the same
            if again:
                self.stream.generator.set_state(self._noise_state)
            else:
                self._noise_state = self.stream.generator.get_state()
        y = self.stream.generate(cond, visible_until=visible, prev_cond=prev, prompts=prompts,
                                 controls=torch.from_numpy(self._controls), steps=int(controls.steps),
                                 guidance=float(controls.guidance), temperature=float(controls.temperature) * self.temperature_scale,
                                 seed=seed, sampler=self.sampler, guidance_mode=self.guidance_mode,
                                 guide_input=self.guide_input and not free,
                                 input_guidance=self.input_guidance)
        roll = from_latent(y.numpy())  # (T, channels) in [0, 1]
        opts = self._decode_options(controls)
        heard = predicted = None
        if opts.chord_tones > 0 and opts.heard_prior > 0 and not free:
            pre = self._features(start - int(round(self.fpb * spf)), T + self.fpb, spf)
            heard = heard_pitch_classes(pre, visible, self.fpb, T // self.fpb)
            if self.harmony is not None:
                heard, predicted = self._anticipate(heard, start, visible, spf, beat, controls)
        notes = decode(roll, self.layout, opts, heard, predicted)
        if self.listen_first and block.mode == "accompany" and not self._heard_input(start + int(visible * spf), spf):
            notes = [nt for nt in notes if self.layout.spec(nt.stem).drums]
        if self.own_context:  # otherwise the next block masks this one out anyway
            self._replace_newest_context(to_latent(encode(notes, T, self.layout)))
        if self.harmony_stems and not free:
            b0 = int(np.floor(beat + 1e-6))
            if not again and self.played_pcs and b0 <= max(self.played_pcs) - self.T // self.fpb:
                self.played_pcs.clear()  # play started again (beats count from 0) without a reset
            # a re-plan keeps the beats already played (first = -frames played)
            self._remember_harmony(notes, b0, max(0, -first) // self.fpb if again else 0)
        self.frame_cursor += T
        self.plan_prev, self.plan_vis = self.prev_span, visible
        self.prev_span = (start, spf, T)
        return notes

    def _anticipate(self, heard: np.ndarray, start: int, visible: int, spf: float, beat: float,
                    controls: Controls) -> tuple[np.ndarray, int]:
        """heard_pitch_classes' prior of a block starting at sample `start` (`visible` of its
        frames heard, beat `beat` since play, bars in the meter of `controls`) with each beat
        not heard at all replaced by the harmony predictor's pitch-class probabilities, from
        the input's last (its history) whole beats heard and the prompt the stream mixed for
        this block -> (prior, its first predicted row)."""
        from model.harmony import beat_chroma
        keep = self.harmony.shape["history"]
        fpb = self.fpb
        first = -(-max(visible, 0) // fpb)  # the block's first beat with no frame heard
        if first >= len(heard):
            return heard, len(heard)
        # the history ends after the last beat heard at least half (block beats; may be < 0):
        # a plan made a few frames before its bar still counts the bar's last beat as heard
        ends = (visible + fpb // 2) // fpb
        feats = self._features(start + int(round((ends - keep) * fpb * spf)), keep * fpb, spf)
        prompt = self.stream.mixed_prompt
        if prompt is not None and prompt.shape[0] == self.harmony.shape["prompt_dim"]:
            prompt = prompt.numpy()
        else:
            prompt = None
        b0 = int(np.floor(beat + 1e-6))
        positions = [int(controls.bar_position(b0 + b)[1] + 1e-6) for b in range(first, len(heard))]
        band = None
        if self.harmony_stems:  # what the band played in the same history beats
            zero = np.zeros(12, np.float32)
            band = np.stack([self.played_pcs.get(b, zero) for b in range(b0 + ends - keep, b0 + ends)])
        out = heard.copy()
        out[first:] = self.harmony.predict(beat_chroma(feats, fpb), first - ends, positions, prompt, band)
        return out, first

    def _remember_harmony(self, notes: list, b0: int, from_beat: int) -> None:
        """Record the pitch classes the harmony stems' notes of a block starting at beat b0
        sound in each of its beats from `from_beat` on (the harmony predictor's band history)."""
        fpb = self.fpb
        beats = np.zeros((self.T // fpb, 12), np.float32)
        for nt in notes:
            if nt.stem in self.harmony_stems:
                beats[nt.start // fpb:-(-nt.end // fpb), nt.pitch % 12] = 1.0
        for b in range(from_beat, len(beats)):
            self.played_pcs[b0 + b] = beats[b]
        for b in [b for b in self.played_pcs if b < b0 - 2 * self.harmony.shape["history"]]:
            del self.played_pcs[b]

    def _heard_input(self, upto: int, spf: float) -> bool:
        """listen_first: did the performer play before sample `upto`: audio with pitch (a
        chroma or bass-chroma peak) at least LISTEN_DB loud in one frame, or a MIDI note-on,
        since reset? Hiss and hum from an open input below that level do not count.
        (sticky; each call reads only the input not read before)"""
        if not self.heard_input and upto > self._listened_to:
            from model.features import BASS, CHROMA, LOUDNESS, SILENCE_DB
            n = int(np.ceil((upto - self._listened_to) / spf))
            f = self.features.grid(self._listened_to, n, spf)  # the audio's own features
            loud = f[:, LOUDNESS] >= (LISTEN_DB - SILENCE_DB) / -SILENCE_DB
            pitched = (f[:, CHROMA] + f[:, BASS]).max(axis=1) > 0.5
            note = 0 <= self.midi.first_note < upto
            self.heard_input = bool((loud & pitched).any()) or note
            self._listened_to = upto
        return self.heard_input

    def _features(self, start: int, n: int, spf: float) -> np.ndarray:
        feats = self.features.grid(start, n, spf)  # (n, 26); unheard frames are zeros
        notes = self.midi.features(start, n, spf, self.samples_seen)
        if notes is not None:  # MIDI input: its features wherever notes sound
            sounding = notes[:, -1] > 0
            feats = np.where(sounding[:, None], notes, feats).astype(np.float32)
        return feats

    def _control_vector(self, controls: Controls, bar: int) -> np.ndarray:
        """The model's controls for bar `bar` (counted from 0 at play, as /lmdm/status
        counts from 1): the density and, for a model trained with them, where the bar sits
        in its phrase (phrases start on play: bars 1, 5, 9, ... begin a 4-bar group)."""
        self._controls[0] = self._density(controls)
        if self.phrase:
            self._controls[1:] = phrase_controls(bar)
        return self._controls

    def _density(self, controls: Controls) -> float:
        """The model's density control for /lmdm/density d: d = 0.5 is the prompts' typical
        density (their styles' style_density, weighted like the prompts), 0 and 1 the
        sparsest and busiest bars of training, linear in between."""
        d = float(np.clip(controls.density, 0.0, 1.0))
        if not self.style_density:
            return d
        acc = total = 0.0
        for text, w in controls.prompts:
            style = self._style_of(text) if text.strip() and w > 0 else None
            if style in self.style_density:
                acc, total = acc + w * self.style_density[style], total + w
        typical = acc / total if total > 0 else 0.5
        return 2 * d * typical if d <= 0.5 else typical + (2 * d - 1) * (1 - typical)

    def _style_of(self, text: str) -> str:
        """A training text's style, else the style whose texts' mean embedding is nearest."""
        key = PromptEncoder.key(text)
        if key not in self._style_keys:
            names, cents = self._style_centroids
            e = np.asarray(self.prompts.encode(text), np.float32)
            self._style_keys[key] = names[int(np.argmax(cents @ (e / (np.linalg.norm(e) + 1e-9))))]
        return self._style_keys[key]

    def _decode_options(self, controls: Controls) -> DecodeOptions:
        if controls.key != self._key_text:
            self._key_text = controls.key
            try:
                self._key_pcs = parse_key(controls.key) if controls.key else None
            except ValueError:
                self._key_pcs = None  # the OSC layer validates keys; an unreadable one is ignored
        from dataclasses import replace
        opts = self.decode_options
        if controls.groove != 0.5:  # the performer's groove control; 0.5 = as tuned
            pitched = [s.name for s in self.layout.stems if not s.drums]
            opts = replace(opts, groove=scale_groove(opts.groove, controls.groove, pitched))
            if controls.groove <= 0.0:  # 0: the stems ignore the drums altogether
                opts = replace(opts, restrike=())
        if self._key_pcs is not None:
            opts = replace(opts, pitch_classes=self._key_pcs)
        return opts

    def _replace_newest_context(self, latent: np.ndarray) -> None:
        """The clean (decoded, re-encoded) roll replaces the raw output as the newest
        context, so the model always continues from a roll like the ones it was trained on."""
        self.stream.replace_latest(np.ascontiguousarray(latent, np.float32))


def heard_pitch_classes(feats: np.ndarray, visible: int, fpb: int, beats: int) -> np.ndarray:
    """(beats, 12) pitch-class levels the performer was last heard playing, per beat of a
    block: feats (fpb + T, FEATURE_DIM) are the input features of the beat before the block
    and of the block, of which the block's first `visible` frames were heard. A beat with
    heard frames gets their chroma plus bass chroma; a beat not heard yet gets the last
    heard beat's (harmony most often holds from one beat to the next)."""
    from model.features import BASS, CHROMA
    chroma = feats[:, CHROMA] + feats[:, BASS]
    rel = np.arange(len(feats)) - fpb  # frame index in the block
    out = np.zeros((beats, 12), np.float32)
    pre = rel < min(0, visible)
    last = chroma[pre].sum(0) if pre.any() else np.zeros(12, np.float32)
    for b in range(beats):
        m = (rel >= b * fpb) & (rel < (b + 1) * fpb) & (rel < visible)
        if m.any():
            last = chroma[m].sum(0)
        out[b] = last
    return out


def create(sample_rate: int, **options) -> EmbeddedGenerator:
    """Registered in model/api.py as "embedded". Options: checkpoint, prompt_encoder
    ("eager" | "lazy" | "table"), layout, threads, onset_threshold, relative, heard_prior
    (the weight of the pitch classes heard last in each chord choice), harmony_prior (that of
    the harmony predictor's, for the beats not heard yet), groove ({stem: share}: how much
    each pitched stem starts its notes with the drums, codec.DecodeOptions.groove), groove_drums
    ({stem: drum class names} it locks to), restrike (pitched stems whose held notes are
    struck again on those drums' hits, codec.DecodeOptions.restrike), sampler,
    guidance_mode, guide_input, input_guidance, kernels ("mkl" | "onednn": the GEMM library),
    phrase (False: a phrase-trained model is not told where its bars sit), replan (False:
    engine blocks shorter than a bar play the bar's plan as made before it began),
    listen_first (None: the checkpoint's choice; True: in accompany mode the pitched stems
    wait until the performer was heard), harmony (None: the checkpoint's choice; True: the
    harmony predictor's chord prior for the beats not heard yet, model/harmony.py)."""
    return EmbeddedGenerator(sample_rate, **options)
