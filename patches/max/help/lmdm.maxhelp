{
	"patcher": {
		"fileversion": 1,
		"appversion": {
			"major": 8,
			"minor": 6,
			"revision": 0,
			"architecture": "x64",
			"modernui": 1
		},
		"classnamespace": "box",
		"rect": [
			60.0,
			80.0,
			1180.0,
			980.0
		],
		"bglocked": 0,
		"openinpresentation": 0,
		"default_fontsize": 12.0,
		"default_fontface": 0,
		"default_fontname": "Arial",
		"gridonopen": 1,
		"gridsize": [
			15.0,
			15.0
		],
		"gridsnaponopen": 1,
		"objectsnaponopen": 1,
		"statusbarvisible": 2,
		"toolbarvisible": 1,
		"boxanimatetime": 200,
		"enablehscroll": 1,
		"enablevscroll": 1,
		"devicewidth": 0.0,
		"description": "lmdm help",
		"digest": "lmdm help",
		"tags": "",
		"style": "",
		"subpatcher_template": "",
		"assistshowspatchername": 0,
		"boxes": [
			{
				"box": {
					"maxclass": "panel",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						10.0,
						10.0,
						1140.0,
						44.0
					],
					"bgcolor": [
						0.85,
						0.89,
						0.94,
						1.0
					],
					"id": "obj-1"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "lmdm",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						18.0,
						80.0,
						20.0
					],
					"fontsize": 20.0,
					"fontface": 1,
					"id": "obj-2"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "control the LMDM daemon (lmdm serve) over OSC: the same messages as the Pd [lmdm]",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						100.0,
						24.0,
						700.0,
						20.0
					],
					"id": "obj-3"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "Start the daemon first: lmdm serve (OSC on 127.0.0.1:9000). [lmdm] sends these messages as OSC with udpsend and receives the daemon's replies with udpreceive on the reply port (default 9001; give each [lmdm] its own). Click the messages.",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						64.0,
						1100.0,
						40.0
					],
					"linecount": 2,
					"id": "obj-4"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "--- transport ---",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						120.0,
						300.0,
						20.0
					],
					"id": "obj-5"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "play",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						144.0,
						42.0,
						22.0
					],
					"id": "obj-6"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "start generating (audio I/O always runs)",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						144.0,
						340.0,
						20.0
					],
					"id": "obj-7"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "stop",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						170.0,
						42.0,
						22.0
					],
					"id": "obj-8"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "stop generating, the stems play silence",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						170.0,
						340.0,
						20.0
					],
					"id": "obj-9"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "reset",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						196.0,
						49.0,
						22.0
					],
					"id": "obj-10"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "forget the context (cache and history) at the next block",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						196.0,
						340.0,
						20.0
					],
					"id": "obj-11"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "--- prompt, mode, key ---",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						232.0,
						300.0,
						20.0
					],
					"id": "obj-12"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "prompt warm funky bass",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						256.0,
						168.0,
						22.0
					],
					"id": "obj-13"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "one style prompt: the words are joined into one text",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						256.0,
						340.0,
						20.0
					],
					"id": "obj-14"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "mix \"warm funk\" 1. \"dark ambient\" 0.5",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						282.0,
						273.0,
						22.0
					],
					"id": "obj-15"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "a mix: \"text\" weight pairs (quote texts of several words), up to 4",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						282.0,
						340.0,
						20.0
					],
					"id": "obj-16"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "prompt",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						308.0,
						56.0,
						22.0
					],
					"id": "obj-17"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "no words: clear the prompt",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						308.0,
						340.0,
						20.0
					],
					"id": "obj-18"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "mode accompany",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						334.0,
						112.0,
						22.0
					],
					"id": "obj-19"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "answer the live input",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						334.0,
						340.0,
						20.0
					],
					"id": "obj-20"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "mode delay",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						360.0,
						84.0,
						22.0
					],
					"id": "obj-21"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "re-voice each block one block later",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						360.0,
						340.0,
						20.0
					],
					"id": "obj-22"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "mode free",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						386.0,
						77.0,
						22.0
					],
					"id": "obj-23"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "ignore the input",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						386.0,
						340.0,
						20.0
					],
					"id": "obj-24"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "key C minor",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						412.0,
						91.0,
						22.0
					],
					"id": "obj-25"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "constrain pitched stems to a scale: C..B with # or b, major minor dorian ...",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						412.0,
						340.0,
						20.0
					],
					"id": "obj-26"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "key none",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						438.0,
						70.0,
						22.0
					],
					"id": "obj-27"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "no scale",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						438.0,
						340.0,
						20.0
					],
					"id": "obj-28"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "--- tempo ---",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						474.0,
						300.0,
						20.0
					],
					"id": "obj-29"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "bpm 96",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						498.0,
						56.0,
						22.0
					],
					"id": "obj-30"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "20..300, applied at the next block",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						498.0,
						340.0,
						20.0
					],
					"id": "obj-31"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "beats_per_bar 3",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						524.0,
						119.0,
						22.0
					],
					"id": "obj-32"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "1..16",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						524.0,
						340.0,
						20.0
					],
					"id": "obj-33"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "block_beats 4",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						550.0,
						105.0,
						22.0
					],
					"id": "obj-34"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "block length in beats, 0.25..32",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						550.0,
						340.0,
						20.0
					],
					"id": "obj-35"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "follow_transport 0",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						576.0,
						140.0,
						22.0
					],
					"id": "obj-36"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "1: follow JACK transport or a MIDI clock on midi_in; tap_start 1: a bar of taps while stopped counts the band in (starts it one beat after the last tap)",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						576.0,
						340.0,
						34.0
					],
					"id": "obj-37"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "--- generation ---",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						612.0,
						300.0,
						20.0
					],
					"id": "obj-38"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "guidance 3",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						636.0,
						84.0,
						22.0
					],
					"id": "obj-39"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "classifier-free guidance scale, 0..10",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						636.0,
						340.0,
						20.0
					],
					"id": "obj-40"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "temperature 1",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						662.0,
						105.0,
						22.0
					],
					"id": "obj-41"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "initial-noise scale, 0..2",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						662.0,
						340.0,
						20.0
					],
					"id": "obj-42"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "density 0.5",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						688.0,
						91.0,
						22.0
					],
					"id": "obj-43"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "how busy / how locked to the drums, 0..1",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						688.0,
						340.0,
						20.0
					],
					"id": "obj-44"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "steps 8",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						714.0,
						63.0,
						22.0
					],
					"id": "obj-45"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "denoising steps per block, 1..64",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						714.0,
						340.0,
						20.0
					],
					"id": "obj-46"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "seed 42",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						740.0,
						63.0,
						22.0
					],
					"id": "obj-47"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "reproducible generation (seed -1: a fresh seed every block)",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						740.0,
						340.0,
						20.0
					],
					"id": "obj-48"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "context_beats 32",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						766.0,
						126.0,
						22.0
					],
					"id": "obj-49"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "how much past the model attends to, 0..512",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						766.0,
						340.0,
						20.0
					],
					"id": "obj-50"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "input_gain 1",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						792.0,
						98.0,
						22.0
					],
					"id": "obj-51"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "input gain before analysis, 0..4",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						792.0,
						340.0,
						20.0
					],
					"id": "obj-52"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "--- stems: bass keys lead drums, or all ---",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						828.0,
						300.0,
						20.0
					],
					"id": "obj-53"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "mute drums 1",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						852.0,
						98.0,
						22.0
					],
					"id": "obj-54"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "mute a stem (it is still generated, as context)",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						852.0,
						340.0,
						20.0
					],
					"id": "obj-55"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "mute drums 0",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						878.0,
						98.0,
						22.0
					],
					"id": "obj-56"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "unmute",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						878.0,
						340.0,
						20.0
					],
					"id": "obj-57"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "mute all 0",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						904.0,
						84.0,
						22.0
					],
					"id": "obj-58"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "every stem",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						904.0,
						340.0,
						20.0
					],
					"id": "obj-59"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "gain bass 0.8",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						930.0,
						105.0,
						22.0
					],
					"id": "obj-60"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "output gain 0..2",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						930.0,
						340.0,
						20.0
					],
					"id": "obj-61"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "gain all 1",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						956.0,
						84.0,
						22.0
					],
					"id": "obj-62"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "every stem",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						956.0,
						340.0,
						20.0
					],
					"id": "obj-63"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "program keys 4",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						982.0,
						112.0,
						22.0
					],
					"id": "obj-64"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "General MIDI program 0..127 that renders the stem",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						982.0,
						340.0,
						20.0
					],
					"id": "obj-65"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "--- model, recording ---",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						1018.0,
						300.0,
						20.0
					],
					"id": "obj-66"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "model default",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						1042.0,
						105.0,
						22.0
					],
					"id": "obj-67"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "load a model by name (answers ready on the right outlet)",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						1042.0,
						340.0,
						20.0
					],
					"id": "obj-68"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "record take1",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						1068.0,
						98.0,
						22.0
					],
					"id": "obj-69"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "record input, stems, mix and notes into the session folder take1",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						1068.0,
						340.0,
						20.0
					],
					"id": "obj-70"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "record stop",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						1094.0,
						91.0,
						22.0
					],
					"id": "obj-71"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "stop recording (record 0 does the same)",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						1094.0,
						340.0,
						20.0
					],
					"id": "obj-72"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "--- queries (answers on the right outlet) ---",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						1130.0,
						300.0,
						20.0
					],
					"id": "obj-73"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "ping 1",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						1154.0,
						56.0,
						22.0
					],
					"id": "obj-74"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "-> pong 1",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						1154.0,
						340.0,
						20.0
					],
					"id": "obj-75"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "get bpm",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						1180.0,
						63.0,
						22.0
					],
					"id": "obj-76"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "-> value bpm 96",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						1180.0,
						340.0,
						20.0
					],
					"id": "obj-77"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "get",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						1206.0,
						35.0,
						22.0
					],
					"id": "obj-78"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "-> one value message per parameter",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						1206.0,
						340.0,
						20.0
					],
					"id": "obj-79"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "describe",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						1232.0,
						70.0,
						22.0
					],
					"id": "obj-80"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "-> one address message per OSC address",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						1232.0,
						340.0,
						20.0
					],
					"id": "obj-81"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "describe /lmdm/stem/bass/*",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						1258.0,
						196.0,
						22.0
					],
					"id": "obj-82"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "-> the addresses matching a pattern",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						1258.0,
						340.0,
						20.0
					],
					"id": "obj-83"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "--- connection ---",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						1294.0,
						300.0,
						20.0
					],
					"id": "obj-84"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "subscribe",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						1318.0,
						77.0,
						22.0
					],
					"id": "obj-85"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "ask for status, meters and notes (done at load and every 5 s)",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						1318.0,
						340.0,
						20.0
					],
					"id": "obj-86"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "unsubscribe",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						1344.0,
						91.0,
						22.0
					],
					"id": "obj-87"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "stop them",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						1344.0,
						340.0,
						20.0
					],
					"id": "obj-88"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "disconnect",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						1370.0,
						84.0,
						22.0
					],
					"id": "obj-89"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "unsubscribe and close",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						1370.0,
						340.0,
						20.0
					],
					"id": "obj-90"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "connect 127.0.0.1 9000",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						30.0,
						1396.0,
						168.0,
						22.0
					],
					"id": "obj-91"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "another daemon: host port [reply_port]",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						330.0,
						1396.0,
						340.0,
						20.0
					],
					"id": "obj-92"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "--- the object ---",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						720.0,
						120.0,
						200.0,
						20.0
					],
					"id": "obj-93"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "arguments: daemon host (127.0.0.1), port (9000), reply port (9001)",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						720.0,
						144.0,
						420.0,
						20.0
					],
					"id": "obj-94"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "lmdm 127.0.0.1 9000 9001",
					"numinlets": 1,
					"numoutlets": 4,
					"patching_rect": [
						720.0,
						180.0,
						180.0,
						22.0
					],
					"outlettype": [
						"",
						"",
						"",
						""
					],
					"id": "obj-95"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "unpack s f i f i f f f i i",
					"numinlets": 1,
					"numoutlets": 10,
					"patching_rect": [
						720.0,
						240.0,
						194.0,
						22.0
					],
					"outlettype": [
						"",
						"float",
						"int",
						"float",
						"int",
						"float",
						"float",
						"float",
						"int",
						"int"
					],
					"id": "obj-96"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						720.0,
						300.0,
						70.0,
						22.0
					],
					"id": "obj-97"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend set",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						720.0,
						275.0,
						75.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-98"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "state",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						720.0,
						324.0,
						60.0,
						20.0
					],
					"fontsize": 9.0,
					"id": "obj-99"
				}
			},
			{
				"box": {
					"maxclass": "flonum",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						792.0,
						300.0,
						40.0,
						22.0
					],
					"outlettype": [
						"",
						"bang"
					],
					"parameter_enable": 0,
					"id": "obj-100"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "bpm",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						792.0,
						324.0,
						60.0,
						20.0
					],
					"fontsize": 9.0,
					"id": "obj-101"
				}
			},
			{
				"box": {
					"maxclass": "number",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						834.0,
						300.0,
						40.0,
						22.0
					],
					"outlettype": [
						"",
						"bang"
					],
					"parameter_enable": 0,
					"id": "obj-102"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "bar",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						834.0,
						324.0,
						60.0,
						20.0
					],
					"fontsize": 9.0,
					"id": "obj-103"
				}
			},
			{
				"box": {
					"maxclass": "flonum",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						876.0,
						300.0,
						40.0,
						22.0
					],
					"outlettype": [
						"",
						"bang"
					],
					"parameter_enable": 0,
					"id": "obj-104"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "beat",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						876.0,
						324.0,
						60.0,
						20.0
					],
					"fontsize": 9.0,
					"id": "obj-105"
				}
			},
			{
				"box": {
					"maxclass": "flonum",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						960.0,
						300.0,
						40.0,
						22.0
					],
					"outlettype": [
						"",
						"bang"
					],
					"parameter_enable": 0,
					"id": "obj-106"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "rtf",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						960.0,
						324.0,
						60.0,
						20.0
					],
					"fontsize": 9.0,
					"id": "obj-107"
				}
			},
			{
				"box": {
					"maxclass": "flonum",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						1044.0,
						300.0,
						40.0,
						22.0
					],
					"outlettype": [
						"",
						"bang"
					],
					"parameter_enable": 0,
					"id": "obj-108"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "latency_ms",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						1044.0,
						324.0,
						60.0,
						20.0
					],
					"fontsize": 9.0,
					"id": "obj-109"
				}
			},
			{
				"box": {
					"maxclass": "number",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						1086.0,
						300.0,
						40.0,
						22.0
					],
					"outlettype": [
						"",
						"bang"
					],
					"parameter_enable": 0,
					"id": "obj-110"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "underruns",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						1086.0,
						324.0,
						60.0,
						20.0
					],
					"fontsize": 9.0,
					"id": "obj-111"
				}
			},
			{
				"box": {
					"maxclass": "number",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						1128.0,
						300.0,
						40.0,
						22.0
					],
					"outlettype": [
						"",
						"bang"
					],
					"parameter_enable": 0,
					"id": "obj-112"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "xruns",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						1128.0,
						324.0,
						60.0,
						20.0
					],
					"fontsize": 9.0,
					"id": "obj-113"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "print lmdm-note",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						720.0,
						370.0,
						117.0,
						22.0
					],
					"id": "obj-114"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "print lmdm-error",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						850.0,
						370.0,
						124.0,
						22.0
					],
					"id": "obj-115"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "route /lmdm/meter/bass /lmdm/meter/keys /lmdm/meter/lead /lmdm/meter/drums /lmdm/subscribed",
					"numinlets": 6,
					"numoutlets": 6,
					"patching_rect": [
						720.0,
						420.0,
						649.0,
						22.0
					],
					"outlettype": [
						"",
						"",
						"",
						"",
						"",
						""
					],
					"id": "obj-116"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "print lmdm",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						720.0,
						500.0,
						82.0,
						22.0
					],
					"id": "obj-117"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "(/lmdm/subscribed comes every 5 s: not printed)",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						810.0,
						500.0,
						300.0,
						20.0
					],
					"id": "obj-118"
				}
			},
			{
				"box": {
					"maxclass": "flonum",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						720.0,
						460.0,
						60.0,
						22.0
					],
					"outlettype": [
						"",
						"bang"
					],
					"parameter_enable": 0,
					"id": "obj-119"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "bass",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						720.0,
						484.0,
						60.0,
						20.0
					],
					"fontsize": 9.0,
					"id": "obj-120"
				}
			},
			{
				"box": {
					"maxclass": "flonum",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						790.0,
						460.0,
						60.0,
						22.0
					],
					"outlettype": [
						"",
						"bang"
					],
					"parameter_enable": 0,
					"id": "obj-121"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "keys",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						790.0,
						484.0,
						60.0,
						20.0
					],
					"fontsize": 9.0,
					"id": "obj-122"
				}
			},
			{
				"box": {
					"maxclass": "flonum",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						860.0,
						460.0,
						60.0,
						22.0
					],
					"outlettype": [
						"",
						"bang"
					],
					"parameter_enable": 0,
					"id": "obj-123"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "lead",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						860.0,
						484.0,
						60.0,
						20.0
					],
					"fontsize": 9.0,
					"id": "obj-124"
				}
			},
			{
				"box": {
					"maxclass": "flonum",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						930.0,
						460.0,
						60.0,
						22.0
					],
					"outlettype": [
						"",
						"bang"
					],
					"parameter_enable": 0,
					"id": "obj-125"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "drums",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						930.0,
						484.0,
						60.0,
						20.0
					],
					"fontsize": 9.0,
					"id": "obj-126"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "--- outlets ---",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						720.0,
						540.0,
						440.0,
						20.0
					],
					"id": "obj-127"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "1: status: state bpm bar beat block rtf step_ms latency_ms underruns xruns (every block)",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						720.0,
						568.0,
						440.0,
						40.0
					],
					"linecount": 2,
					"id": "obj-128"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "2: notes: stem pitch velocity duration_ms, as each note starts",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						720.0,
						616.0,
						440.0,
						20.0
					],
					"id": "obj-129"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "3: errors: address reason (from the daemon, or a message [lmdm] does not know)",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						720.0,
						644.0,
						440.0,
						40.0
					],
					"linecount": 2,
					"id": "obj-130"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "4: every other reply, with its OSC address: /lmdm/meter/<stem> rms, /lmdm/ready model rate, /lmdm/pong, /lmdm/value name value, /lmdm/address ..., /lmdm/subscribed port",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						720.0,
						692.0,
						440.0,
						60.0
					],
					"linecount": 3,
					"id": "obj-131"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "As a bpatcher, lmdm.maxpat shows the last status and the last error.",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						720.0,
						760.0,
						440.0,
						20.0
					],
					"id": "obj-132"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "Audio goes over JACK (or a loopback device), not OSC: see lmdm-demo.maxpat and docs/quickstart-max.md. Every OSC address: docs/osc.md.",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						720.0,
						788.0,
						440.0,
						40.0
					],
					"linecount": 2,
					"id": "obj-133"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "groove 0.5",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						130.0,
						688.0,
						80.0,
						22.0
					],
					"id": "obj-134"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "tap",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						90.0,
						196.0,
						33.0,
						22.0
					],
					"id": "obj-135"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "<- tap tempo: one per beat",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						130.0,
						196.0,
						190.0,
						20.0
					],
					"id": "obj-136"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "tap_start 1",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						180.0,
						576.0,
						76.0,
						22.0
					],
					"id": "obj-137"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "store verse",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						150.0,
						1068.0,
						85.0,
						22.0
					],
					"id": "obj-138"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "recall verse",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						150.0,
						1094.0,
						90.0,
						22.0
					],
					"id": "obj-139"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "Scenes: store verse keeps the settings now (prompt, tempo, key, generation controls, stem gains, mutes, programs) as scene verse; recall verse sets them again, all together on a bar line while the band plays (send it a beat ahead). get scenes lists them; delete verse forgets a stored one; scenes.presets in the daemon's config adds your own.",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						720.0,
						1042.0,
						440.0,
						80.0
					],
					"id": "obj-140"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "learn density",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						150.0,
						1154.0,
						95.0,
						22.0
					],
					"id": "obj-141"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "forget density",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						150.0,
						1180.0,
						100.0,
						22.0
					],
					"id": "obj-142"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "MIDI learn: learn density, then move a knob on a controller patched to the daemon's midi_in: that CC drives density from then on (answers midi learned <cc> density on the right outlet; learn none cancels). forget density unbinds it; get midi_map lists the bindings; midi_map in the daemon's config maps CCs and program changes ahead.",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						720.0,
						1140.0,
						440.0,
						94.0
					],
					"id": "obj-143"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "delete verse",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						150.0,
						1120.0,
						90.0,
						22.0
					],
					"id": "obj-144"
				}
			}
		],
		"lines": [
			{
				"patchline": {
					"source": [
						"obj-6",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-8",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-10",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-13",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-15",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-17",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-19",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-21",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-23",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-25",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-27",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-30",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-32",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-34",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-36",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-39",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-41",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-43",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-45",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-47",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-49",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-51",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-54",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-56",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-58",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-60",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-62",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-64",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-67",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-69",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-71",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-74",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-76",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-78",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-80",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-82",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-85",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-87",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-89",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-91",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-95",
						0
					],
					"destination": [
						"obj-96",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-96",
						0
					],
					"destination": [
						"obj-98",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-98",
						0
					],
					"destination": [
						"obj-97",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-96",
						1
					],
					"destination": [
						"obj-100",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-96",
						2
					],
					"destination": [
						"obj-102",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-96",
						3
					],
					"destination": [
						"obj-104",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-96",
						5
					],
					"destination": [
						"obj-106",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-96",
						7
					],
					"destination": [
						"obj-108",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-96",
						8
					],
					"destination": [
						"obj-110",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-96",
						9
					],
					"destination": [
						"obj-112",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-95",
						1
					],
					"destination": [
						"obj-114",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-95",
						2
					],
					"destination": [
						"obj-115",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-95",
						3
					],
					"destination": [
						"obj-116",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-116",
						5
					],
					"destination": [
						"obj-117",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-116",
						0
					],
					"destination": [
						"obj-119",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-116",
						1
					],
					"destination": [
						"obj-121",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-116",
						2
					],
					"destination": [
						"obj-123",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-116",
						3
					],
					"destination": [
						"obj-125",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-134",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-135",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-137",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-138",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-139",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-141",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-142",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-144",
						0
					],
					"destination": [
						"obj-95",
						0
					]
				}
			}
		],
		"dependency_cache": [],
		"autosave": 0
	}
}
