#!/bin/sh
# Connect Pd running lmdm-demo.pd (pd -jack -inchannels 8 -outchannels 4) to the daemon:
#   Pd output_3/4 (your instrument, the test riff) -> daemon in_1/in_2
#   daemon bass keys lead drums                   -> Pd input_5..8 (meters, monitor mix)
# Pd's outputs 1/2 and inputs 1/2 stay on the sound card (Pd connects those itself);
# inputs 3/4 stay free, as in the Max demo, where they would mirror outputs 3/4 on a
# loopback device.
# Usage: sh connect-jack.sh [pd_client] [daemon_client]   (defaults: pure_data lmdm)
# The JACK server is the default one, or $JACK_DEFAULT_SERVER.
PD=${1:-pure_data}
LMDM=${2:-lmdm}
status=0

link() {
    if out=$(jack_connect "$1" "$2" 2>&1); then
        echo "connected $1 -> $2"
    elif echo "$out" | grep -q "already connected"; then
        echo "already connected $1 -> $2"
    else
        echo "could not connect $1 -> $2: $out" >&2
        status=1
    fi
}

link "$PD:output_3" "$LMDM:in_1"
link "$PD:output_4" "$LMDM:in_2"
i=5
for stem in bass keys lead drums; do
    link "$LMDM:$stem" "$PD:input_$i"
    i=$((i + 1))
done
exit $status
