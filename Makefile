# The two commands: `make run` (the app on http://127.0.0.1:$(PORT)) and `make test` (the whole suite).
# Packages come from the hashed lock files (requirements*.lock, made by `make lock`), installed by uv; a stamp
# named after the lock's hash means a second `make run` installs nothing while the lock is unchanged.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
PORT ?= $(or $(shell sed -n 's/^PORT=\([0-9]*\).*/\1/p' .env 2>/dev/null | tail -1),7777)
export PORT
export UV_LINK_MODE ?= copy
RUN_STAMP := $(VENV)/.installed-run-$(shell sha256sum requirements.lock | cut -c1-16)
DEV_STAMP := $(VENV)/.installed-dev-$(shell sha256sum requirements-dev.lock | cut -c1-16)
COMPILE := $(UV) pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --quiet

.PHONY: run test install install-dev lock audit clean bench messages compilemessages

$(UV): requirements-bootstrap.lock
	@echo "== creating $(VENV) with uv (requirements-bootstrap.lock)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-bootstrap.lock
	@touch $@

$(RUN_STAMP): | $(UV)
	@echo "== installing requirements.lock"
	$(UV) pip install --python $(BIN)/python --require-hashes -r requirements.lock
	@rm -f $(VENV)/.installed-run-* && touch $@

$(DEV_STAMP): | $(UV)
	@echo "== installing requirements-dev.lock"
	$(UV) pip install --python $(BIN)/python --require-hashes -r requirements-dev.lock
	@rm -f $(VENV)/.installed-dev-* && touch $@

install: $(RUN_STAMP)

install-dev: $(DEV_STAMP)

.env:
	cp .env.example .env

# One Python process for the three set-up commands (each Django start-up costs seconds); runserver checks the site.
SETUP := from django.core.management import call_command as run; run("migrate", interactive=False); \
	run("generate_signing_key"); run("seed_demo")

run: install .env
	@echo "== migrating the database, signing key, demo data"
	DJANGO_SETTINGS_MODULE=simplelogin.settings $(BIN)/python -c 'import django; django.setup(); $(SETUP)'
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Re-resolve the lock files after a change to pyproject.toml (the dev lock keeps the runtime lock's versions).
lock: | $(UV)
	$(COMPILE) -o requirements.lock
	$(COMPILE) --extra dev -c requirements.lock -o requirements-dev.lock

# Known vulnerabilities in the locked packages (pip-audit; says so when its service cannot be reached).
audit: install-dev
	$(BIN)/python .ci/audit.py requirements-dev.lock

# Translations (GNU gettext: apt-get install gettext): `make messages` adds new strings to each app's
# locale/fr/LC_MESSAGES/django.po; translate them, then `make compilemessages` writes the .mo files (committed).
MESSAGES_IGNORE := $(foreach dir,tests bench docs docker keys media staticfiles */migrations,--ignore '$(dir)/*')
messages: install-dev
	DEBUG=true $(BIN)/python manage.py makemessages -l fr --no-obsolete $(MESSAGES_IGNORE)

compilemessages: install-dev
	DEBUG=true $(BIN)/python manage.py compilemessages -l fr --ignore '$(VENV)'

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles tests/.keys tests/.media

# Load bench (not a test): `make bench`, `make bench PROFILE=token`, `make bench BENCH_ARGS="--quick"`.
bench: install-dev
	$(BIN)/python bench/run.py $(if $(PROFILE),--profile $(PROFILE)) $(BENCH_ARGS)
