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
			40.0,
			80.0,
			1340.0,
			960.0
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
		"description": "lmdm demo",
		"digest": "lmdm demo",
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
						1200.0,
						40.0
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
					"text": "lmdm-demo: perform with the LMDM daemon from Max",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						18.0,
						600.0,
						20.0
					],
					"fontsize": 16.0,
					"id": "obj-2"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "1. start the daemon: lmdm serve (JACK), or lmdm serve --backend portaudio with a loopback device (docs/quickstart-max.md)  2. route Max's outputs 3/4 to the daemon's inputs and the daemon's stems to Max's inputs 5..8  3. turn audio on, press play",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						56.0,
						1180.0,
						40.0
					],
					"linecount": 2,
					"id": "obj-3"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "lmdm 127.0.0.1 9000 9001",
					"numinlets": 1,
					"numoutlets": 4,
					"patching_rect": [
						20.0,
						700.0,
						180.0,
						22.0
					],
					"outlettype": [
						"",
						"",
						"",
						""
					],
					"id": "obj-4"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "<- the abstraction (patchers/lmdm.maxpat)",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						200.0,
						700.0,
						300.0,
						20.0
					],
					"id": "obj-5"
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
						110.0,
						200.0,
						20.0
					],
					"id": "obj-6"
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
						20.0,
						135.0,
						42.0,
						22.0
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
						80.0,
						135.0,
						42.0,
						22.0
					],
					"id": "obj-8"
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
						140.0,
						135.0,
						49.0,
						22.0
					],
					"id": "obj-9"
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
						20.0,
						165.0,
						112.0,
						22.0
					],
					"id": "obj-10"
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
						140.0,
						165.0,
						84.0,
						22.0
					],
					"id": "obj-11"
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
						260.0,
						165.0,
						77.0,
						22.0
					],
					"id": "obj-12"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "--- prompt: type and press return, or click a preset ---",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						205.0,
						400.0,
						20.0
					],
					"id": "obj-13"
				}
			},
			{
				"box": {
					"maxclass": "textedit",
					"numinlets": 1,
					"numoutlets": 4,
					"patching_rect": [
						20.0,
						230.0,
						320.0,
						24.0
					],
					"outlettype": [
						"",
						"int",
						"",
						""
					],
					"parameter_enable": 0,
					"keymode": 1,
					"lines": 1,
					"text": "warm funky bass",
					"id": "obj-14"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "route text",
					"numinlets": 2,
					"numoutlets": 2,
					"patching_rect": [
						20.0,
						262.0,
						82.0,
						22.0
					],
					"outlettype": [
						"",
						""
					],
					"id": "obj-15"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend prompt",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						20.0,
						292.0,
						110.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-16"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "prompt dreamy ambient pads",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						20.0,
						325.0,
						196.0,
						22.0
					],
					"id": "obj-17"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "mix \"tight drum and bass\" 1. \"jazz\" 0.5",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						20.0,
						355.0,
						287.0,
						22.0
					],
					"id": "obj-18"
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
						20.0,
						385.0,
						56.0,
						22.0
					],
					"id": "obj-19"
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
						425.0,
						200.0,
						20.0
					],
					"id": "obj-20"
				}
			},
			{
				"box": {
					"maxclass": "flonum",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						20.0,
						450.0,
						60.0,
						22.0
					],
					"outlettype": [
						"",
						"bang"
					],
					"parameter_enable": 0,
					"minimum": 20.0,
					"maximum": 300.0,
					"id": "obj-21"
				}
			},
			{
				"box": {
					"maxclass": "number",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						110.0,
						450.0,
						50.0,
						22.0
					],
					"outlettype": [
						"",
						"bang"
					],
					"parameter_enable": 0,
					"minimum": 1,
					"maximum": 16,
					"id": "obj-22"
				}
			},
			{
				"box": {
					"maxclass": "toggle",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						200.0,
						450.0,
						22.0,
						22.0
					],
					"outlettype": [
						"int"
					],
					"parameter_enable": 0,
					"id": "obj-23"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "bpm",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						474.0,
						40.0,
						20.0
					],
					"fontsize": 9.0,
					"id": "obj-24"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "beats/bar",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						110.0,
						474.0,
						60.0,
						20.0
					],
					"fontsize": 9.0,
					"id": "obj-25"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "follow JACK",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						200.0,
						474.0,
						70.0,
						20.0
					],
					"fontsize": 9.0,
					"id": "obj-26"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend bpm",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						20.0,
						500.0,
						89.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-27"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend beats_per_bar",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						110.0,
						530.0,
						159.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-28"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend follow_transport",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						200.0,
						560.0,
						180.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-29"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "--- generation ---",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						380.0,
						110.0,
						200.0,
						20.0
					],
					"id": "obj-30"
				}
			},
			{
				"box": {
					"maxclass": "slider",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						380.0,
						140.0,
						160.0,
						22.0
					],
					"outlettype": [
						""
					],
					"parameter_enable": 0,
					"floatoutput": 1,
					"size": 10.0,
					"orientation": 1,
					"id": "obj-31"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "guidance",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						550.0,
						140.0,
						90.0,
						20.0
					],
					"id": "obj-32"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend guidance",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						380.0,
						170.0,
						124.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-33"
				}
			},
			{
				"box": {
					"maxclass": "slider",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						380.0,
						210.0,
						160.0,
						22.0
					],
					"outlettype": [
						""
					],
					"parameter_enable": 0,
					"floatoutput": 1,
					"size": 1.0,
					"orientation": 1,
					"id": "obj-34"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "density",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						550.0,
						210.0,
						90.0,
						20.0
					],
					"id": "obj-35"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend density",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						380.0,
						240.0,
						117.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-36"
				}
			},
			{
				"box": {
					"maxclass": "slider",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						380.0,
						280.0,
						160.0,
						22.0
					],
					"outlettype": [
						""
					],
					"parameter_enable": 0,
					"floatoutput": 1,
					"size": 2.0,
					"orientation": 1,
					"id": "obj-37"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "temperature",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						550.0,
						280.0,
						90.0,
						20.0
					],
					"id": "obj-38"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend temperature",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						380.0,
						310.0,
						145.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-39"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "--- stems: mute, gain, meter (from the daemon), level back in Max, last note ---",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						680.0,
						110.0,
						520.0,
						20.0
					],
					"id": "obj-40"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "route /lmdm/meter/bass /lmdm/meter/keys /lmdm/meter/lead /lmdm/meter/drums /lmdm/meter/input",
					"numinlets": 6,
					"numoutlets": 6,
					"patching_rect": [
						680.0,
						560.0,
						640.0,
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
					"id": "obj-41"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "route bass keys lead drums",
					"numinlets": 5,
					"numoutlets": 5,
					"patching_rect": [
						680.0,
						600.0,
						194.0,
						22.0
					],
					"outlettype": [
						"",
						"",
						"",
						"",
						""
					],
					"id": "obj-42"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "adc~ 5 6 7 8",
					"numinlets": 1,
					"numoutlets": 4,
					"patching_rect": [
						680.0,
						640.0,
						96.0,
						22.0
					],
					"outlettype": [
						"signal",
						"signal",
						"signal",
						"signal"
					],
					"id": "obj-43"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "bass",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						680.0,
						135.0,
						60.0,
						20.0
					],
					"id": "obj-44"
				}
			},
			{
				"box": {
					"maxclass": "toggle",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						680.0,
						160.0,
						22.0,
						22.0
					],
					"outlettype": [
						"int"
					],
					"parameter_enable": 0,
					"id": "obj-45"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "mute",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						706.0,
						160.0,
						40.0,
						20.0
					],
					"id": "obj-46"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend mute bass",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						680.0,
						190.0,
						131.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-47"
				}
			},
			{
				"box": {
					"maxclass": "slider",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						680.0,
						225.0,
						22.0,
						100.0
					],
					"outlettype": [
						""
					],
					"parameter_enable": 0,
					"floatoutput": 1,
					"size": 2.0,
					"id": "obj-48"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend gain bass",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						680.0,
						335.0,
						131.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-49"
				}
			},
			{
				"box": {
					"maxclass": "slider",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						720.0,
						225.0,
						14.0,
						100.0
					],
					"outlettype": [
						""
					],
					"parameter_enable": 0,
					"size": 101.0,
					"ignoreclick": 1,
					"id": "obj-50"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "* 100.",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						720.0,
						530.0,
						54.0,
						22.0
					],
					"outlettype": [
						"float"
					],
					"id": "obj-51"
				}
			},
			{
				"box": {
					"maxclass": "meter~",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						750.0,
						225.0,
						14.0,
						100.0
					],
					"outlettype": [
						"float"
					],
					"id": "obj-52"
				}
			},
			{
				"box": {
					"maxclass": "number",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						680.0,
						380.0,
						40.0,
						22.0
					],
					"outlettype": [
						"",
						"bang"
					],
					"parameter_enable": 0,
					"id": "obj-53"
				}
			},
			{
				"box": {
					"maxclass": "number",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						725.0,
						380.0,
						40.0,
						22.0
					],
					"outlettype": [
						"",
						"bang"
					],
					"parameter_enable": 0,
					"id": "obj-54"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "pitch  vel",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						680.0,
						404.0,
						90.0,
						20.0
					],
					"fontsize": 9.0,
					"id": "obj-55"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "unpack i i f",
					"numinlets": 1,
					"numoutlets": 3,
					"patching_rect": [
						680.0,
						440.0,
						96.0,
						22.0
					],
					"outlettype": [
						"int",
						"int",
						"float"
					],
					"id": "obj-56"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "keys",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						810.0,
						135.0,
						60.0,
						20.0
					],
					"id": "obj-57"
				}
			},
			{
				"box": {
					"maxclass": "toggle",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						810.0,
						160.0,
						22.0,
						22.0
					],
					"outlettype": [
						"int"
					],
					"parameter_enable": 0,
					"id": "obj-58"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "mute",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						836.0,
						160.0,
						40.0,
						20.0
					],
					"id": "obj-59"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend mute keys",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						810.0,
						190.0,
						131.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-60"
				}
			},
			{
				"box": {
					"maxclass": "slider",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						810.0,
						225.0,
						22.0,
						100.0
					],
					"outlettype": [
						""
					],
					"parameter_enable": 0,
					"floatoutput": 1,
					"size": 2.0,
					"id": "obj-61"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend gain keys",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						810.0,
						335.0,
						131.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-62"
				}
			},
			{
				"box": {
					"maxclass": "slider",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						850.0,
						225.0,
						14.0,
						100.0
					],
					"outlettype": [
						""
					],
					"parameter_enable": 0,
					"size": 101.0,
					"ignoreclick": 1,
					"id": "obj-63"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "* 100.",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						850.0,
						530.0,
						54.0,
						22.0
					],
					"outlettype": [
						"float"
					],
					"id": "obj-64"
				}
			},
			{
				"box": {
					"maxclass": "meter~",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						880.0,
						225.0,
						14.0,
						100.0
					],
					"outlettype": [
						"float"
					],
					"id": "obj-65"
				}
			},
			{
				"box": {
					"maxclass": "number",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						810.0,
						380.0,
						40.0,
						22.0
					],
					"outlettype": [
						"",
						"bang"
					],
					"parameter_enable": 0,
					"id": "obj-66"
				}
			},
			{
				"box": {
					"maxclass": "number",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						855.0,
						380.0,
						40.0,
						22.0
					],
					"outlettype": [
						"",
						"bang"
					],
					"parameter_enable": 0,
					"id": "obj-67"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "pitch  vel",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						810.0,
						404.0,
						90.0,
						20.0
					],
					"fontsize": 9.0,
					"id": "obj-68"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "unpack i i f",
					"numinlets": 1,
					"numoutlets": 3,
					"patching_rect": [
						810.0,
						440.0,
						96.0,
						22.0
					],
					"outlettype": [
						"int",
						"int",
						"float"
					],
					"id": "obj-69"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "lead",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						940.0,
						135.0,
						60.0,
						20.0
					],
					"id": "obj-70"
				}
			},
			{
				"box": {
					"maxclass": "toggle",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						940.0,
						160.0,
						22.0,
						22.0
					],
					"outlettype": [
						"int"
					],
					"parameter_enable": 0,
					"id": "obj-71"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "mute",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						966.0,
						160.0,
						40.0,
						20.0
					],
					"id": "obj-72"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend mute lead",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						940.0,
						190.0,
						131.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-73"
				}
			},
			{
				"box": {
					"maxclass": "slider",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						940.0,
						225.0,
						22.0,
						100.0
					],
					"outlettype": [
						""
					],
					"parameter_enable": 0,
					"floatoutput": 1,
					"size": 2.0,
					"id": "obj-74"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend gain lead",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						940.0,
						335.0,
						131.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-75"
				}
			},
			{
				"box": {
					"maxclass": "slider",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						980.0,
						225.0,
						14.0,
						100.0
					],
					"outlettype": [
						""
					],
					"parameter_enable": 0,
					"size": 101.0,
					"ignoreclick": 1,
					"id": "obj-76"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "* 100.",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						980.0,
						530.0,
						54.0,
						22.0
					],
					"outlettype": [
						"float"
					],
					"id": "obj-77"
				}
			},
			{
				"box": {
					"maxclass": "meter~",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						1010.0,
						225.0,
						14.0,
						100.0
					],
					"outlettype": [
						"float"
					],
					"id": "obj-78"
				}
			},
			{
				"box": {
					"maxclass": "number",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						940.0,
						380.0,
						40.0,
						22.0
					],
					"outlettype": [
						"",
						"bang"
					],
					"parameter_enable": 0,
					"id": "obj-79"
				}
			},
			{
				"box": {
					"maxclass": "number",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						985.0,
						380.0,
						40.0,
						22.0
					],
					"outlettype": [
						"",
						"bang"
					],
					"parameter_enable": 0,
					"id": "obj-80"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "pitch  vel",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						940.0,
						404.0,
						90.0,
						20.0
					],
					"fontsize": 9.0,
					"id": "obj-81"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "unpack i i f",
					"numinlets": 1,
					"numoutlets": 3,
					"patching_rect": [
						940.0,
						440.0,
						96.0,
						22.0
					],
					"outlettype": [
						"int",
						"int",
						"float"
					],
					"id": "obj-82"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "drums",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						1070.0,
						135.0,
						60.0,
						20.0
					],
					"id": "obj-83"
				}
			},
			{
				"box": {
					"maxclass": "toggle",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						1070.0,
						160.0,
						22.0,
						22.0
					],
					"outlettype": [
						"int"
					],
					"parameter_enable": 0,
					"id": "obj-84"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "mute",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						1096.0,
						160.0,
						40.0,
						20.0
					],
					"id": "obj-85"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend mute drums",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						1070.0,
						190.0,
						138.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-86"
				}
			},
			{
				"box": {
					"maxclass": "slider",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						1070.0,
						225.0,
						22.0,
						100.0
					],
					"outlettype": [
						""
					],
					"parameter_enable": 0,
					"floatoutput": 1,
					"size": 2.0,
					"id": "obj-87"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend gain drums",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						1070.0,
						335.0,
						138.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-88"
				}
			},
			{
				"box": {
					"maxclass": "slider",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						1110.0,
						225.0,
						14.0,
						100.0
					],
					"outlettype": [
						""
					],
					"parameter_enable": 0,
					"size": 101.0,
					"ignoreclick": 1,
					"id": "obj-89"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "* 100.",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						1110.0,
						530.0,
						54.0,
						22.0
					],
					"outlettype": [
						"float"
					],
					"id": "obj-90"
				}
			},
			{
				"box": {
					"maxclass": "meter~",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						1140.0,
						225.0,
						14.0,
						100.0
					],
					"outlettype": [
						"float"
					],
					"id": "obj-91"
				}
			},
			{
				"box": {
					"maxclass": "number",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						1070.0,
						380.0,
						40.0,
						22.0
					],
					"outlettype": [
						"",
						"bang"
					],
					"parameter_enable": 0,
					"id": "obj-92"
				}
			},
			{
				"box": {
					"maxclass": "number",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						1115.0,
						380.0,
						40.0,
						22.0
					],
					"outlettype": [
						"",
						"bang"
					],
					"parameter_enable": 0,
					"id": "obj-93"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "pitch  vel",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						1070.0,
						404.0,
						90.0,
						20.0
					],
					"fontsize": 9.0,
					"id": "obj-94"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "unpack i i f",
					"numinlets": 1,
					"numoutlets": 3,
					"patching_rect": [
						1070.0,
						440.0,
						96.0,
						22.0
					],
					"outlettype": [
						"int",
						"int",
						"float"
					],
					"id": "obj-95"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "--- audio ---",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						380.0,
						360.0,
						200.0,
						20.0
					],
					"id": "obj-96"
				}
			},
			{
				"box": {
					"maxclass": "ezdac~",
					"numinlets": 2,
					"numoutlets": 0,
					"patching_rect": [
						380.0,
						385.0,
						45.0,
						45.0
					],
					"id": "obj-97"
				}
			},
			{
				"box": {
					"maxclass": "toggle",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						450.0,
						385.0,
						22.0,
						22.0
					],
					"outlettype": [
						"int"
					],
					"parameter_enable": 0,
					"id": "obj-98"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "test tone",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						476.0,
						385.0,
						80.0,
						20.0
					],
					"id": "obj-99"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "cycle~ 220",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						450.0,
						440.0,
						82.0,
						22.0
					],
					"outlettype": [
						"signal"
					],
					"id": "obj-100"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "*~ 0.",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						450.0,
						470.0,
						47.0,
						22.0
					],
					"outlettype": [
						"signal"
					],
					"id": "obj-101"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "* 0.2",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						530.0,
						415.0,
						47.0,
						22.0
					],
					"outlettype": [
						"float"
					],
					"id": "obj-102"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "adc~ 1 2",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						560.0,
						440.0,
						68.0,
						22.0
					],
					"outlettype": [
						"signal",
						"signal"
					],
					"id": "obj-103"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "your instrument",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						560.0,
						415.0,
						110.0,
						20.0
					],
					"id": "obj-104"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "dac~ 3 4",
					"numinlets": 2,
					"numoutlets": 0,
					"patching_rect": [
						450.0,
						505.0,
						68.0,
						22.0
					],
					"id": "obj-105"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "-> daemon in_1 in_2",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						520.0,
						505.0,
						140.0,
						20.0
					],
					"id": "obj-106"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "*~ 0.5",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						450.0,
						600.0,
						54.0,
						22.0
					],
					"outlettype": [
						"signal"
					],
					"id": "obj-107"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "dac~ 1 2",
					"numinlets": 2,
					"numoutlets": 0,
					"patching_rect": [
						450.0,
						630.0,
						68.0,
						22.0
					],
					"id": "obj-108"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "<- stems to the speakers",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						520.0,
						630.0,
						170.0,
						20.0
					],
					"id": "obj-109"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "--- status ---",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						740.0,
						200.0,
						20.0
					],
					"id": "obj-110"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "unpack s f i f i f f f i i",
					"numinlets": 1,
					"numoutlets": 10,
					"patching_rect": [
						20.0,
						765.0,
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
					"id": "obj-111"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend set",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						20.0,
						795.0,
						89.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-112"
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
						20.0,
						825.0,
						80.0,
						22.0
					],
					"id": "obj-113"
				}
			},
			{
				"box": {
					"maxclass": "flonum",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						110.0,
						825.0,
						55.0,
						22.0
					],
					"outlettype": [
						"",
						"bang"
					],
					"parameter_enable": 0,
					"id": "obj-114"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "bpm",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						110.0,
						849.0,
						60.0,
						20.0
					],
					"fontsize": 9.0,
					"id": "obj-115"
				}
			},
			{
				"box": {
					"maxclass": "number",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						170.0,
						825.0,
						55.0,
						22.0
					],
					"outlettype": [
						"",
						"bang"
					],
					"parameter_enable": 0,
					"id": "obj-116"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "bar",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						170.0,
						849.0,
						60.0,
						20.0
					],
					"fontsize": 9.0,
					"id": "obj-117"
				}
			},
			{
				"box": {
					"maxclass": "flonum",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						230.0,
						825.0,
						55.0,
						22.0
					],
					"outlettype": [
						"",
						"bang"
					],
					"parameter_enable": 0,
					"id": "obj-118"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "beat",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						230.0,
						849.0,
						60.0,
						20.0
					],
					"fontsize": 9.0,
					"id": "obj-119"
				}
			},
			{
				"box": {
					"maxclass": "flonum",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						290.0,
						825.0,
						55.0,
						22.0
					],
					"outlettype": [
						"",
						"bang"
					],
					"parameter_enable": 0,
					"id": "obj-120"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "rtf",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						290.0,
						849.0,
						60.0,
						20.0
					],
					"fontsize": 9.0,
					"id": "obj-121"
				}
			},
			{
				"box": {
					"maxclass": "flonum",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						350.0,
						825.0,
						55.0,
						22.0
					],
					"outlettype": [
						"",
						"bang"
					],
					"parameter_enable": 0,
					"id": "obj-122"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "latency_ms",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						350.0,
						849.0,
						60.0,
						20.0
					],
					"fontsize": 9.0,
					"id": "obj-123"
				}
			},
			{
				"box": {
					"maxclass": "number",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						410.0,
						825.0,
						55.0,
						22.0
					],
					"outlettype": [
						"",
						"bang"
					],
					"parameter_enable": 0,
					"id": "obj-124"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "xruns",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						410.0,
						849.0,
						60.0,
						20.0
					],
					"fontsize": 9.0,
					"id": "obj-125"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend set",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						520.0,
						765.0,
						89.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-126"
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
						520.0,
						825.0,
						500.0,
						22.0
					],
					"id": "obj-127"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "last error",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						520.0,
						800.0,
						80.0,
						20.0
					],
					"id": "obj-128"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "loadbang",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						380.0,
						700.0,
						68.0,
						22.0
					],
					"outlettype": [
						"bang"
					],
					"id": "obj-129"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "delay 500",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						380.0,
						730.0,
						75.0,
						22.0
					],
					"outlettype": [
						"bang"
					],
					"id": "obj-130"
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
						460.0,
						730.0,
						35.0,
						22.0
					],
					"id": "obj-131"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "route /lmdm/value",
					"numinlets": 2,
					"numoutlets": 2,
					"patching_rect": [
						680.0,
						740.0,
						131.0,
						22.0
					],
					"outlettype": [
						"",
						""
					],
					"id": "obj-132"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "<- the daemon's values (answers to get) set the controls",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						820.0,
						740.0,
						360.0,
						20.0
					],
					"id": "obj-133"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "route bpm beats_per_bar guidance density temperature follow_transport tap_start",
					"numinlets": 8,
					"numoutlets": 8,
					"patching_rect": [
						680.0,
						770.0,
						540.0,
						22.0
					],
					"outlettype": [
						"",
						"",
						"",
						"",
						"",
						"",
						"",
						""
					],
					"id": "obj-134"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend set",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						680.0,
						800.0,
						80.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-135"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend set",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						770.0,
						800.0,
						80.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-136"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend set",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						860.0,
						800.0,
						80.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-137"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend set",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						950.0,
						800.0,
						80.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-138"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend set",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						1040.0,
						800.0,
						80.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-139"
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
						290.0,
						450.0,
						33.0,
						22.0
					],
					"id": "obj-140"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"patching_rect": [
						1220.0,
						600.0,
						62.0,
						22.0
					],
					"id": "obj-141",
					"text": "unpack f f",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"float",
						"float"
					]
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"patching_rect": [
						1220.0,
						630.0,
						54.0,
						22.0
					],
					"id": "obj-142",
					"text": "* 100.",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"float"
					]
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"patching_rect": [
						1280.0,
						630.0,
						54.0,
						22.0
					],
					"id": "obj-143",
					"text": "* 100.",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"float"
					]
				}
			},
			{
				"box": {
					"maxclass": "slider",
					"patching_rect": [
						645.0,
						330.0,
						14.0,
						80.0
					],
					"id": "obj-144",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"parameter_enable": 0,
					"size": 101.0,
					"ignoreclick": 1
				}
			},
			{
				"box": {
					"maxclass": "slider",
					"patching_rect": [
						662.0,
						330.0,
						14.0,
						80.0
					],
					"id": "obj-145",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"parameter_enable": 0,
					"size": 101.0,
					"ignoreclick": 1
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"patching_rect": [
						640.0,
						310.0,
						40.0,
						20.0
					],
					"id": "obj-146",
					"text": "in",
					"numinlets": 1,
					"numoutlets": 0
				}
			},
			{
				"box": {
					"maxclass": "toggle",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						340.0,
						450.0,
						22.0,
						22.0
					],
					"outlettype": [
						"int"
					],
					"parameter_enable": 0,
					"id": "obj-147"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "count in",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						340.0,
						474.0,
						60.0,
						20.0
					],
					"id": "obj-148"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend tap_start",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						340.0,
						530.0,
						110.0,
						22.0
					],
					"id": "obj-149"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend set",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						1130.0,
						800.0,
						75.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-150"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend set",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						1215.0,
						800.0,
						75.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-151"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "route stem/bass/mute stem/keys/mute stem/lead/mute stem/drums/mute stem/bass/gain stem/keys/gain stem/lead/gain stem/drums/gain",
					"numinlets": 9,
					"numoutlets": 9,
					"patching_rect": [
						680.0,
						860.0,
						610.0,
						22.0
					],
					"outlettype": [
						"",
						"",
						"",
						"",
						"",
						"",
						"",
						"",
						""
					],
					"id": "obj-152"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend set",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						680.0,
						890.0,
						75.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-153"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend set",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						760.0,
						890.0,
						75.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-154"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend set",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						840.0,
						890.0,
						75.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-155"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend set",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						920.0,
						890.0,
						75.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-156"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend set",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						1000.0,
						890.0,
						75.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-157"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend set",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						1080.0,
						890.0,
						75.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-158"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend set",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						1160.0,
						890.0,
						75.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-159"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend set",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						1240.0,
						890.0,
						75.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-160"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "--- scenes: store the settings, recall them ---",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						880.0,
						320.0,
						20.0
					],
					"id": "obj-161"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "store A",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						20.0,
						905.0,
						60.0,
						22.0
					],
					"id": "obj-162"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "recall A",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						90.0,
						905.0,
						65.0,
						22.0
					],
					"id": "obj-163"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "store B",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						170.0,
						905.0,
						60.0,
						22.0
					],
					"id": "obj-164"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "recall B",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						240.0,
						905.0,
						65.0,
						22.0
					],
					"id": "obj-165"
				}
			}
		],
		"lines": [
			{
				"patchline": {
					"source": [
						"obj-14",
						0
					],
					"destination": [
						"obj-15",
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
						"obj-16",
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
						"obj-27",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-22",
						0
					],
					"destination": [
						"obj-28",
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
						"obj-29",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-7",
						0
					],
					"destination": [
						"obj-4",
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
						"obj-4",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-9",
						0
					],
					"destination": [
						"obj-4",
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
						"obj-4",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-11",
						0
					],
					"destination": [
						"obj-4",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-12",
						0
					],
					"destination": [
						"obj-4",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-16",
						0
					],
					"destination": [
						"obj-4",
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
						"obj-4",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-18",
						0
					],
					"destination": [
						"obj-4",
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
						"obj-4",
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
						"obj-4",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-28",
						0
					],
					"destination": [
						"obj-4",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-29",
						0
					],
					"destination": [
						"obj-4",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-31",
						0
					],
					"destination": [
						"obj-33",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-33",
						0
					],
					"destination": [
						"obj-4",
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
						"obj-36",
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
						"obj-4",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-37",
						0
					],
					"destination": [
						"obj-39",
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
						"obj-4",
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
						"obj-47",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-48",
						0
					],
					"destination": [
						"obj-49",
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
						"obj-4",
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
						"obj-4",
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
						"obj-51",
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
						"obj-50",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-42",
						0
					],
					"destination": [
						"obj-56",
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
						"obj-53",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-56",
						1
					],
					"destination": [
						"obj-54",
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
						"obj-52",
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
						"obj-60",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-61",
						0
					],
					"destination": [
						"obj-62",
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
						"obj-4",
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
						"obj-4",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-41",
						1
					],
					"destination": [
						"obj-64",
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
						"obj-63",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-42",
						1
					],
					"destination": [
						"obj-69",
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
						"obj-66",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-69",
						1
					],
					"destination": [
						"obj-67",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-43",
						1
					],
					"destination": [
						"obj-65",
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
						"obj-73",
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
						"obj-75",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-73",
						0
					],
					"destination": [
						"obj-4",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-75",
						0
					],
					"destination": [
						"obj-4",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-41",
						2
					],
					"destination": [
						"obj-77",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-77",
						0
					],
					"destination": [
						"obj-76",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-42",
						2
					],
					"destination": [
						"obj-82",
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
						"obj-79",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-82",
						1
					],
					"destination": [
						"obj-80",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-43",
						2
					],
					"destination": [
						"obj-78",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-84",
						0
					],
					"destination": [
						"obj-86",
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
						"obj-88",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-86",
						0
					],
					"destination": [
						"obj-4",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-88",
						0
					],
					"destination": [
						"obj-4",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-41",
						3
					],
					"destination": [
						"obj-90",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-90",
						0
					],
					"destination": [
						"obj-89",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-42",
						3
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
						"obj-92",
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
						"obj-93",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-43",
						3
					],
					"destination": [
						"obj-91",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-4",
						1
					],
					"destination": [
						"obj-42",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-4",
						3
					],
					"destination": [
						"obj-41",
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
						"obj-102",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-102",
						0
					],
					"destination": [
						"obj-101",
						1
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-100",
						0
					],
					"destination": [
						"obj-101",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-101",
						0
					],
					"destination": [
						"obj-105",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-101",
						0
					],
					"destination": [
						"obj-105",
						1
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-103",
						0
					],
					"destination": [
						"obj-105",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-103",
						1
					],
					"destination": [
						"obj-105",
						1
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
						"obj-107",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-43",
						1
					],
					"destination": [
						"obj-107",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-43",
						2
					],
					"destination": [
						"obj-107",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-43",
						3
					],
					"destination": [
						"obj-107",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-107",
						0
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
						"obj-107",
						0
					],
					"destination": [
						"obj-108",
						1
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-4",
						0
					],
					"destination": [
						"obj-111",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-111",
						0
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
						"obj-112",
						0
					],
					"destination": [
						"obj-113",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-111",
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
						"obj-111",
						2
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
						"obj-111",
						3
					],
					"destination": [
						"obj-118",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-111",
						5
					],
					"destination": [
						"obj-120",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-111",
						7
					],
					"destination": [
						"obj-122",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-111",
						9
					],
					"destination": [
						"obj-124",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-4",
						2
					],
					"destination": [
						"obj-126",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-126",
						0
					],
					"destination": [
						"obj-127",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-129",
						0
					],
					"destination": [
						"obj-130",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-130",
						0
					],
					"destination": [
						"obj-131",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-131",
						0
					],
					"destination": [
						"obj-4",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-41",
						5
					],
					"destination": [
						"obj-132",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-132",
						0
					],
					"destination": [
						"obj-134",
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
						"obj-135",
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
						"obj-21",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-134",
						1
					],
					"destination": [
						"obj-136",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-136",
						0
					],
					"destination": [
						"obj-22",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-134",
						2
					],
					"destination": [
						"obj-137",
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
						"obj-31",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-134",
						3
					],
					"destination": [
						"obj-138",
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
						"obj-34",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-134",
						4
					],
					"destination": [
						"obj-139",
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
						"obj-37",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-140",
						0
					],
					"destination": [
						"obj-4",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-41",
						4
					],
					"destination": [
						"obj-141",
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
						"obj-142",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-141",
						1
					],
					"destination": [
						"obj-143",
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
						"obj-144",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-143",
						0
					],
					"destination": [
						"obj-145",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-147",
						0
					],
					"destination": [
						"obj-149",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-149",
						0
					],
					"destination": [
						"obj-4",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-134",
						5
					],
					"destination": [
						"obj-150",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-150",
						0
					],
					"destination": [
						"obj-23",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-134",
						6
					],
					"destination": [
						"obj-151",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-151",
						0
					],
					"destination": [
						"obj-147",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-134",
						7
					],
					"destination": [
						"obj-152",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-152",
						0
					],
					"destination": [
						"obj-153",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-153",
						0
					],
					"destination": [
						"obj-45",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-152",
						1
					],
					"destination": [
						"obj-154",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-154",
						0
					],
					"destination": [
						"obj-58",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-152",
						2
					],
					"destination": [
						"obj-155",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-155",
						0
					],
					"destination": [
						"obj-71",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-152",
						3
					],
					"destination": [
						"obj-156",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-156",
						0
					],
					"destination": [
						"obj-84",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-152",
						4
					],
					"destination": [
						"obj-157",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-157",
						0
					],
					"destination": [
						"obj-48",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-152",
						5
					],
					"destination": [
						"obj-158",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-158",
						0
					],
					"destination": [
						"obj-61",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-152",
						6
					],
					"destination": [
						"obj-159",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-159",
						0
					],
					"destination": [
						"obj-74",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-152",
						7
					],
					"destination": [
						"obj-160",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-160",
						0
					],
					"destination": [
						"obj-87",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-162",
						0
					],
					"destination": [
						"obj-4",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-163",
						0
					],
					"destination": [
						"obj-4",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-164",
						0
					],
					"destination": [
						"obj-4",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-165",
						0
					],
					"destination": [
						"obj-4",
						0
					]
				}
			}
		],
		"dependency_cache": [],
		"autosave": 0
	}
}
