# Every target bootstraps what it needs, idempotently: apt packages, the venv, the project.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
LMDM := $(VENV)/bin/lmdm
APT_PKGS := jackd2 puredata-core fluidsynth fluid-soundfont-gm libportaudio2
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
STAMP := $(VENV)/.installed

.PHONY: all bootstrap apt venv test test-fast demo bench docs clean

all: test

bootstrap: apt venv

# Checks the commands and files first so a machine that has them skips apt entirely.
apt:
	@if command -v jackd >/dev/null && command -v pd >/dev/null && command -v fluidsynth >/dev/null \
	    && [ -f /usr/share/sounds/sf2/FluidR3_GM.sf2 ] && ldconfig -p | grep -q libportaudio.so.2; then \
	  echo "apt: system packages present"; \
	else \
	  echo "jackd2 jackd/tweak_rt_limits boolean false" | $(SUDO) debconf-set-selections; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(APT_PKGS) \
	  || { $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(APT_PKGS); }; \
	fi

venv: $(STAMP)

# torch==2.13.0 goes in first and explicitly: any looser spec pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml
	@[ -x $(PY) ] || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e '.[dev]'
	@touch $@

test: bootstrap
	$(PY) -m pytest -q -ra

test-fast: venv
	$(PY) -m pytest -q -ra -m "not slow"

demo: bootstrap
	$(LMDM) demo --out out/demo

bench: bootstrap
	$(LMDM) bench model --json
	$(LMDM) bench bridge --json

docs: venv
	$(LMDM) osc-describe > docs/osc.md

clean:
	rm -rf out .pytest_cache
