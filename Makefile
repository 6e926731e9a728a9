# The two commands: `make run` (the app on http://127.0.0.1:7777) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 7777

.PHONY: run test install install-dev migrate clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"

.env:
	cp .env.example .env

run: install .env
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py generate_signing_key
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles tests/.keys tests/.media

# Load bench (not a test): `make bench`, `make bench PROFILE=token`, `make bench BENCH_ARGS="--quick"`.
bench: install-dev
	$(BIN)/python bench/run.py $(if $(PROFILE),--profile $(PROFILE)) $(BENCH_ARGS)
