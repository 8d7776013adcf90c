"""The Pd abstraction [lmdm], run by a real headless Pd, against a UDP peer standing in
for the daemon: every message of lmdm-help.pd goes in, the OSC packets Pd puts on the
loopback interface are decoded and checked against the daemon's address table
(bridge/osc_table.py), and replies sent back come out of [lmdm]'s outlets."""
from __future__ import annotations

import re
import time

import pytest

import patchkit
from bridge import osc_table
from model.api import STEMS

HELP = patchkit.PD_DIR / "lmdm-help.pd"
ABSTRACTION = patchkit.PD_DIR / "lmdm.pd"
# Messages that change where [lmdm] sends: checked by their own test below.
CONNECTION = ("connect", "disconnect")


def help_messages() -> list[str]:
    top = patchkit.parse_pd(HELP)[0]
    return patchkit.messages_into(top, lambda kind, text: kind == "obj" and text.split()[0] == "lmdm")


def check_packet(address: str, args: list, tags: str) -> None:
    """The address exists (a pattern must match at least one address), the values pass the
    daemon's own validation, and the type tags are the table's, not merely coercible."""
    targets = osc_table.match(address) if osc_table.is_pattern(address) else [osc_table.lookup(address)]
    assert targets, f"{address} matches no control address"
    for a in targets:
        osc_table.validate(a.name, args)  # raises OscValidationError with the reason
        if a.args and a.check is None:
            assert tags == "".join(arg.tag for arg in a.args[:len(args)]), (address, tags, a.types)
    if address == "/lmdm/prompt":
        assert re.fullmatch(r"(sf?)+", tags), tags
    elif address in ("/lmdm/key", "/lmdm/model"):
        assert tags == "s"
    elif address == "/lmdm/record":
        assert tags in ("s", "i")


def send_and_collect(h: patchkit.Harness, peer: patchkit.OscPeer, message: str) -> list:
    """Packets caused by one message (the periodic /lmdm/subscribe is left out unless asked)."""
    h.send(message)
    want_sub = message.split()[0] in ("subscribe", "unsubscribe")
    got = []
    deadline = time.monotonic() + 3.0
    while time.monotonic() < deadline:
        got += [m for m in peer.receive(0.02) if want_sub or m[0] != "/lmdm/subscribe"]
        if got:
            # Pd sends all packets of one message in the same scheduler tick
            got += [m for m in peer.receive(0.06) if want_sub or m[0] != "/lmdm/subscribe"]
            return got
    return got


@pytest.mark.slow
def test_every_help_message_sends_osc_the_daemon_accepts(pd_harness, osc_peer):
    messages = [m for m in help_messages() if m.split()[0] not in CONNECTION]
    assert len(messages) >= 35, messages
    h = pd_harness(osc_peer.port)
    osc_peer.wait_for("/lmdm/subscribe")  # sent at load
    sent_to: dict[str, list] = {}
    for message in messages:
        packets = send_and_collect(h, osc_peer, message)
        distinct = {(p[0], tuple(p[1]), p[2]) for p in packets}  # a periodic subscribe may join
        assert len(distinct) == 1, (message, packets)
        address, args, tags, _ = packets[0]
        check_packet(address, args, tags)
        sent_to[message] = [address, args]
    assert not h.pd.errors(), h.pd.errors()
    # exact translations of the less obvious ones
    assert sent_to["prompt warm funky bass"] == ["/lmdm/prompt", ["warm funky bass"]]
    assert sent_to["prompt warm funk 1 dark ambient 0.5"] == ["/lmdm/prompt", ["warm funk", 1.0, "dark ambient", 0.5]]
    assert sent_to["mix warm funk 1 dark ambient 0.5"] == sent_to["prompt warm funk 1 dark ambient 0.5"]
    assert sent_to["prompt"] == ["/lmdm/prompt", [""]]
    assert sent_to["key C minor"] == ["/lmdm/key", ["C minor"]]
    assert sent_to["mute drums 1"] == ["/lmdm/stem/drums/mute", [1]]
    assert sent_to["mute all 0"] == ["/lmdm/stem/*/mute", [0]]
    assert sent_to["gain bass 0.8"][0] == "/lmdm/stem/bass/gain"
    assert sent_to["gain bass 0.8"][1] == [pytest.approx(0.8)]
    assert sent_to["record stop"] == ["/lmdm/record", [0]]
    assert sent_to["input_gain 1"] == ["/lmdm/input/gain", [1.0]]
    assert sent_to["get"] == ["/lmdm/get", []]
    # the help patch exercises every control address of the table (patterns aside)
    reached = set()
    for address, _ in sent_to.values():
        reached |= {a.name for a in osc_table.match(address)} if osc_table.is_pattern(address) else {address}
    reached |= {"/lmdm/subscribe", "/lmdm/unsubscribe"}
    other_programs = {f"/lmdm/stem/{s}/program" for s in STEMS}  # one stem shows the message
    missing = set(osc_table.CONTROLS) - reached - other_programs
    assert not missing, f"no message of lmdm-help.pd sends {sorted(missing)}"


def test_help_documents_every_message_the_abstraction_takes():
    selectors = patchkit.interface_selectors(patchkit.pd_routes(patchkit.parse_pd(ABSTRACTION)))
    documented = {m.split()[0] for m in help_messages()}
    assert selectors == documented, (selectors ^ documented)


@pytest.mark.slow
def test_replies_come_out_of_the_outlets(pd_harness, osc_peer):
    h = pd_harness(osc_peer.port)
    _, _, _, pd_addr = osc_peer.wait_for("/lmdm/subscribe")
    # without a reply port [lmdm] subscribes bare: the daemon answers to [netsend]'s port
    osc_peer.send(pd_addr, "/lmdm/status", "playing", 96.0, 3, 1.5, 7, 0.42, 12.5, 40.0, 0, 2)
    osc_peer.send(pd_addr, "/lmdm/note", "bass", 40, 100, 250.0)
    osc_peer.send(pd_addr, "/lmdm/error", "/lmdm/bpm", "bpm: 400 is out of range 20..300")
    osc_peer.send(pd_addr, "/lmdm/meter/keys", 0.25)
    osc_peer.send(pd_addr, "/lmdm/ready", "baseline", 48000)
    osc_peer.send(pd_addr, "/lmdm/scene", "verse")
    status = h.pd.wait_for(r"^lmdm-status: list (.*)$")
    assert status.group(1).split() == ["playing", "96", "3", "1.5", "7", "0.42", "12.5", "40", "0", "2"]
    assert h.pd.wait_for(r"^lmdm-note: list (.*)$").group(1) == "bass 40 100 250"
    err = h.pd.wait_for(r"^lmdm-error: list (\S+) (.*)$")
    assert err.group(1) == "/lmdm/bpm" and err.group(2).replace("\\", "") == "bpm: 400 is out of range 20..300"
    assert h.pd.wait_for(r"^lmdm-other: meter (.*)$").group(1) == "keys 0.25"
    assert h.pd.wait_for(r"^lmdm-other: ready (.*)$").group(1) == "baseline 48000"
    assert h.pd.wait_for(r"^lmdm-other: scene (.*)$").group(1) == "verse"


@pytest.mark.slow
def test_unknown_message_goes_to_the_error_outlet(pd_harness, osc_peer):
    h = pd_harness(osc_peer.port)
    osc_peer.wait_for("/lmdm/subscribe")
    h.send("tempo 120")
    err = h.pd.wait_for(r"^lmdm-error: list (\S+) (.*)$")
    assert err.group(1) == "tempo" and "unknown message" in err.group(2).replace("\\", "")
    assert [m for m in osc_peer.receive(0.3) if m[0] != "/lmdm/subscribe"] == []


@pytest.mark.slow
def test_reply_port_subscribes_and_receives_there(pd_harness, osc_peer):
    reply = patchkit.free_udp_port()
    h = pd_harness(osc_peer.port, reply_port=reply)
    address, args, tags, _ = osc_peer.wait_for("/lmdm/subscribe")
    assert (args, tags) == ([reply], "i")
    osc_peer.send(("127.0.0.1", reply), "/lmdm/note", "drums", 36, 110, 120.0)
    assert h.pd.wait_for(r"^lmdm-note: list (.*)$").group(1) == "drums 36 110 120"


@pytest.mark.slow
def test_disconnect_and_connect_move_the_subscription(pd_harness, osc_peer):
    other = patchkit.OscPeer()
    try:
        h = pd_harness(osc_peer.port)
        osc_peer.wait_for("/lmdm/subscribe")
        h.send("disconnect")
        osc_peer.wait_for("/lmdm/unsubscribe")
        h.send(f"connect 127.0.0.1 {other.port}")
        other.wait_for("/lmdm/subscribe")
        h.send("bpm 100")
        address, args, tags, _ = other.wait_for("/lmdm/bpm")
        assert (args, tags) == ([100.0], "f")
        assert [m for m in osc_peer.receive(0.3) if m[0] == "/lmdm/bpm"] == []
    finally:
        other.close()


@pytest.mark.slow
def test_a_daemon_started_later_is_found_by_the_periodic_subscribe(pd_harness):
    port = patchkit.free_udp_port()
    h = pd_harness(port)  # nothing listens yet: the first subscribe is refused
    h.send("bpm 100")
    time.sleep(0.5)
    late = patchkit.OscPeer(port)
    try:
        _, _, _, pd_addr = late.wait_for("/lmdm/subscribe", timeout=8.0)  # every 5 s
        late.send(pd_addr, "/lmdm/status", "stopped", 120.0, 0, 0.0, 0, 0.0, 0.0, 0.0, 0, 0)
        assert h.pd.wait_for(r"^lmdm-status: list stopped")
        assert not h.pd.errors(), h.pd.errors()
    finally:
        late.close()
