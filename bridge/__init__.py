"""The LMDM bridge daemon: OSC control, JACK/PortAudio audio and MIDI, the engine, the CLI."""
__version__ = "0.1.0"
