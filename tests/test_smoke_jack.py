import jack


def test_jack_server_fixture_gives_a_running_dummy_server(jack_server):
    client = jack.Client("smoke", servername=jack_server.name, no_start_server=True)
    try:
        assert client.samplerate == 48000
        assert client.blocksize == 1024
    finally:
        client.close()
