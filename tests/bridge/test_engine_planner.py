"""The clock-agnostic engine core (bridge/engine.py): block arithmetic per mode, the
adaptive margin, settings applied at block boundaries, note cleaning and MIDI events."""
from __future__ import annotations

import numpy as np
import pytest

from bridge.config import EngineConfig
from bridge.engine import LoadGuard, MidiSchedule, Planner, Settings, SlotOutput, Voice, mix
from model.api import STEMS, NoteEnd, NoteEvent, StemBlock

SR = 48000


def planner(mode="accompany", bpm=120.0, block_beats=4.0, **cfg) -> Planner:
    p = Planner(Settings(bpm=bpm, mode=mode, block_beats=block_beats), EngineConfig(**cfg), SR, period=1024)
    p.reset(0)
    return p


def test_margin_covers_measured_steps_and_is_whole_grid_frames():
    p = planner(margin_min_ms=50.0, margin_headroom=1.5, frames_per_beat=4)
    grid = SR * 60 / 120 / 4  # 6000 frames = one sixteenth at 120 bpm
    assert p.margin() == grid  # 50 ms, or 21 ms of period, round up to one grid frame
    for _ in range(10):
        p.record_step(0.2, 96000)  # on one-bar blocks
    # 1.5 * 200 ms + 1024 frames = 321 ms = 2.57 grid frames -> 3
    assert p.margin() == 3 * grid
    # at 60 bpm blocks are twice as long (so are the steps) and so are grid frames:
    # 1.5 * 400 ms + 21 ms = 621 ms = 2.48 grid frames of 250 ms -> 3
    assert p.margin(bpm=60) == 3 * 2 * grid
    p.record_step(6.4, 96000 * 32)  # a 32-bar block: one-bar blocks have their own steps
    assert p.margin() == 3 * grid
    # a block length not measured yet: shorter blocks are not assumed cheaper (a re-planning
    # model generates a whole bar for each), longer ones scale up from shorter ones
    p.settings.apply("/lmdm/block_beats", (1.0,))
    assert 5.0 < p.step_p99() <= 6.4  # the p99 of 10 x 0.2 s and one 6.4 s, unscaled
    p.record_step(0.15, 24000)
    # one step at this length is no p99: all steps still count until there are enough
    assert 5.0 < p.step_p99() <= 6.4
    for _ in range(Planner.MIN_SAME_LENGTH - 1):
        p.record_step(0.15, 24000)
    assert p.step_p99() == 0.15  # measured at this length often enough: those steps alone


def test_margin_has_more_headroom_until_eight_steps_are_measured():
    """Start-up: the warm-up step alone (cold caches, no re-plan yet) sets the margin with
    EARLY_HEADROOM times the headroom; from the 8th measured step on, the plain headroom
    (the default 2: at 240 bpm a 1.5x headroom left one sixteenth, and load spikes missed
    blocks)."""
    assert EngineConfig().margin_headroom == 2.0 and Planner.EARLY_HEADROOM == 1.5
    p = planner(bpm=240.0, block_beats=1.0, margin_min_ms=50.0, frames_per_beat=4)
    sixteenth = SR * 60 / 240 / 4  # 3000 frames, 62.5 ms
    p.record_step(0.020, 12000)  # the warm-up: 1.5 * 2 * 20 ms + 21 ms = 81 ms -> 2 sixteenths
    assert p.margin() == 2 * sixteenth
    for _ in range(Planner.MIN_SAME_LENGTH - 1):
        p.record_step(0.020, 12000)
    assert p.margin() == sixteenth  # 2 * 20 ms + 21 ms = 61 ms -> 1 sixteenth


def test_accompany_blocks_are_contiguous_and_hide_the_margin():
    p = planner()
    origin = -5000  # the generator has heard input since before play
    slots = [p.plan(origin) for _ in range(3)]
    for k, s in enumerate(slots):
        assert s.start == k * 96000 and s.samples == 96000  # one 4/4 bar at 120 bpm
        assert s.start_beat == 4.0 * k
        assert s.due == s.start - s.margin
        assert s.block.start_sample == s.start - origin
        assert s.block.visible_until == -s.margin
        assert s.block.index == k and s.block.mode == "accompany"


def test_auto_block_length_is_a_beat_in_accompany_mode_and_a_bar_otherwise():
    p = planner(block_beats=Settings().block_beats)  # auto, the default
    assert Settings().block_beats == 0.0
    a = p.plan(0)
    assert a.beats == 1.0 and a.samples == 24000 and a.block.beats == 1.0
    p.settings.apply("/lmdm/mode", ("free",))  # a new mode starts on the next bar line
    assert [p.plan(0).mode for _ in range(3)] == ["accompany"] * 3
    b = p.plan(0)
    assert b.mode == "free" and b.beats == 4.0 and b.samples == 96000 and b.start == 96000
    p.settings.apply("/lmdm/beats_per_bar", (3,))
    assert p.settings.block_length == 3.0
    p.settings.apply("/lmdm/block_beats", (0.1,))  # explicit lengths: at least a quarter beat
    assert p.settings.block_length == 0.25


def test_settings_change_at_the_next_block_only():
    p = planner()
    first = p.plan(0)
    p.settings.apply("/lmdm/bpm", (60.0,))
    p.settings.apply("/lmdm/block_beats", (2.0,))
    second = p.plan(0)
    assert first.bpm == 120.0 and first.samples == 96000
    assert second.start == 96000 and second.bpm == 60.0 and second.samples == 96000  # 2 beats at 60
    assert second.beats == 2.0 and second.start_beat == 4.0


def test_block_edges_stay_on_the_tempo_grid_over_an_hour():
    """At 123 bpm a beat is 23414.63 frames: the blocks take 23414 or 23415 so that after an
    hour of one-beat blocks the next one starts where the tempo says, within half a frame
    (rounding each length alone: 2700 frames, 56 ms, late). A tempo change counts anew
    from the block where it takes over."""
    p = planner(bpm=123.0, block_beats=1.0)
    lengths = {p.plan(0).samples for _ in range(7380)}
    assert lengths == {23414, 23415}
    assert abs(p.next_start - 7380 * 60 * SR / 123) <= 0.5
    start = p.next_start
    p.settings.apply("/lmdm/bpm", (97.0,))
    for _ in range(100):
        p.plan(0)
    assert abs(p.next_start - start - 100 * 60 * SR / 97) <= 0.5


def test_delay_mode_answers_the_span_two_blocks_back():
    p = planner(mode="delay")
    s0, s1 = p.plan(0), p.plan(0)
    assert s0.block is None and s1.block is None  # nothing heard yet: silence
    assert p.next_due() == s1.start  # block 2 is generated as soon as span 0 is heard
    s2 = p.plan(0)
    assert s2.block.start_sample == s0.start and s2.block.samples == s0.samples
    assert s2.block.visible_until == s0.samples and s2.block.mode == "delay"
    assert s2.due == s1.start and s2.margin == s2.start - s1.start


def test_a_new_mode_starts_on_the_next_bar_line_and_delay_answers_a_whole_bar():
    """A mode switched mid-bar (one-beat accompany blocks) takes over on the bar line, so
    delay and free blocks stay bar-aligned, and the first delay block re-voices the whole
    bar that ended a bar before it (not the one-beat block two blocks back)."""
    p = planner(block_beats=0.0)  # auto: one beat in accompany mode, a bar in delay mode
    slots = [p.plan(0) for _ in range(5)]  # beats 0-4
    p.settings.apply("/lmdm/mode", ("delay",))  # at beat 5, mid-bar
    slots += [p.plan(0) for _ in range(3)]
    assert [s.mode for s in slots] == ["accompany"] * 8 and [s.beats for s in slots] == [1.0] * 8
    d = p.plan(0)
    assert d.mode == "delay" and d.start_beat == 8.0 and d.beats == 4.0 and d.samples == 96000
    assert d.block.start_sample == 0 and d.block.samples == 96000 and d.block.beats == 4.0
    assert d.block.visible_until == 96000 and d.due == 96000 and d.margin == d.start - 96000
    e = p.plan(0)  # the next one answers the bar after, heard as it was played
    assert (e.block.start_sample, e.block.samples, e.due) == (96000, 96000, d.start)
    p.settings.apply("/lmdm/mode", ("accompany",))  # on a bar line: at once
    a = p.plan(0)
    assert a.mode == "accompany" and a.start_beat == 16.0 and a.beats == 1.0
    assert a.block.visible_until == -a.margin


def test_a_block_length_changed_mid_bar_is_cut_short_at_the_bar_line():
    p = planner(block_beats=1.0)
    p.plan(0)
    p.settings.apply("/lmdm/block_beats", (4.0,))
    cut = p.plan(0)
    assert cut.start_beat == 1.0 and cut.beats == 3.0 and cut.samples == 72000
    assert [(s.start_beat, s.beats) for s in (p.plan(0), p.plan(0))] == [(4.0, 4.0), (8.0, 4.0)]
    p.settings.apply("/lmdm/block_beats", (3.0,))  # not a bar's divisor or multiple: as asked
    assert [(s.start_beat, s.beats) for s in (p.plan(0), p.plan(0))] == [(12.0, 3.0), (15.0, 3.0)]
    p.settings.apply("/lmdm/block_beats", (2.0,))  # beat 18: two beats reach the bar line
    assert [(s.start_beat, s.beats) for s in (p.plan(0), p.plan(0))] == [(18.0, 2.0), (20.0, 2.0)]


def test_a_new_beats_per_bar_starts_on_the_bar_line_and_bars_count_on_from_it():
    """3/4 asked for on beat 2 of bar 1 of a 4/4 stream: the 4/4 bar is played out, bars of
    three beats start on its bar line (beat 8, not beat 6 or 9 as multiples of 3 since
    play would have it), the bars count on (2, 3, ...) and the generator is told the meter
    in force for each block (bar origin 2: 3/4 bar lines at 2 + 3k)."""
    p = planner(block_beats=0.0)  # auto: one beat in accompany mode, a bar in delay mode
    slots = [p.plan(0) for _ in range(6)]  # beats 0-5
    p.settings.apply("/lmdm/beats_per_bar", (3,))
    slots += [p.plan(0) for _ in range(6)]  # beats 6-11
    assert [s.start_beat for s in slots] == [float(b) for b in range(12)]
    assert [s.controls.beats_per_bar for s in slots] == [4] * 8 + [3] * 4
    assert {s.controls.bar_origin for s in slots[8:]} == {2.0}
    bars = [s.controls.bar_position(s.start_beat) for s in slots]
    assert bars[6:] == [(1, 2.0), (1, 3.0), (2, 0.0), (2, 1.0), (2, 2.0), (3, 0.0)]
    # a mode switch now waits for the 3/4 bar line (beat 14) and delay bars are 3 beats
    p.settings.apply("/lmdm/mode", ("delay",))
    more = [p.plan(0) for _ in range(4)]
    assert [(s.start_beat, s.beats, s.mode) for s in more] == [
        (12.0, 1.0, "accompany"), (13.0, 1.0, "accompany"), (14.0, 3.0, "delay"), (17.0, 3.0, "delay")]
    # back to 4/4 on a 3/4 bar line (beat 20, bar 6): at once, bar 6 now four beats long
    # (origin 20 - 6 * 4 = -4)
    p.settings.apply("/lmdm/block_beats", (2.0,))
    p.settings.apply("/lmdm/beats_per_bar", (4,))
    a, b, c = p.plan(0), p.plan(0), p.plan(0)
    assert [(s.start_beat, s.beats, s.controls.beats_per_bar) for s in (a, b, c)] == [
        (20.0, 2.0, 4), (22.0, 2.0, 4), (24.0, 2.0, 4)]
    assert a.controls.bar_origin == -4.0 and a.controls.bar_position(20.0) == (6, 0.0)


def test_a_new_beats_per_bar_mid_block_cuts_the_block_at_the_bar_line():
    p = planner(block_beats=3.0)  # three-beat blocks run across 4/4 bar lines as asked
    p.plan(0)
    p.settings.apply("/lmdm/beats_per_bar", (3,))
    cut, nxt = p.plan(0), p.plan(0)
    assert (cut.start_beat, cut.beats, cut.controls.beats_per_bar) == (3.0, 1.0, 4)
    assert (nxt.start_beat, nxt.beats, nxt.controls.beats_per_bar) == (4.0, 3.0, 3)
    assert nxt.controls.bar_position(7.0) == (2, 0.0)


def test_a_masters_meter_change_takes_over_on_its_own_bar_line_already_planned():
    """A JACK transport turns 3/4 on its bar line at the band's beat 8, which the band learns
    after it planned beats 8 and 9 in 4/4: bar lines from beat 8 on are 8 + 3k at once (beat
    11 begins a bar, not 12 or 14), bars count on (beat 8 begins bar 2), and
    beat_at maps frames to beats through the slots planned and beyond them."""
    p = planner(block_beats=1.0)
    slots = [p.plan(0) for _ in range(10)]  # beats 0-9 in 4/4
    fpb = p.frames_per_beat(120.0)
    assert p.beat_at(slots[8].start) == 8.0 and p.beat_at(slots[8].start + fpb / 2) == 8.5
    assert p.beat_at(p.next_start + 2 * fpb) == pytest.approx(12.0)  # past the slots: at the tempo
    assert p.rebar(3, 8.0) == 2
    assert p.settings.beats_per_bar == 3
    more = [p.plan(0) for _ in range(4)]
    assert [s.start_beat for s in more] == [10.0, 11.0, 12.0, 13.0]
    assert [s.controls.bar_position(s.start_beat) for s in more] == [(2, 2.0), (3, 0.0), (3, 1.0), (3, 2.0)]
    assert {s.controls.beats_per_bar for s in more} == {3}


def test_delay_spans_keep_their_frames_across_a_tempo_change():
    p = planner(mode="delay")
    s0 = p.plan(0)
    p.settings.apply("/lmdm/bpm", (60.0,))
    s1, s2 = p.plan(0), p.plan(0)
    assert s0.samples == 96000 and s1.samples == 192000
    assert (s2.block.start_sample, s2.block.samples, s2.block.bpm) == (0, 96000, 120.0)
    assert s2.due == s1.start and s2.block.beats == 4.0


def test_delay_mode_does_not_answer_input_from_before_a_reset():
    p = planner(mode="delay")
    p.plan(0), p.plan(0)
    assert p.plan(origin=50_000).block is None


def test_free_mode_ignores_input():
    p = planner(mode="free")
    assert p.plan(0).block.visible_until == 0


def test_settings_round_trip_through_osc_values():
    st = Settings()
    assert st.apply("/lmdm/prompt", ("funk", 2.0, "jazz", 0.5))
    assert st.controls().prompts == (("funk", 2.0), ("jazz", 0.5))
    assert st.get("prompt") == ("funk", 2.0, "jazz", 0.5)
    st.apply("/lmdm/prompt", ("", 1.0))
    assert st.controls().prompts == () and st.get("prompt") == ("",)
    st.apply("/lmdm/seed", (-1,))
    assert st.controls().seed is None and st.get("seed") == -1
    st.apply("/lmdm/seed", (7,))
    assert st.controls().seed == 7
    st.apply("/lmdm/key", ("none",))
    assert st.controls().key is None and st.get("key") == "none"
    st.apply("/lmdm/key", ("A minor",))
    assert st.controls().key == "A minor"
    st.apply("/lmdm/beats_per_bar", (3,))
    assert st.controls().beats_per_bar == 3
    assert st.controls().groove == 0.5  # the model's own groove by default
    st.apply("/lmdm/groove", (0.2,))
    assert st.controls().groove == 0.2 and st.get("groove") == 0.2
    assert not st.apply("/lmdm/play", ())
    with pytest.raises(KeyError):
        st.get("nonsense")


class _Gen:
    name, stems, sample_rate = "g", STEMS, SR

    def __init__(self, notes=(), audio=None):
        self.notes, self.audio = list(notes), audio

    def reset(self):
        pass

    def observe(self, audio, midi):
        pass

    def generate(self, block, controls):
        return StemBlock(self.notes, self.audio)


def test_voice_drops_malformed_notes_and_fits_generator_audio():
    p = planner()
    slot = p.plan(0)
    good = NoteEvent("bass", 40, 200, 0.0, 1.0)  # velocity clipped, kept
    bad = [NoteEvent("tuba", 40, 100, 0.0, 1.0), NoteEvent("keys", 128, 100, 0.0, 1.0),
           NoteEvent("keys", 60, 100, 4.0, 1.0), NoteEvent("keys", 60, 100, 0.0, 0.0),
           NoteEvent("keys", 60, 100, float("nan"), 1.0)]
    audio = {"bass": np.ones(10, np.float32), "drums": np.ones(200_000, np.float32)}
    v = Voice(_Gen([good, *bad], audio), synth=None, stems=STEMS)
    out = v.render(slot)
    assert [n.velocity for n in out.notes] == [127] and v.rejected_notes == len(bad)
    assert out.audio.shape == (4, slot.samples)
    assert out.audio[0, :10].all() and not out.audio[0, 10:].any()  # short: zero padded
    assert out.audio[3].all()  # long: cropped
    assert np.allclose(mix(out.audio, np.array([1, 1, 1, 0.5])), out.audio[0] + 0.5 * out.audio[3])


def test_midi_events_use_one_channel_per_stem_and_absolute_frames():
    p = planner()
    p.plan(0)
    slot = p.plan(0)  # block 1 starts at frame 96000
    notes = [NoteEvent("bass", 40, 90, 1.0, 0.5), NoteEvent("drums", 36, 100, 0.0, 0.25)]
    sched = MidiSchedule()
    sched.add(SlotOutput(slot, np.zeros((4, 1)), notes, 0.0), STEMS, SR)
    ev = sched.pop_until(10 ** 9)
    assert ev == [(96000, bytes((0x99, 36, 100))), (96000 + 6000, bytes((0x89, 36, 0))),
                  (96000 + 24000, bytes((0x90, 40, 90))), (96000 + 36000, bytes((0x80, 40, 0)))]
    assert not sched.due_off and not sched.heap


def test_midi_schedule_ends_notes_early_and_never_cuts_a_newer_note():
    p = planner()
    s0, s1, s2 = p.plan(0), p.plan(0), p.plan(0)  # blocks at 0, 96000, 192000 (one bar each)
    out = lambda slot, notes, ends=(): SlotOutput(slot, np.zeros((4, 1)), notes, 0.0, list(ends))  # noqa: E731
    sched = MidiSchedule()
    sched.add(out(s0, [NoteEvent("keys", 60, 90, 0.0, 8.0), NoteEvent("bass", 40, 90, 0.0, 6.0)]), STEMS, SR)
    assert sorted(sched.pop_until(96000)) == [(0, bytes((0x90, 40, 90))), (0, bytes((0x91, 60, 90)))]
    # block 1 ends the keys note at its start and strikes the sounding bass pitch again
    sched.add(out(s1, [NoteEvent("bass", 40, 80, 1.0, 0.5)], [NoteEnd("keys", 60, 0.0), NoteEnd("lead", 70, 0.0)]),
              STEMS, SR)
    ev = sched.pop_until(10 ** 9)
    assert ev == [(96000, bytes((0x81, 60, 0))),  # ended early; its planned off at 192000 is dropped
                  (120000, bytes((0x80, 40, 0))), (120000, bytes((0x90, 40, 80))),  # re-strike
                  (132000, bytes((0x80, 40, 0)))]  # the first bass note's off at 144000 is dropped
    assert not sched.due_off and not sched.dropped
    # an end before a note begins leaves that note alone (no stuck note, no early cut)
    sched.add(out(s2, [NoteEvent("lead", 72, 90, 2.0, 1.0)], [NoteEnd("lead", 72, 1.0)]), STEMS, SR)
    assert [e[0] for e in sched.pop_until(10 ** 9)] == [192000 + 48000, 192000 + 72000]
    # stop: every sounding note's off is owed
    sched.add(out(s2, [NoteEvent("keys", 64, 90, 0.0, 4.0)]), STEMS, SR)
    sched.pop_until(192000 + 1)
    assert sched.owed_offs() == [bytes((0x81, 64, 0))] and not sched.heap


def test_midi_clock_tempo_start_stop_and_bar_lines():
    """MIDI clock on midi_in: the tempo of 24 ticks per beat (robust to one late tick), none
    before enough ticks or after they stop, Start/Continue/Stop named, bar lines counted
    from Start."""
    from bridge.engine import MIDI_CLOCK, MIDI_CONTINUE, MIDI_START, MIDI_STOP, MidiClock
    sr = 48000
    per_tick = 1200  # 100 bpm: 60 * 48000 / (24 * 100)
    c = MidiClock(sr)
    assert c.bpm(0) is None and c.next_bar_tick(0, 4, 100.0) is None  # nothing heard yet
    assert c.feed(1000, MIDI_START) == "start"
    frames = [1000 + i * per_tick for i in range(30)]
    frames[10] += 300  # one tick late
    for f in frames:
        assert c.feed(f, MIDI_CLOCK) is None
    assert c.bpm(frames[-1]) == pytest.approx(100.0)
    assert c.song_ticks == 30
    # bar lines every 96 ticks from the first tick (bar 1's downbeat), at or after a frame
    bar = 96 * per_tick
    assert c.next_bar_tick(frames[-1], 4, 100.0)[0] == 1000 + bar
    assert c.next_bar_tick(1000 + bar + 1, 4, 100.0)[0] == 1000 + 2 * bar
    assert c.next_bar_tick(1000 + bar, 4, 100.0)[0] == 1000 + bar
    assert c.bpm(frames[-1] + sr) is None  # no tick for a second: stale
    assert c.feed(frames[-1] + 10, MIDI_STOP) == "stop" and not c.running
    for f in range(frames[-1] + per_tick, frames[-1] + 20 * per_tick, per_tick):
        c.feed(f, MIDI_CLOCK)  # a stopped master keeps its clock running: tempo, no song position
    assert c.song_ticks == 30 and c.bpm(frames[-1] + 19 * per_tick) == pytest.approx(100.0)
    # a Song Position Pointer before Continue: the next tick is sixteenth 20 = tick 120 (bar 2,
    # beat 2 in 4/4), so the next bar line is tick 192, 73 ticks after the last one (index 119)
    c.song_position(bytes((0xF2, 20, 0)))
    assert c.song_ticks == 120
    last = frames[-1] + 19 * per_tick
    assert c.next_bar_tick(last + 1, 4, 100.0)[0] == last + (192 - 119) * per_tick
    c.song_position(bytes((0xF2, 0, 0)))  # back to the top: the next tick is bar 1's downbeat
    assert c.next_bar_tick(last + 1, 4, 100.0)[0] == last + per_tick
    assert c.feed(frames[-1] + 20 * per_tick, MIDI_CONTINUE) == "continue" and c.running
    # a Song Position Pointer while running (two bars ahead, no Stop / Continue): the ticks'
    # grid is re-counted, not lost, so the master's beats are known at once
    run = MidiClock(sr)
    run.feed(0, MIDI_START)
    for i in range(48):
        run.feed(i * per_tick, MIDI_CLOCK)
    assert run.tick_frame(96, 48 * per_tick) == pytest.approx(96 * per_tick)
    run.song_position(bytes((0xF2, 8 + 32, 0)))  # the next tick (index 48, sixteenth 8) is sixteenth 40
    assert run.song_ticks == 240
    assert run.tick_frame(96 + 192, 48 * per_tick) == pytest.approx(96 * per_tick)
    fast = MidiClock(sr)
    for i in range(10):
        fast.feed(i * 500, MIDI_CLOCK)  # 240 bpm
    assert fast.bpm(4500) == pytest.approx(240.0)
    assert MidiClock(sr).feed(0, 0xFE) is None  # active sensing: ignored


def test_blocks_stay_in_phase_with_a_midi_clock_master():
    """A master at 123 bpm sends a tick every 975.61 frames (on whole frames): the tempo from
    the median tick interval is 122.95 bpm, and blocks at that tempo fall 5,600 frames behind
    its beat in 600 beats. Ended on the master's beat (tick_frame of the tick there, the
    engine's clock lock), every block starts on the master's beat within 2 frames."""
    from bridge.engine import MIDI_CLOCK, MIDI_START, MidiClock
    per_tick = 60 * SR / (24 * 123.0)
    c = MidiClock(SR)
    c.feed(1000, MIDI_START)
    fed = [0]

    def hear(until):  # the ticks the engine has heard by frame `until`
        while 1000 + fed[0] * per_tick <= until:
            c.feed(int(1000 + fed[0] * per_tick), MIDI_CLOCK)
            fed[0] += 1
    hear(20000)
    bpm = round(c.bpm(20000), 2)
    assert bpm == 122.95
    frame, index = c.next_bar_tick(20000, 4, bpm)
    assert index == 96 and frame == pytest.approx(1000 + 96 * per_tick, abs=2)
    locked, free = planner(bpm=bpm, block_beats=1.0), planner(bpm=bpm, block_beats=1.0)
    locked.reset(frame)
    free.reset(frame)
    for b in range(600):
        hear(locked.next_due())
        end = c.tick_frame(index + 24 * (locked.next_beat + 1.0), locked.next_due())
        slot = locked.plan(0, end_at=int(round(end)))
        assert abs(slot.start - (1000 + (index + 24 * b) * per_tick)) <= 2, b
        assert slot.bpm == pytest.approx(123.0, abs=0.1)
        loose = free.plan(0)
    assert loose.start - (1000 + (index + 24 * 599) * per_tick) > 5000
    assert c.tick_frame(0, 10 ** 9) is None  # no tick for long: no grid


def test_midi_clock_out_ticks_each_frame_range_once_and_stops():
    from bridge.engine import MIDI_CLOCK, MIDI_START, MidiSchedule
    m = MidiSchedule()
    m.add_clock(0, 48000, 120.0, 48000)  # not started: no ticks
    assert m.pop_until(10 ** 9) == []
    m.start_clock(1000)
    m.add_clock(1000, 24000, 120.0, 48000)  # one beat at 120 bpm: ticks every 1000 frames
    m.add_clock(1000, 24000, 120.0, 48000)  # the same block planned again: nothing added
    m.add_clock(25000, 12000, 240.0, 48000)  # the next block, twice as fast: every 500
    events = m.pop_until(10 ** 9)
    assert events[0] == (1000, bytes((MIDI_START,)))
    ticks = [f for f, d in events if d == bytes((MIDI_CLOCK,))]
    assert ticks == [1000 + 1000 * i for i in range(24)] + [25000 + 500 * i for i in range(24)]
    m.start_clock(0)
    m.add_clock(0, 48000, 120.0, 48000)
    m.owed_offs()  # stop: queued ticks dropped, the clock stops until the next start
    m.add_clock(48000, 48000, 120.0, 48000)
    assert m.pop_until(10 ** 9) == []


def test_load_guard_halves_the_steps_of_a_model_too_slow_for_its_blocks():
    sr, block = 48000, 12000  # 250 ms blocks
    st = Settings(steps=8)
    g = LoadGuard()
    for _ in range(LoadGuard.WINDOW - 1):
        g.record(0.2, block, 8, sr)  # 80 % of each block
    assert g.shed(st) is None and st.steps == 8  # not before a whole window
    g.record(0.2, block, 8, sr)
    assert g.shed(st) == (8, 4, pytest.approx(0.8)) and st.steps == 4
    assert g.shed(st) is None  # the window starts afresh at the new steps
    for _ in range(LoadGuard.WINDOW):  # blocks planned before the change still report 8 steps
        g.record(0.2, block, 8, sr)
    assert g.shed(st) is None and st.steps == 4
    for _ in range(LoadGuard.WINDOW):
        g.record(0.1, block, 4, sr)  # 40 %: fine
    assert g.shed(st) is None and st.steps == 4
    for _ in range(LoadGuard.WINDOW):
        g.record(0.5, block, 4, sr)
    assert g.shed(st) == (4, 2, pytest.approx(2.0)) and st.steps == 2
    for _ in range(LoadGuard.WINDOW):
        g.record(0.5, block, 2, sr)
    assert g.shed(st) is None and st.steps == LoadGuard.MIN_STEPS  # never below
    # a new block length (or tempo) starts a new window; off: never sheds
    st.steps = 8
    g.record(0.2, block, 8, sr)
    for _ in range(LoadGuard.WINDOW - 1):
        g.record(0.1, block // 2, 8, sr)
    assert g.shed(st) is None
    off = LoadGuard(enabled=False)
    for _ in range(LoadGuard.WINDOW):
        off.record(0.5, block, 8, sr)
    assert off.shed(st) is None and st.steps == 8


def test_tap_tempo_takes_the_median_of_the_last_taps():
    """Two taps give a tempo, one tap off the beat moves the median little, a pause over 3 s
    starts a new count, a bounce within 0.1 s counts once, the range is 20-300 bpm."""
    from bridge.engine import TapTempo
    tap = TapTempo()
    assert tap.tap(10.0) is None
    assert tap.tap(10.5) == 120.0
    assert tap.tap(10.55) is None  # a bounce: ignored
    assert tap.tap(11.0) == 120.0
    assert tap.tap(11.6) == 120.0  # late by 0.1 s: intervals 0.5 0.5 0.6 -> median 0.5
    assert tap.tap(12.1) == 120.0
    for t in (12.6, 13.1, 13.6):  # steady at 0.5 s
        tap.tap(t)
    assert tap.tap(14.0) == 120.0 and tap.tap(14.4) == pytest.approx(60 / 0.45, abs=0.01)  # 0.5 0.5 0.4 0.4
    assert tap.tap(14.8) == 150.0  # the new tempo wins once most intervals have it
    assert tap.count == 11 and tap.last == 14.8  # the bounce not counted
    assert tap.tap(20.0) is None and tap.count == 1  # a pause: a new count
    assert tap.tap(20.8) == 75.0 and tap.count == 2
    slow = TapTempo()
    slow.tap(0.0)
    assert slow.tap(2.9) == 20.69 and TapTempo.MAX_GAP_S == 3.0
    fast = TapTempo()
    fast.tap(0.0)
    assert fast.tap(0.15) == 300.0  # 400 bpm asked: the range's top


def test_a_tap_start_puts_bar_1_where_the_count_in_says():
    """The frame a tap start begins at: where the downbeat after the taps is heard, from
    the audio callback's latest period (its time and first frame) and the output latency;
    a whole bar later (or more) when that is too soon to plan."""
    from bridge.engine import tap_start_frame
    sr, bar = 48000, 4 * 24000.0  # 4/4 at 120 bpm
    cycle = (int(100.0e9), 480_000)  # frame 480000 was computed at t = 100 s
    # the downbeat 0.5 s after that period: 24000 frames on, less 1024 of output latency
    assert tap_start_frame(100.5, cycle, sr, 1024, 490_000, bar) == 480_000 + 24_000 - 1024
    assert tap_start_frame(100.5, cycle, sr, 0, 490_000, bar) == 504_000
    # too soon (the engine can plan from frame 510000 on): one bar later, on the count's "one"
    assert tap_start_frame(100.5, cycle, sr, 0, 510_000, bar) == 504_000 + 96_000
    assert tap_start_frame(100.5, cycle, sr, 0, 504_000, bar) == 504_000  # just in time
    assert tap_start_frame(100.5, cycle, sr, 0, 700_000, bar) == 504_000 + 3 * 96_000
    # a downbeat that falls between callbacks: to the frame (rounded)
    assert tap_start_frame(100.0 + 0.4 / sr, cycle, sr, 0, 0, bar) == 480_000
    assert tap_start_frame(100.0 + 0.6 / sr, cycle, sr, 0, 0, bar) == 480_001
    assert tap_start_frame(100.25, cycle, sr, 0, 0, bar) == 492_000
