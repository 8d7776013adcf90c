"""The Max package (patches/max): a drop-in package folder whose patchers are valid JSON,
whose patch cords join existing boxes on existing inlets and outlets, whose objects have the
inlet/outlet counts Max gives them, and whose every OSC message exists in the daemon's
address table with matching types. Max itself cannot run here, so the OSC a patch sends is
read from the objects wired into [udpsend]."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import patchkit
from bridge import osc_table
from model.api import STEMS

MAX = patchkit.MAX_DIR
FILES = sorted([*MAX.glob("patchers/*.maxpat"), *MAX.glob("help/*.maxhelp")])


def test_package_layout():
    assert (MAX / "patchers" / "lmdm.maxpat").is_file()
    assert (MAX / "patchers" / "lmdm-demo.maxpat").is_file()
    assert (MAX / "help" / "lmdm.maxhelp").is_file()
    info = json.loads((MAX / "package-info.json").read_text())
    for key in ("name", "version", "author", "description", "max_version_min", "os", "filelist"):
        assert key in info, key
    assert info["name"] == "lmdm"
    listed = {f"{kind}/{name}" for kind, names in info["filelist"].items() for name in names}
    on_disk = {f"{p.parent.name}/{p.name}" for p in FILES}
    assert listed == on_disk


# Inlets and outlets of the Max objects the patches use (Max 8/9). An object missing from
# this table fails the test: add it here after checking it in Max.
def _route(n):
    return n + 1, n + 1


def _sprintf(text):
    k = len(re.findall(r"%(?:ld|d|i|f|s|c)", text))
    return max(k, 1), 1


NEWOBJ = {
    "route": lambda a, t: _route(len(a)),
    "prepend": lambda a, t: (2, 1),
    "append": lambda a, t: (2, 1),
    "sprintf": lambda a, t: _sprintf(t),
    "t": lambda a, t: (1, len(a)),
    "trigger": lambda a, t: (1, len(a)),
    "unpack": lambda a, t: (1, len(a)),
    "pack": lambda a, t: (len(a), 1),
    "udpsend": lambda a, t: (1, 0),
    "udpreceive": lambda a, t: (1, 1),
    "patcherargs": lambda a, t: (1, 2),
    "loadbang": lambda a, t: (1, 1),
    "metro": lambda a, t: (2, 1),
    "delay": lambda a, t: (2, 1),
    "tosymbol": lambda a, t: (1, 1),
    "i": lambda a, t: (2, 1),
    "sel": lambda a, t: (2, 2) if len(a) == 1 else (1, len(a) + 1),
    "print": lambda a, t: (1, 0),
    "*": lambda a, t: (2, 1),
    "adc~": lambda a, t: (1, max(len(a), 2)),
    "dac~": lambda a, t: (max(len(a), 2), 0),
    "*~": lambda a, t: (2, 1),
    "cycle~": lambda a, t: (2, 1),
}
UI = {"message": (2, 1), "comment": (1, 0), "toggle": (1, 1), "button": (1, 1),
      "number": (1, 2), "flonum": (1, 2), "slider": (1, 1), "textedit": (1, 4),
      "meter~": (1, 1), "ezdac~": (2, 0), "panel": (1, 0), "inlet": (0, 1), "outlet": (1, 0)}


def abstraction_io() -> tuple[int, int]:
    boxes = patchkit.max_boxes(patchkit.load_maxpat(MAX / "patchers" / "lmdm.maxpat")).values()
    return (sum(b["maxclass"] == "inlet" for b in boxes), sum(b["maxclass"] == "outlet" for b in boxes))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_patch_is_valid_json_with_sound_cords(path: Path):
    patcher = json.loads(path.read_text())["patcher"]  # valid JSON with a patcher
    boxes = patchkit.max_boxes(patcher)
    assert len(boxes) == len(patcher["boxes"]), "duplicate box ids"
    for box in boxes.values():
        cls = box["maxclass"]
        if cls == "newobj":
            name, *args = box["text"].split()
            if name == "lmdm":
                want = abstraction_io()
            else:
                assert name in NEWOBJ, f"[{box['text']}] is not in the table of known objects"
                want = NEWOBJ[name](args, box["text"])
        else:
            assert cls in UI, cls
            want = UI[cls]
        assert (box["numinlets"], box["numoutlets"]) == want, (box.get("text", cls), want)
        assert len(box.get("outlettype", [])) == box["numoutlets"], box.get("text", cls)
    assert patcher["lines"], "no patch cords"
    for line in patcher["lines"]:
        (src, outlet), (dst, inlet) = line["patchline"]["source"], line["patchline"]["destination"]
        assert src in boxes and dst in boxes, (src, dst)
        assert 0 <= outlet < boxes[src]["numoutlets"], (boxes[src].get("text"), outlet)
        assert 0 <= inlet < boxes[dst]["numinlets"], (boxes[dst].get("text"), inlet)


def test_inlets_and_outlets_are_numbered():
    boxes = patchkit.max_boxes(patchkit.load_maxpat(MAX / "patchers" / "lmdm.maxpat")).values()
    for cls in ("inlet", "outlet"):
        found = sorted((b["patching_rect"][0], b["index"]) for b in boxes if b["maxclass"] == cls)
        # Max orders inlets/outlets left to right; index must follow the same order
        assert [i for _, i in found] == list(range(1, len(found) + 1))
    assert abstraction_io() == (1, 4)


# --- the OSC the abstraction sends --------------------------------------------------------

SAMPLE_STRINGS = {"/lmdm/mode": "free", "/lmdm/model": "default", "/lmdm/key": "C minor",
                  "/lmdm/prompt": "warm funky bass", "/lmdm/record": "take1",
                  "/lmdm/describe": "/lmdm/bpm", "/lmdm/get": "bpm", "/lmdm/scene/store": "verse",
                  "/lmdm/scene/recall": "verse", "/lmdm/midi/learn": "density", "/lmdm/midi/forget": "density",
                  "/lmdm/scene/delete": "verse"}


def sample(address: str, position: int, tag: str):
    """A value of the given type that the table's range accepts."""
    if tag == "s":
        return SAMPLE_STRINGS[address]
    a = osc_table.BY_NAME.get(address)
    spec = a.args[position] if a and position < len(a.args) else None
    if tag == "i":
        if spec is not None and spec.kind == "bool":
            return 1
        return int(spec.lo) if spec is not None and spec.lo is not None and spec.lo > 0 else 1
    lo = spec.lo if spec is not None and spec.lo is not None else 0.0
    hi = spec.hi if spec is not None and spec.hi is not None else 2.0
    return (lo + hi) / 2


def upstream(patcher, box_id):
    boxes = patchkit.max_boxes(patcher)
    return [boxes[l["patchline"]["source"][0]] for l in patcher["lines"]
            if l["patchline"]["destination"][0] == box_id]


def osc_templates(patcher) -> list[tuple[str, str, list | None]]:
    """(address template, type tags, literal args or None) of everything wired into [udpsend]."""
    boxes = patchkit.max_boxes(patcher)
    (udp,) = [i for i, b in boxes.items() if b.get("text", "").startswith("udpsend")]
    out = []
    for src in upstream(patcher, udp):
        text = src.get("text", "")
        words = text.split()
        if src["maxclass"] == "message":
            args = [a.strip('"') if a.startswith('"') else int(a) if a.lstrip("-").isdigit()
                    else float(a) for a in words[1:]]
            tags = "".join("s" if isinstance(a, str) else "i" if isinstance(a, int) else "f"
                           for a in args)
            out.append((words[0], tags, args))
        elif words[0] == "sprintf":
            tags = "".join({"ld": "i", "d": "i", "i": "i", "f": "f", "s": "s"}[m]
                           for m in re.findall(r"%(ld|d|i|f|s)", " ".join(words[2:])))
            out.append((words[1], tags, None))
        elif words[0] == "prepend" and words[1].startswith("/"):
            feeders = upstream(patcher, src["id"])
            kinds = {f.get("text", "").split()[0] for f in feeders}
            if kinds == {"tosymbol"}:
                out.append((words[1], "s", None))
            elif kinds == {"i"}:
                out.append((words[1], "i", None))
            elif kinds == {"route"} and words[1] == "/lmdm/prompt":
                out.append((words[1], "sfsf", ["warm funk", 1.0, "dark ambient", 0.5]))  # mix: as typed
            else:
                raise AssertionError(f"cannot tell what [{text}] sends (fed by {kinds})")
        else:
            assert not words[0].startswith("/"), text
            assert words[0] == "prepend" and words[1] in ("host", "port"), text
    return out


def test_every_osc_message_of_the_max_abstraction_is_in_the_table():
    patcher = patchkit.load_maxpat(MAX / "patchers" / "lmdm.maxpat")
    templates = osc_templates(patcher)
    assert len(templates) >= 30
    reached = set()
    for template, tags, literal in templates:
        stems = STEMS if "%s" in template else [None]
        for stem in stems:
            address = template.replace("%s", stem) if stem else template
            targets = osc_table.match(address) if osc_table.is_pattern(address) else [osc_table.lookup(address)]
            assert targets, f"{address} matches no control address"
            for a in targets:
                args = literal if literal is not None else [sample(a.name, k, t) for k, t in enumerate(tags)]
                osc_table.validate(a.name, args)
                if a.args and a.check is None:
                    assert tags == "".join(arg.tag for arg in a.args[:len(tags)]), (address, tags)
                reached.add(a.name)
    missing = set(osc_table.CONTROLS) - reached
    assert not missing, f"the Max [lmdm] cannot send {sorted(missing)}"


# --- the message interface ---------------------------------------------------------------

def max_selectors() -> set[str]:
    return patchkit.interface_selectors(patchkit.max_routes(patchkit.load_maxpat(MAX / "patchers" / "lmdm.maxpat")))


def test_max_and_pd_take_the_same_messages():
    pd = patchkit.interface_selectors(patchkit.pd_routes(patchkit.parse_pd(patchkit.PD_DIR / "lmdm.pd")))
    assert max_selectors() == pd


def messages_into_lmdm(path: Path) -> list[str]:
    """Texts sent into [lmdm]: message boxes, and [prepend ...] as a template."""
    patcher = patchkit.load_maxpat(path)
    boxes = patchkit.max_boxes(patcher)
    lm = [i for i, b in boxes.items() if b["maxclass"] == "newobj" and b["text"].split()[0] == "lmdm"]
    assert len(lm) == 1
    out = []
    for src in upstream(patcher, lm[0]):
        words = src.get("text", "").split()
        if src["maxclass"] == "message":
            out.append(src["text"])
        elif words[0] == "prepend":
            out.append(" ".join(words[1:]) + " <value>")
    return out


def test_help_shows_every_message_and_the_demo_uses_known_ones():
    selectors = max_selectors()
    shown = {m.split()[0] for m in messages_into_lmdm(MAX / "help" / "lmdm.maxhelp")}
    assert shown == selectors, shown ^ selectors
    used = {m.split()[0] for m in messages_into_lmdm(MAX / "patchers" / "lmdm-demo.maxpat")}
    assert len(used) >= 12 and used <= selectors, used - selectors


def downstream(patcher, box_id, outlet: int) -> list[dict]:
    boxes = patchkit.max_boxes(patcher)
    return [boxes[l["patchline"]["destination"][0]] for l in patcher["lines"]
            if l["patchline"]["source"] == [box_id, outlet]]


def sends_parameter(patcher, control: dict) -> str:
    """The daemon parameter a front-panel control sends: `prepend mute bass` ->
    stem/bass/mute, `prepend bpm` -> bpm."""
    (prep,) = [b for b in downstream(patcher, control["id"], 0) if b.get("text", "").startswith("prepend")]
    words = prep["text"].split()[1:]
    return f"stem/{words[1]}/{words[0]}" if len(words) == 2 else words[0]


def test_the_demos_controls_follow_the_daemons_values_as_pds_do():
    """Answers to the demo's get at load (/lmdm/value name value) set each control through
    [prepend set] (so nothing goes back): the control a value sets is the one that sends that
    parameter, and the Max demo follows the same parameters as the Pd demo."""
    demo = patchkit.load_maxpat(MAX / "patchers" / "lmdm-demo.maxpat")
    boxes = patchkit.max_boxes(demo)
    (values,) = [i for i, b in boxes.items() if b.get("text") == "route /lmdm/value"]
    (route,) = downstream(demo, values, 0)
    followed = []
    while route is not None:
        names = route["text"].split()[1:]
        for k, name in enumerate(names):
            (setter,) = downstream(demo, route["id"], k)
            assert setter["text"] == "prepend set", (name, setter)
            (control,) = downstream(demo, setter["id"], 0)
            assert control["maxclass"] in ("toggle", "slider", "number", "flonum"), (name, control)
            assert sends_parameter(demo, control) == name
            followed.append(name)
        rest = downstream(demo, route["id"], len(names))  # unmatched names: the next route
        route = rest[0] if rest and rest[0].get("text", "").startswith("route ") else None
    (pd_route,) = [t for c in patchkit.parse_pd(patchkit.PD_DIR / "lmdm-demo.pd") for k, t in c["boxes"]
                   if t.startswith("route bpm ")]
    assert sorted(followed) == sorted(pd_route.split()[1:])
    assert len(followed) == 15
