"""The callback-side structures (bridge/rings.py), driven like the callback drives them,
with numpy arrays standing in for port buffers (pure logic: no JACK needed here)."""
from __future__ import annotations

import numpy as np

from bridge.rings import EventRing, Exchange, SampleRing, Timeline


def test_sample_ring_keeps_absolute_frames_across_wraps():
    ring = SampleRing(2, capacity=1 << 15, slack=1024)
    rng = np.random.default_rng(0)
    sent = rng.standard_normal((2, 50_000)).astype(np.float32)
    got, pos = [], 0
    while pos < sent.shape[1]:
        n = min(777, sent.shape[1] - pos)  # an odd period: writes straddle the wrap
        ring.write(pos, [sent[0, pos:pos + n], sent[1, pos:pos + n]], n)
        pos += n
        if pos % 3 == 0 or pos == sent.shape[1]:
            start, chunk = ring.read_available()
            assert start == sum(c.shape[0] for c in got)
            got.append(chunk.copy())
    assert np.array_equal(np.concatenate(got).T, sent)
    assert ring.overflows == 0


def test_sample_ring_consumer_that_falls_behind_skips_and_counts():
    ring = SampleRing(1, capacity=1 << 15, slack=1024)
    x = np.arange(100_000, dtype=np.float32)
    for pos in range(0, 100_000, 1000):
        ring.write(pos, [x[pos:pos + 1000]], 1000)
    start, chunk = ring.read_available()
    assert start + chunk.shape[0] == 100_000
    assert ring.overflows == start  # everything before the kept window is counted lost
    assert np.array_equal(chunk[:, 0], x[start:])  # and what is kept is not torn


def test_timeline_plays_only_its_span_and_counts_underruns_while_active():
    tl = Timeline(3, capacity=1 << 17)
    out = np.ones((3, 256), np.float32)
    tl.restart(1000)
    tl.active = True
    assert tl.read(0, 256, out) == 0  # before the span starts: silence, not an underrun
    assert not out.any()
    tl.append(np.full((2, 500), 0.5, np.float32), last_row=1.0)
    missing = tl.read(1200, 256, out)  # span [1000, 1500) covers [1200, 1456)
    assert missing == 0 and np.all(out[:2] == 0.5) and np.all(out[2] == 1.0)
    missing = tl.read(1400, 256, out)  # [1400, 1500) valid, [1500, 1656) missing
    assert missing == 156
    assert np.all(out[:2, :100] == 0.5) and not out[:, 100:].any()
    tl.active = False
    assert tl.read(1600, 256, out) == 0  # stopped: silence is expected


def test_timeline_cut_silences_what_was_written_ahead():
    tl = Timeline(2)
    tl.restart(0)
    tl.append(np.ones((1, 10_000), np.float32))
    tl.cut(4096)
    out = np.zeros((2, 1024), np.float32)
    tl.read(3072, 1024, out)
    assert np.all(out[0] == 1.0)
    tl.read(4096, 1024, out)
    assert not out.any()


def test_event_ring_is_fifo_and_refuses_when_full():
    r = EventRing(capacity=4)
    for i in range(4):
        assert r.push(i * 10, bytes((0x90, 60 + i, 100)))
    assert not r.push(99, b"\x90\x40\x40")
    assert r.dropped == 1
    assert r.pop_all() == [(i * 10, bytes((0x90, 60 + i, 100))) for i in range(4)]


def _ports(n_in, n_stems, n):
    ins = [np.zeros(n, np.float32) for _ in range(n_in)]
    stems = [[np.full(n, 9.0, np.float32)] for _ in range(n_stems)]  # garbage: must be overwritten
    mix = [np.full(n, 9.0, np.float32) for _ in range(2)]
    return ins, stems, mix


def test_exchange_applies_gains_mutes_mix_and_dry_input():
    n = 512
    ex = Exchange(inputs=2, stems=4)
    ex.out.restart(0)
    ex.out.active = True
    block = np.stack([np.full(4 * n, v, np.float32) for v in (0.1, 0.2, 0.3, 0.4)])
    ex.out.append(block[:, :2 * n], last_row=0.0)
    ex.out.append(block[:, 2 * n:], last_row=1.0)  # a "failed" stretch: dry input in the mix
    ex.gains[:] = [1.0, 0.0, 2.0, 1.0]  # keys muted, lead doubled
    ins, stems, mix = _ports(2, 4, n)
    ins[0][:] = 0.25
    ex.process(n, ins, stems, mix)
    assert [s[0][0] for s in stems] == [np.float32(0.1), 0.0, np.float32(0.6), np.float32(0.4)]
    assert np.allclose(mix[0], 0.1 + 0.6 + 0.4) and np.allclose(mix[1], mix[0])
    ex.process(n, ins, stems, mix)
    ex.process(n, ins, stems, mix)
    assert np.allclose(mix[0], 1.1 + 0.25)  # dry row adds the live input
    assert ex.underruns == 0 and ex.frames == 3 * n
    start, chunk = ex.in_ring.read_available()
    assert start == 0 and chunk.shape == (3 * n, 2) and np.all(chunk[:, 0] == 0.25)


def test_exchange_counts_an_underrun_when_the_engine_is_late():
    n = 256
    ex = Exchange(inputs=1, stems=4)
    ex.out.restart(0)
    ex.out.active = True
    ex.out.append(np.ones((4, n), np.float32))
    ins, stems, mix = _ports(1, 4, n)
    ex.process(n, ins, stems, mix)
    assert ex.underruns == 0
    ex.process(n, ins, stems, mix)
    assert ex.underruns == 1 and ex.underrun_frames == n
    assert not stems[0][0].any()  # silence, never stale data
    assert ex.costs_us().shape == (2,)


def test_scheduled_gains_are_heard_from_the_period_holding_their_frame():
    """A scene's mutes and gains land on its bar line: the callback applies a change from
    the period that holds its frame, never before, and the changes after it in order."""
    n = 256
    ex = Exchange(inputs=1, stems=4)
    ex.out.restart(0)
    ex.out.active = True
    ex.out.append(np.ones((4, 4 * n), np.float32))
    ins, stems, mix = _ports(1, 4, n)
    ex.gain_changes.extend([(n + 10, 3, 0.0), (n + 10, 0, 0.5), (3 * n, 3, 2.0)])  # drums off, then 2
    heard = []
    for _ in range(4):
        ex.process(n, ins, stems, mix)
        heard.append([float(s[0][0]) for s in stems])
    assert heard == [[1.0, 1.0, 1.0, 1.0], [0.5, 1.0, 1.0, 0.0], [0.5, 1.0, 1.0, 0.0], [0.5, 1.0, 1.0, 2.0]]
    assert not ex.gain_changes
