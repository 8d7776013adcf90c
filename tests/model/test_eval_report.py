"""`lmdm eval --tune --json` on a tiny dataset and checkpoint: the sampler/threshold choice
lands in the checkpoint, every candidate and metric of model.md §4 is reported, the PNG
piano rolls are written, the numbers are sane."""
from __future__ import annotations

import json

import pytest

from bridge.cli import main as lmdm
from model.data.build import build
from model.embedded import CHECKPOINT, load_prompt_table


@pytest.mark.slow
def test_eval_json_has_every_metric(tmp_path, capsys):
    table = load_prompt_table(CHECKPOINT) if (CHECKPOINT / "prompts.safetensors").exists() else None
    build(tmp_path / "data", seed=2, grooves_per_style=1, bars=8, chorales=0, held_out=0.3, midi_share=0.5,
          sample_rate=16000, progress=False, prompt_load="never" if table else "lazy", prompt_table=table)
    assert lmdm(["train", "--data", str(tmp_path / "data"), "--run", str(tmp_path / "run"), "--preset", "tiny",
                 "--steps", "10", "--batch", "4", "--no-progress", "--plot", "", "--export", str(tmp_path / "ckpt")]) == 0
    capsys.readouterr()
    assert lmdm(["eval", "--data", str(tmp_path / "data"), "--checkpoint", str(tmp_path / "ckpt"),
                 "--pieces-per-style", "1", "--bars", "4", "--drift-pieces", "1", "--drift-bars", "16",
                 "--rtf-blocks", "3", "--sample-rate", "16000", "--plots", str(tmp_path / "img"),
                 "--tune", "--tune-stream", "--json", "--no-progress", "--block-beats", "4"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert set(r["candidates"]) == {"ground_truth", "baseline", "model", "random"}
    for c in r["candidates"].values():
        assert set(c) >= {"harmonic", "rhythmic", "style"}
        assert all(0 <= c[k] <= 1 for k in ("harmonic", "rhythmic", "style"))
        # per stem: the pitched stems have harmonic agreement, every scored stem an onset F
        assert c["per_stem"] and all(0 <= x["rhythmic"] <= 1 for x in c["per_stem"].values())
        assert all(("harmonic" in x) == (st != "drums") for st, x in c["per_stem"].items())
        # split by bar range (4 bars streamed: only bars 1-4) and by live part
        assert "bars 1-4" in c["parts"] and "bars 5-8" not in c["parts"]
        assert any(k.startswith("live ") for k in c["parts"])
        assert {k[6:] for k in c["parts"] if k.startswith("style ")} == set(r["styles"])
        assert all(0 <= x["harmonic"] <= 1 and 0 <= x["rhythmic"] <= 1 for x in c["parts"].values())
    gt, rnd = r["candidates"]["ground_truth"], r["candidates"]["random"]
    assert gt["harmonic"] > rnd["harmonic"], "the truth agrees with itself better than noise"
    assert gt["style"] >= rnd["style"]
    assert set(r["drift"]) == {"harmonic", "rhythmic", "style"} and len(r["drift"]["harmonic"]["windows"]) == 2
    assert r["cache_max_abs_diff"] < 1e-3
    assert r["rtf"]["rtf_median"] > 0 and set(r["targets"]) >= {"style>=0.8", "rtf<=0.1"}
    from model.checkpoint import load_config
    meta = load_config(tmp_path / "ckpt")[1]  # --tune stored its choice in the checkpoint
    assert meta["sampling"]["sampler"] in ("euler", "pingpong") and 0 < meta["decode"]["onset_threshold"] < 1
    # --tune-stream stored its streaming choice too
    assert isinstance(meta["sampling"]["own_context"], bool) and 0 <= meta["decode"]["relative"] < 1
    assert isinstance(meta["sampling"]["guide_input"], bool) and meta["decode"]["chord_tones"] in (0, 3, 4)
    from model.evaluate import HEARD_PRIORS, PITCHED, STEM_SCALES
    assert set(meta["decode"]["stem_scale"]) == set(PITCHED) and set(meta["decode"]["stem_scale"].values()) <= set(STEM_SCALES)
    assert meta["decode"]["heard_prior"] in HEARD_PRIORS
    assert r["plots"] and all((tmp_path / "img").joinpath(p.split("/")[-1]).stat().st_size > 1000 for p in r["plots"])
    assert r["block_beats"] == 4 and r["replan"]["replans"] == 0
    assert r["groove"] == {} and r["groove_drums"] == {} and r["restrike"] == []  # the tiny checkpoint has none
    assert set(r["harmonic_per_beat"]) == set(r["candidates"])
    assert all(len(v) == 4 and all(0 <= x <= 1 for x in v) for v in r["harmonic_per_beat"].values())
    # one-beat engine blocks (the default, as the daemon's auto in accompany mode): the model
    # re-plans the rest of each bar three times
    assert lmdm(["eval", "--data", str(tmp_path / "data"), "--checkpoint", str(tmp_path / "ckpt"),
                 "--pieces-per-style", "1", "--bars", "4", "--drift-pieces", "0",
                 "--rtf-blocks", "2", "--sample-rate", "16000", "--plots", "", "--json", "--no-progress",
                 "--groove", "lead=0.6", "--groove-drums", "bass=kick", "--restrike", "bass",
                 "--groove-control", "0.75"]) == 0
    r1 = json.loads(capsys.readouterr().out)
    assert r1["groove"] == {"lead": 0.6} and r1["groove_drums"] == {"bass": ["kick"]} and r1["restrike"] == ["bass"]
    assert r1["groove_control"] == 0.75 and r["groove_control"] == 0.5
    assert r1["block_beats"] == 1 and r1["replan"]["replans"] > 0 and r1["replan"]["replans"] % (3 * 4) == 0  # 4-bar pieces
    assert 0 <= r1["replan"]["not_held"] <= r1["replan"]["sounding"]
    assert r1["candidates"]["ground_truth"] == r["candidates"]["ground_truth"]  # the same pieces


@pytest.mark.slow
def test_context_study_reports_every_case(tmp_path, capsys):
    table = load_prompt_table(CHECKPOINT)
    build(tmp_path / "data", seed=4, grooves_per_style=1, bars=8, chorales=0, held_out=0.5, midi_share=1.0,
          progress=False, prompt_load="never", prompt_table=table)
    assert lmdm(["eval", "--data", str(tmp_path / "data"), "--context-study", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    from model.evaluate import CONTEXT_CASES
    assert set(r["cases"]) == set(CONTEXT_CASES) and r["windows"] > 0
    for case in r["cases"].values():
        assert 0 <= case["harmonic"] <= 1 and case["notes"] >= 0
    # the shipped model with the true past as context agrees with the harmony better than
    # with its pitched past silenced
    assert r["cases"]["true_past_accompany"]["harmonic"] > r["cases"]["drums_only_accompany"]["harmonic"]


def test_groove_option_parses_per_stem_shares():
    import argparse

    from model.evaluate import parse_groove
    assert parse_groove("lead=0.6, bass=0.2") == {"lead": 0.6, "bass": 0.2}
    assert parse_groove("0") == {}
    for bad in ("drums=0.5", "lead=1.5", "lead", "lead=x"):
        with pytest.raises(argparse.ArgumentTypeError):
            parse_groove(bad)
    from model.evaluate import parse_groove_drums
    assert parse_groove_drums("bass=kick, keys=kick+snare") == {"bass": ("kick",), "keys": ("kick", "snare")}
    assert parse_groove_drums("") == {}
    for bad in ("bass=cowbell", "drums=kick", "bass", "bass="):
        with pytest.raises(argparse.ArgumentTypeError):
            parse_groove_drums(bad)
    from model.evaluate import parse_restrike
    assert parse_restrike("bass, keys") == ("bass", "keys") and parse_restrike("") == ()
    for bad in ("drums", "bass,tuba"):
        with pytest.raises(argparse.ArgumentTypeError):
            parse_restrike(bad)
