"""10,000+ random and mutated packets against a real OscServer over UDP loopback: the
server keeps answering ping, never raises, and lets only valid controls through."""
from __future__ import annotations

import logging
import socket

from hypothesis import given, settings
from hypothesis import strategies as st
from pythonosc.osc_bundle import OscBundle
from pythonosc.osc_message import OscMessage

from bridge import osc_table
from bridge.osc import Control, MalformedPacket, OscServer, check_packet
from oscfuzz import message, osc_string, packets

N_PACKETS = 10_000
SYNC_EVERY = 100  # a ping round trip every 100 packets paces the sender (no kernel drops)


def test_fuzzed_packets_never_stop_the_server(caplog):
    caplog.set_level(logging.ERROR, logger="bridge.osc")
    controls: list[Control] = []
    server = OscServer("127.0.0.1", 0, [], controls.append, osc_table.PARAMS.__getitem__)
    server.start()
    fuzz = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # its error replies are never read
    pinger = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    pinger.settimeout(5.0)
    target = ("127.0.0.1", server.port)

    def ping(token: int) -> None:
        pinger.sendto(message("/lmdm/ping", token), target)
        assert pinger.recvfrom(1024)[0] == message("/lmdm/pong", token)

    try:
        sent = 0
        for data in packets(seed=20240601, n=N_PACKETS):
            fuzz.sendto(data, target)
            sent += 1
            if sent % SYNC_EVERY == 0:
                ping(sent)
        ping(-1)
        assert all(t.is_alive() for t in server._threads)
        c = server.counters
        assert c.received == sent + sent // SYNC_EVERY + 1  # nothing lost, nothing denied
        assert c.malformed > 1000 and c.rejected > 1000 and c.controls > 1000
        assert c.errors_sent + c.errors_dropped == c.malformed + c.rejected
        # whatever reached on_control is valid per the table, already coerced
        assert controls
        for ctl in controls:
            assert osc_table.CONTROLS[ctl.address].validate(ctl.args) == ctl.args
            assert ctl.address not in ("/lmdm/record", "/lmdm/model", "/lmdm/subscribe")
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    finally:
        fuzz.close()
        pinger.close()
        server.stop()
    assert not any(t.is_alive() for t in server._threads)


# Byte strings that look like OSC often enough to reach the deeper checks.
_osc_like = st.one_of(
    st.binary(max_size=96),
    st.builds(lambda a, tags, body: osc_string(a) + osc_string("," + tags) + body,
              st.sampled_from(["/lmdm/bpm", "/lmdm/prompt", "/lmdm/ping", "/lmdm/stem/*/mute", "/x"]),
              st.text(alphabet="ifshdbtTFNmr[]cS", max_size=6), st.binary(max_size=48)),
    st.builds(lambda tt, body: b"#bundle\0" + tt + body, st.binary(min_size=8, max_size=8),
              st.binary(max_size=64)),
)


@settings(max_examples=400, deadline=None)
@given(_osc_like)
def test_strict_check_and_python_osc_agree(data):
    """Whatever passes check_packet parses with python-osc; whatever does not is reported
    as MalformedPacket (never another exception, never a hang)."""
    try:
        check_packet(data)
    except MalformedPacket:
        return
    if data.startswith(b"/"):
        OscMessage(data)
    else:
        OscBundle(data)
