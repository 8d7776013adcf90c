"""Port layout options: autoconnection to the server's system ports, stereo stem pairs,
no MIDI (and no MIDI learn); the daemon prints the ports it made."""
from __future__ import annotations

import pytest

from daemonkit import FAST, start_daemon


@pytest.mark.slow
def test_autoconnect_stereo_stems_and_no_midi(jack_server, tmp_path, osc_client_factory):
    import jack
    d = start_daemon(jack_server, tmp_path, {**FAST, "audio": {"autoconnect": True, "stem_channels": 2,
                                                                 "midi": False, "inputs": 1}})
    client = jack.Client("portcheck", servername=jack_server.name, no_start_server=True)
    try:
        names = sorted(p.shortname for p in client.get_ports(f"{d.client_name}:.*"))
        want = sorted(["in_1", "mix_L", "mix_R"] + [f"{s}_{c}" for s in ("bass", "keys", "lead", "drums")
                                                    for c in "LR"])
        assert names == want
        assert "ports: in_1 bass_L bass_R keys_L keys_R lead_L lead_R drums_L drums_R mix_L mix_R" in d.output()
        # the dummy driver's system ports: capture -> in_1, mix -> playback
        sources = [p.name for p in client.get_all_connections(f"{d.client_name}:in_1")]
        assert sources == ["system:capture_1"]
        assert [p.name for p in client.get_all_connections(f"{d.client_name}:mix_L")] == ["system:playback_1"]
        assert [p.name for p in client.get_all_connections(f"{d.client_name}:mix_R")] == ["system:playback_2"]
        c = osc_client_factory(d.osc_port)  # no MIDI input: nothing to learn from, and it says so
        c.send("/lmdm/midi/learn", "density")
        assert "no MIDI input (audio.midi: false" in c.wait_for("/lmdm/error").args[1]
    finally:
        client.close()
        assert d.stop() == 0
