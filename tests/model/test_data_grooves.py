"""Procedural grooves: at least 8 labelled styles, each with bass, keys, lead and drums
in range and in key, distinct from one another, deterministic from the seed."""
from __future__ import annotations

import numpy as np
import pytest

from model.codec import DEFAULT_LAYOUT, EXACT, decode, encode
from model.data.corpus import transpose
from model.data.grooves import STYLES, make_groove


def test_at_least_eight_styles():
    assert len(STYLES) >= 8


@pytest.mark.parametrize("style", sorted(STYLES))
def test_style_has_four_stems_in_range_and_roundtrips(style):
    p = make_groove(style, np.random.default_rng(1), bars=8, tonic=2)
    assert p.style == style and p.n_frames == 8 * 16
    for stem in DEFAULT_LAYOUT.stem_names:
        notes = p.stem(stem)
        assert notes, f"{style}: no {stem}"
        spec = DEFAULT_LAYOUT.spec(stem)
        if not spec.drums:
            assert all(spec.low <= n.pitch <= spec.high for n in notes), f"{style} {stem} out of range"
        assert all(0 <= n.start < n.end <= p.n_frames + 16 for n in notes)
    # chord tones: the bass plays the chord's pitch classes on the downbeats
    for start, end, pcs in p.chords:
        down = [n for n in p.stem("bass") if n.start == start]
        assert all(n.pitch % 12 in pcs for n in down)
    assert decode(encode(p.notes, p.n_frames)) == sorted(p.notes, key=lambda n: (n.start, n.stem, n.pitch))


def test_styles_differ_in_drums_and_tempo():
    rng = np.random.default_rng(0)
    kicks, tempi = {}, {}
    for style in STYLES:
        p = make_groove(style, rng, bars=4)
        kicks[style] = tuple(sorted({n.start % 16 for n in p.stem("drums") if n.pitch == 36}))
        tempi[style] = p.bpm
    assert len(set(kicks.values())) >= 6
    assert max(tempi.values()) - min(tempi.values()) > 30


def test_deterministic_and_transposable():
    a = make_groove("funk", np.random.default_rng(9), bars=4)
    b = make_groove("funk", np.random.default_rng(9), bars=4)
    assert a.notes == b.notes and a.bpm == b.bpm
    t = transpose(a, 3)
    assert [n.pitch - 3 for n in t.notes if n.stem != "drums"] == [n.pitch for n in a.notes if n.stem != "drums"]
    assert t.tonic == (a.tonic + 3) % 12
