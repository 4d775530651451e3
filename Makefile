# `make run` and `make test` each set up .venv themselves on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.faqbot-installed

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False

FAST := not browser and not server and not slow

.PHONY: install index run test check lint format types test-fast test-deploy bench eval stackfaq engine-data quality authoring messages clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

index: install          ## build the default index only when it is missing or stale
	$(PY) -m faqbot build --if-stale

run: index              ## the web chat on http://127.0.0.1:7860
	$(PY) app.py

test: install           ## the whole suite
	$(PY) -m pytest

check: lint types test-fast  ## the fast inner loop: lint, format check, types, fast tests

lint: install
	$(VENV)/bin/ruff check src tests benchmarks deploy
	$(VENV)/bin/ruff format --check src tests benchmarks deploy

format: install         ## rewrite files in the project's format
	$(VENV)/bin/ruff check --fix src tests benchmarks deploy
	$(VENV)/bin/ruff format src tests benchmarks deploy

types: install
	$(VENV)/bin/mypy

test-fast: install      ## unit tests with a fake embedder: no browser, no server, no slow gates
	$(PY) -m pytest -q -m "$(FAST)"

test-deploy: install    ## 3 replicas behind HAProxy (deploy/haproxy.cfg), one killed under load -> docs/FAILOVER.md; the container checks
	FAQBOT_FAILOVER_REPORT=docs/FAILOVER.md $(PY) -m pytest -q tests/test_deploy.py

engine-data: install    ## re-encode the engine's generic data (after editing src/faqbot/data/*.json)
	$(PY) -c "from faqbot import engine_data; engine_data.main()"

eval: install           ## quality on the held-out labelled cases, with the plot
	$(PY) -m faqbot eval tests/data/nm_heldout3.jsonl --plot docs/eval_heldout.png

quality: install        ## every labelled set, before (--before-src) and after -> docs/QUALITY.md
	$(PY) benchmarks/quality.py $(QUALITY_ARGS)

authoring: install      ## faqbot report and lint on the bundled FAQ -> docs/AUTHORS-RESULTS.md
	$(PY) -m benchmarks.authoring $(AUTHORING_ARGS)

stackfaq: install       ## the StackFAQ benchmark
	$(PY) benchmarks/stackfaq.py

BENCH_TOOLS := $(VENV)/.bench-tools-installed

$(BENCH_TOOLS): $(STAMP) benchmarks/requirements.txt
	$(PY) -m pip install --quiet -r benchmarks/requirements.txt
	touch $(BENCH_TOOLS)

bench: install $(BENCH_TOOLS)  ## speed and scale benchmarks -> benchmarks/results.json + RESULTS.md
	$(PY) -m benchmarks

LOCALES := src/faqbot/locales
messages: install       ## the message catalogue: extract -> update each .po -> compile each .mo
	$(VENV)/bin/pybabel extract -F $(LOCALES)/babel.cfg -k N_ --add-comments=TRANSLATORS: \
		--sort-by-file --add-location=file --project=faqbot --copyright-holder="faqbot authors" \
		--msgid-bugs-address="" -o $(LOCALES)/faqbot.pot src/faqbot
	$(VENV)/bin/pybabel update -i $(LOCALES)/faqbot.pot -d $(LOCALES) -D faqbot \
		--no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date
	$(VENV)/bin/pybabel compile -d $(LOCALES) -D faqbot --statistics

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
