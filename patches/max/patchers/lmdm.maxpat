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
			1400.0,
			900.0
		],
		"bglocked": 0,
		"openinpresentation": 1,
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
		"description": "control the LMDM daemon over OSC (udpsend / udpreceive)",
		"digest": "control the LMDM daemon over OSC (udpsend / udpreceive)",
		"tags": "",
		"style": "",
		"subpatcher_template": "",
		"assistshowspatchername": 0,
		"boxes": [
			{
				"box": {
					"maxclass": "comment",
					"text": "[lmdm host port reply_port]: control the LMDM daemon (lmdm serve) over OSC with udpsend / udpreceive. Same messages as the Pd [lmdm]: see lmdm.maxhelp.",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						10.0,
						900.0,
						20.0
					],
					"id": "obj-1"
				}
			},
			{
				"box": {
					"maxclass": "inlet",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"index": 1,
					"comment": "messages: prompt, bpm, mute drums 1, play ... (see lmdm.maxhelp)",
					"patching_rect": [
						20.0,
						50.0,
						30.0,
						30.0
					],
					"id": "obj-2"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "udpsend 127.0.0.1 9000",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						860.0,
						166.0,
						22.0
					],
					"id": "obj-3"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "<- every OSC message leaves here",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						190.0,
						860.0,
						220.0,
						20.0
					],
					"id": "obj-4"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "route connect disconnect subscribe unsubscribe",
					"numinlets": 5,
					"numoutlets": 5,
					"patching_rect": [
						20.0,
						90.0,
						334.0,
						22.0
					],
					"outlettype": [
						"",
						"",
						"",
						"",
						""
					],
					"id": "obj-5"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "route bpm block_beats guidance temperature density context_beats input_gain groove",
					"numinlets": 9,
					"numoutlets": 9,
					"patching_rect": [
						60.0,
						130.0,
						555.0,
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
					"id": "obj-6"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "sprintf /lmdm/bpm %f",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						60.0,
						170.0,
						152.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-7"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "sprintf /lmdm/block_beats %f",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						260.0,
						170.0,
						208.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-8"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "sprintf /lmdm/guidance %f",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						460.0,
						170.0,
						187.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-9"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "sprintf /lmdm/temperature %f",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						660.0,
						170.0,
						208.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-10"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "sprintf /lmdm/density %f",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						60.0,
						200.0,
						180.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-11"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "sprintf /lmdm/context_beats %f",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						260.0,
						200.0,
						222.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-12"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "sprintf /lmdm/input/gain %f",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						460.0,
						200.0,
						201.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-13"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "<- float arguments (sprintf %f sends f)",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						620.0,
						130.0,
						260.0,
						20.0
					],
					"id": "obj-14"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "route beats_per_bar steps seed follow_transport tap_start",
					"numinlets": 6,
					"numoutlets": 6,
					"patching_rect": [
						80.0,
						250.0,
						400.0,
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
					"id": "obj-15"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "sprintf /lmdm/beats_per_bar %ld",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						80.0,
						290.0,
						229.0,
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
					"maxclass": "newobj",
					"text": "sprintf /lmdm/steps %ld",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						300.0,
						290.0,
						173.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-17"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "sprintf /lmdm/seed %ld",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						520.0,
						290.0,
						166.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-18"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "sprintf /lmdm/follow_transport %ld",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						740.0,
						290.0,
						250.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-19"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "<- integer arguments (sprintf %ld sends i)",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						620.0,
						250.0,
						280.0,
						20.0
					],
					"id": "obj-20"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "route play stop reset tap",
					"numinlets": 5,
					"numoutlets": 5,
					"patching_rect": [
						100.0,
						340.0,
						183.0,
						22.0
					],
					"outlettype": [
						"",
						"",
						"",
						"",
						""
					],
					"id": "obj-21"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "/lmdm/play",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						100.0,
						380.0,
						84.0,
						22.0
					],
					"id": "obj-22"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "/lmdm/stop",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						220.0,
						380.0,
						84.0,
						22.0
					],
					"id": "obj-23"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "/lmdm/reset",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						340.0,
						380.0,
						91.0,
						22.0
					],
					"id": "obj-24"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "route mode model key prompt mix store recall learn forget delete",
					"numinlets": 11,
					"numoutlets": 11,
					"patching_rect": [
						120.0,
						430.0,
						420.0,
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
						"",
						"",
						""
					],
					"id": "obj-25"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "<- words joined into one string (tosymbol); mix: \"text\" weight pairs, as typed",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						620.0,
						430.0,
						300.0,
						40.0
					],
					"linecount": 2,
					"id": "obj-26"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "tosymbol",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						120.0,
						500.0,
						68.0,
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
					"text": "prepend /lmdm/mode",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						120.0,
						530.0,
						138.0,
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
					"text": "tosymbol",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						270.0,
						500.0,
						68.0,
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
					"maxclass": "newobj",
					"text": "prepend /lmdm/model",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						270.0,
						530.0,
						145.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-30"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "route bang",
					"numinlets": 2,
					"numoutlets": 2,
					"patching_rect": [
						420.0,
						470.0,
						82.0,
						22.0
					],
					"outlettype": [
						"",
						""
					],
					"id": "obj-31"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "/lmdm/key \"\"",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						420.0,
						560.0,
						98.0,
						22.0
					],
					"id": "obj-32"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "tosymbol",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						460.0,
						500.0,
						68.0,
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
					"maxclass": "newobj",
					"text": "prepend /lmdm/key",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						460.0,
						530.0,
						131.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-34"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "route bang",
					"numinlets": 2,
					"numoutlets": 2,
					"patching_rect": [
						570.0,
						470.0,
						82.0,
						22.0
					],
					"outlettype": [
						"",
						""
					],
					"id": "obj-35"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "/lmdm/prompt \"\"",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						570.0,
						560.0,
						119.0,
						22.0
					],
					"id": "obj-36"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "tosymbol",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						610.0,
						500.0,
						68.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-37"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend /lmdm/prompt",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						610.0,
						530.0,
						152.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-38"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend /lmdm/prompt",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						720.0,
						500.0,
						152.0,
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
					"maxclass": "newobj",
					"text": "route mute gain program",
					"numinlets": 4,
					"numoutlets": 4,
					"patching_rect": [
						140.0,
						610.0,
						173.0,
						22.0
					],
					"outlettype": [
						"",
						"",
						"",
						""
					],
					"id": "obj-40"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "<- per stem: mute drums 1; the stem all sends the pattern *",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						620.0,
						610.0,
						380.0,
						20.0
					],
					"id": "obj-41"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "route all",
					"numinlets": 2,
					"numoutlets": 2,
					"patching_rect": [
						140.0,
						650.0,
						75.0,
						22.0
					],
					"outlettype": [
						"",
						""
					],
					"id": "obj-42"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "sprintf /lmdm/stem/*/mute %ld",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						140.0,
						720.0,
						215.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-43"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "unpack s i",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						210.0,
						680.0,
						82.0,
						22.0
					],
					"outlettype": [
						"",
						"int"
					],
					"id": "obj-44"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "sprintf /lmdm/stem/%s/mute %ld",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						210.0,
						750.0,
						222.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-45"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "route all",
					"numinlets": 2,
					"numoutlets": 2,
					"patching_rect": [
						440.0,
						650.0,
						75.0,
						22.0
					],
					"outlettype": [
						"",
						""
					],
					"id": "obj-46"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "sprintf /lmdm/stem/*/gain %f",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						440.0,
						720.0,
						208.0,
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
					"maxclass": "newobj",
					"text": "unpack s f",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						510.0,
						680.0,
						82.0,
						22.0
					],
					"outlettype": [
						"",
						"float"
					],
					"id": "obj-48"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "sprintf /lmdm/stem/%s/gain %f",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						510.0,
						750.0,
						215.0,
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
					"maxclass": "newobj",
					"text": "route all",
					"numinlets": 2,
					"numoutlets": 2,
					"patching_rect": [
						740.0,
						650.0,
						75.0,
						22.0
					],
					"outlettype": [
						"",
						""
					],
					"id": "obj-50"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "sprintf /lmdm/stem/*/program %ld",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						740.0,
						720.0,
						236.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-51"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "unpack s i",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						810.0,
						680.0,
						82.0,
						22.0
					],
					"outlettype": [
						"",
						"int"
					],
					"id": "obj-52"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "sprintf /lmdm/stem/%s/program %ld",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						810.0,
						750.0,
						243.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-53"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "route ping describe get record",
					"numinlets": 5,
					"numoutlets": 5,
					"patching_rect": [
						1000.0,
						90.0,
						222.0,
						22.0
					],
					"outlettype": [
						"",
						"",
						"",
						"",
						""
					],
					"id": "obj-54"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "queries, recorder:",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						1000.0,
						60.0,
						150.0,
						20.0
					],
					"id": "obj-55"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "route bang",
					"numinlets": 2,
					"numoutlets": 2,
					"patching_rect": [
						1000.0,
						130.0,
						82.0,
						22.0
					],
					"outlettype": [
						"",
						""
					],
					"id": "obj-56"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "/lmdm/ping",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1000.0,
						160.0,
						84.0,
						22.0
					],
					"id": "obj-57"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "sprintf /lmdm/ping %ld",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						1110.0,
						160.0,
						166.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-58"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "route bang",
					"numinlets": 2,
					"numoutlets": 2,
					"patching_rect": [
						1000.0,
						240.0,
						82.0,
						22.0
					],
					"outlettype": [
						"",
						""
					],
					"id": "obj-59"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "/lmdm/describe",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1000.0,
						270.0,
						112.0,
						22.0
					],
					"id": "obj-60"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "tosymbol",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						1110.0,
						270.0,
						68.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-61"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend /lmdm/describe",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						1110.0,
						300.0,
						166.0,
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
					"maxclass": "newobj",
					"text": "route bang",
					"numinlets": 2,
					"numoutlets": 2,
					"patching_rect": [
						1000.0,
						350.0,
						82.0,
						22.0
					],
					"outlettype": [
						"",
						""
					],
					"id": "obj-63"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "/lmdm/get",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1000.0,
						380.0,
						77.0,
						22.0
					],
					"id": "obj-64"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "tosymbol",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						1110.0,
						380.0,
						68.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-65"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend /lmdm/get",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						1110.0,
						410.0,
						131.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-66"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "route stop 0",
					"numinlets": 3,
					"numoutlets": 3,
					"patching_rect": [
						1000.0,
						470.0,
						96.0,
						22.0
					],
					"outlettype": [
						"",
						"",
						""
					],
					"id": "obj-67"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "/lmdm/record 0",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1000.0,
						510.0,
						112.0,
						22.0
					],
					"id": "obj-68"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "tosymbol",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						1120.0,
						510.0,
						68.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-69"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend /lmdm/record",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						1120.0,
						540.0,
						152.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-70"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "record take1 starts, record stop (or 0) stops",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						1000.0,
						580.0,
						300.0,
						20.0
					],
					"id": "obj-71"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "tosymbol",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						1000.0,
						630.0,
						68.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-72"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "append \"unknown message (see lmdm.maxhelp)\"",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						1000.0,
						660.0,
						313.0,
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
					"maxclass": "comment",
					"text": "connection: creation arguments at load, or connect host port [reply_port]",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						920.0,
						500.0,
						20.0
					],
					"id": "obj-74"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "patcherargs 127.0.0.1 9000 9001",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						20.0,
						950.0,
						229.0,
						22.0
					],
					"outlettype": [
						"",
						""
					],
					"id": "obj-75"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "unpack s i i",
					"numinlets": 1,
					"numoutlets": 3,
					"patching_rect": [
						20.0,
						990.0,
						96.0,
						22.0
					],
					"outlettype": [
						"",
						"int",
						"int"
					],
					"id": "obj-76"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "t b s",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						20.0,
						1030.0,
						47.0,
						22.0
					],
					"outlettype": [
						"bang",
						""
					],
					"id": "obj-77"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend host",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						80.0,
						1070.0,
						96.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-78"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend port",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						180.0,
						1070.0,
						96.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-79"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "sel 0",
					"numinlets": 2,
					"numoutlets": 2,
					"patching_rect": [
						300.0,
						1030.0,
						47.0,
						22.0
					],
					"outlettype": [
						"bang",
						""
					],
					"id": "obj-80"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "<- no reply port given: keep the one we have",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						350.0,
						1030.0,
						300.0,
						20.0
					],
					"id": "obj-81"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "t i i i",
					"numinlets": 1,
					"numoutlets": 3,
					"patching_rect": [
						300.0,
						1070.0,
						61.0,
						22.0
					],
					"outlettype": [
						"int",
						"int",
						"int"
					],
					"id": "obj-82"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend port",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						420.0,
						1110.0,
						96.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-83"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "udpreceive 9001",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						420.0,
						1150.0,
						117.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-84"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "metro 5000",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						20.0,
						1110.0,
						82.0,
						22.0
					],
					"outlettype": [
						"bang"
					],
					"id": "obj-85"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "<- subscribe now and every 5 s",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						100.0,
						1110.0,
						200.0,
						20.0
					],
					"id": "obj-86"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "i 9001",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						20.0,
						1150.0,
						54.0,
						22.0
					],
					"outlettype": [
						"int"
					],
					"id": "obj-87"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "i 9001",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						200.0,
						1150.0,
						54.0,
						22.0
					],
					"outlettype": [
						"int"
					],
					"id": "obj-88"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend /lmdm/subscribe",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						20.0,
						1190.0,
						173.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-89"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend /lmdm/unsubscribe",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						200.0,
						1190.0,
						187.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-90"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "t b b",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						340.0,
						1190.0,
						47.0,
						22.0
					],
					"outlettype": [
						"bang",
						"bang"
					],
					"id": "obj-91"
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
						340.0,
						1230.0,
						42.0,
						22.0
					],
					"id": "obj-92"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "route /lmdm/status /lmdm/note /lmdm/error",
					"numinlets": 4,
					"numoutlets": 4,
					"patching_rect": [
						420.0,
						1190.0,
						299.0,
						22.0
					],
					"outlettype": [
						"",
						"",
						"",
						""
					],
					"id": "obj-93"
				}
			},
			{
				"box": {
					"maxclass": "outlet",
					"numinlets": 1,
					"numoutlets": 0,
					"index": 1,
					"comment": "status: state bpm bar beat block rtf step_ms latency_ms underruns xruns",
					"patching_rect": [
						420.0,
						1290.0,
						30.0,
						30.0
					],
					"id": "obj-94"
				}
			},
			{
				"box": {
					"maxclass": "outlet",
					"numinlets": 1,
					"numoutlets": 0,
					"index": 2,
					"comment": "notes: stem pitch velocity duration_ms",
					"patching_rect": [
						560.0,
						1290.0,
						30.0,
						30.0
					],
					"id": "obj-95"
				}
			},
			{
				"box": {
					"maxclass": "outlet",
					"numinlets": 1,
					"numoutlets": 0,
					"index": 3,
					"comment": "errors: address reason",
					"patching_rect": [
						700.0,
						1290.0,
						30.0,
						30.0
					],
					"id": "obj-96"
				}
			},
			{
				"box": {
					"maxclass": "outlet",
					"numinlets": 1,
					"numoutlets": 0,
					"index": 4,
					"comment": "other replies: /lmdm/meter/<stem> rms, /lmdm/bar bar beats_per_bar mode, /lmdm/ready, /lmdm/pong, /lmdm/value ...",
					"patching_rect": [
						840.0,
						1290.0,
						30.0,
						30.0
					],
					"id": "obj-97"
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "lmdm",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						700.0,
						1000.0,
						60.0,
						20.0
					],
					"fontface": 1,
					"id": "obj-98",
					"presentation": 1,
					"presentation_rect": [
						4.0,
						2.0,
						60.0,
						20.0
					]
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend set",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						700.0,
						1230.0,
						89.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-99"
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
						700.0,
						1030.0,
						300.0,
						22.0
					],
					"id": "obj-100",
					"presentation": 1,
					"presentation_rect": [
						4.0,
						24.0,
						300.0,
						22.0
					]
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend set",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						820.0,
						1230.0,
						89.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-101"
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
						700.0,
						1060.0,
						300.0,
						22.0
					],
					"id": "obj-102",
					"presentation": 1,
					"presentation_rect": [
						4.0,
						48.0,
						300.0,
						22.0
					]
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "bpatcher view: the name, the last status, the last error",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						700.0,
						960.0,
						380.0,
						20.0
					],
					"id": "obj-103"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "sprintf /lmdm/groove %f",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						460.0,
						226.0,
						150.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-104"
				}
			},
			{
				"box": {
					"maxclass": "message",
					"text": "/lmdm/tap",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						460.0,
						380.0,
						70.0,
						22.0
					],
					"id": "obj-105"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "sprintf /lmdm/tap_start %ld",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						1000.0,
						290.0,
						190.0,
						22.0
					],
					"outlettype": [
						""
					],
					"id": "obj-106"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "tosymbol",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						1000.0,
						730.0,
						68.0,
						22.0
					],
					"id": "obj-107",
					"outlettype": [
						""
					]
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend /lmdm/scene/store",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						1000.0,
						760.0,
						180.0,
						22.0
					],
					"id": "obj-108",
					"outlettype": [
						""
					]
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "tosymbol",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						1200.0,
						730.0,
						68.0,
						22.0
					],
					"id": "obj-109",
					"outlettype": [
						""
					]
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"text": "prepend /lmdm/scene/recall",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						1200.0,
						760.0,
						185.0,
						22.0
					],
					"id": "obj-110",
					"outlettype": [
						""
					]
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"text": "store verse, recall verse, delete verse: scenes (settings kept by name)",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						1000.0,
						700.0,
						380.0,
						20.0
					],
					"id": "obj-111"
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"id": "obj-112",
					"text": "tosymbol",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						1400.0,
						730.0,
						68.0,
						22.0
					],
					"outlettype": [
						""
					]
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"id": "obj-113",
					"text": "prepend /lmdm/midi/learn",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						1400.0,
						760.0,
						180.0,
						22.0
					],
					"outlettype": [
						""
					]
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"id": "obj-114",
					"text": "tosymbol",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						1600.0,
						730.0,
						68.0,
						22.0
					],
					"outlettype": [
						""
					]
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"id": "obj-115",
					"text": "prepend /lmdm/midi/forget",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						1600.0,
						760.0,
						180.0,
						22.0
					],
					"outlettype": [
						""
					]
				}
			},
			{
				"box": {
					"maxclass": "comment",
					"id": "obj-116",
					"text": "learn density: the next knob moved on midi_in drives it; forget density; learn none cancels",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						1400.0,
						700.0,
						420.0,
						20.0
					]
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"id": "obj-117",
					"text": "tosymbol",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						1800.0,
						730.0,
						68.0,
						22.0
					],
					"outlettype": [
						""
					]
				}
			},
			{
				"box": {
					"maxclass": "newobj",
					"id": "obj-118",
					"text": "prepend /lmdm/scene/delete",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						1800.0,
						760.0,
						180.0,
						22.0
					],
					"outlettype": [
						""
					]
				}
			}
		],
		"lines": [
			{
				"patchline": {
					"source": [
						"obj-2",
						0
					],
					"destination": [
						"obj-5",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-5",
						4
					],
					"destination": [
						"obj-6",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-6",
						0
					],
					"destination": [
						"obj-7",
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
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-6",
						1
					],
					"destination": [
						"obj-8",
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
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-6",
						2
					],
					"destination": [
						"obj-9",
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
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-6",
						3
					],
					"destination": [
						"obj-10",
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
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-6",
						4
					],
					"destination": [
						"obj-11",
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
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-6",
						5
					],
					"destination": [
						"obj-12",
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
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-6",
						6
					],
					"destination": [
						"obj-13",
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
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-6",
						8
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
						"obj-16",
						0
					],
					"destination": [
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-15",
						1
					],
					"destination": [
						"obj-17",
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
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-15",
						2
					],
					"destination": [
						"obj-18",
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
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-15",
						3
					],
					"destination": [
						"obj-19",
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
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-15",
						5
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
						"obj-21",
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
						"obj-22",
						0
					],
					"destination": [
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-21",
						1
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
						"obj-23",
						0
					],
					"destination": [
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-21",
						2
					],
					"destination": [
						"obj-24",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-24",
						0
					],
					"destination": [
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-21",
						4
					],
					"destination": [
						"obj-25",
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
						"obj-27",
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
						"obj-28",
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
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-25",
						1
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
						"obj-29",
						0
					],
					"destination": [
						"obj-30",
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
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-25",
						2
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
						"obj-31",
						0
					],
					"destination": [
						"obj-32",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-31",
						1
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
						"obj-34",
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
						"obj-3",
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
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-25",
						3
					],
					"destination": [
						"obj-35",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-35",
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
						"obj-35",
						1
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
						"obj-37",
						0
					],
					"destination": [
						"obj-38",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-38",
						0
					],
					"destination": [
						"obj-3",
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
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-25",
						4
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
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-25",
						10
					],
					"destination": [
						"obj-40",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-40",
						0
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
						"obj-42",
						0
					],
					"destination": [
						"obj-43",
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
						"obj-44",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-44",
						1
					],
					"destination": [
						"obj-45",
						1
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-44",
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
						"obj-43",
						0
					],
					"destination": [
						"obj-3",
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
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-40",
						1
					],
					"destination": [
						"obj-46",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-46",
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
						"obj-46",
						1
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
						"obj-48",
						1
					],
					"destination": [
						"obj-49",
						1
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
						"obj-3",
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
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-40",
						2
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
						"obj-50",
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
						"obj-50",
						1
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
						"obj-52",
						1
					],
					"destination": [
						"obj-53",
						1
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-52",
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
						"obj-51",
						0
					],
					"destination": [
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-53",
						0
					],
					"destination": [
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-40",
						3
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
						"obj-56",
						1
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
						"obj-54",
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
						"obj-57",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-57",
						0
					],
					"destination": [
						"obj-3",
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
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-59",
						1
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
						"obj-54",
						1
					],
					"destination": [
						"obj-59",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-59",
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
						"obj-60",
						0
					],
					"destination": [
						"obj-3",
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
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-63",
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
						"obj-65",
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
						"obj-54",
						2
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
						"obj-63",
						0
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
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-66",
						0
					],
					"destination": [
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-54",
						3
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
						"obj-67",
						0
					],
					"destination": [
						"obj-68",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-67",
						1
					],
					"destination": [
						"obj-68",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-67",
						2
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
						"obj-70",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-68",
						0
					],
					"destination": [
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-70",
						0
					],
					"destination": [
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-54",
						4
					],
					"destination": [
						"obj-72",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-72",
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
						"obj-75",
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
						"obj-5",
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
						"obj-76",
						0
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
						1
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
						"obj-76",
						1
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
						"obj-78",
						0
					],
					"destination": [
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-79",
						0
					],
					"destination": [
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-76",
						2
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
						"obj-80",
						1
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
						2
					],
					"destination": [
						"obj-83",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-83",
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
						"obj-77",
						0
					],
					"destination": [
						"obj-85",
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
						"obj-87",
						1
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
						"obj-88",
						1
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
						"obj-87",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-5",
						2
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
						"obj-5",
						3
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
						"obj-87",
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
						"obj-88",
						0
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
						"obj-89",
						0
					],
					"destination": [
						"obj-3",
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
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-5",
						1
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
						"obj-91",
						1
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
						"obj-91",
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
						"obj-92",
						0
					],
					"destination": [
						"obj-85",
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
						"obj-93",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-93",
						0
					],
					"destination": [
						"obj-94",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-93",
						1
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
						"obj-93",
						2
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
						"obj-93",
						3
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
						"obj-73",
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
						"obj-93",
						0
					],
					"destination": [
						"obj-99",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-99",
						0
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
						"obj-93",
						2
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
						"obj-73",
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
						"obj-102",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-6",
						7
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
						"obj-104",
						0
					],
					"destination": [
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-21",
						3
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
						"obj-105",
						0
					],
					"destination": [
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-15",
						4
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
						"obj-106",
						0
					],
					"destination": [
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-25",
						5
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
						"obj-108",
						0
					],
					"destination": [
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-25",
						6
					],
					"destination": [
						"obj-109",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-109",
						0
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
						"obj-110",
						0
					],
					"destination": [
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-25",
						7
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
						"obj-113",
						0
					],
					"destination": [
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-25",
						8
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
						"obj-114",
						0
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
						"obj-115",
						0
					],
					"destination": [
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-25",
						9
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
						"obj-117",
						0
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
						"obj-118",
						0
					],
					"destination": [
						"obj-3",
						0
					]
				}
			}
		],
		"dependency_cache": [],
		"autosave": 0
	}
}
