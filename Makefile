# Essaimage — the two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-sqlite bench install messages makemessages check clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Essaimage needs Python 3.11 or newer (found: $$($(PYTHON) --version))."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	@touch $@

install: $(STAMP)

# Compiled catalogues are build products: .po files are committed, .mo files are not.
messages: export DEBUG = true
messages: install
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=staticfiles -v0

run: export DEBUG = true
run: install messages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Essaimage: http://127.0.0.1:8000  (Ctrl+C to stop)"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# The whole suite against a throwaway PostgreSQL and Redis; pass pytest options in ARGS.
test: install messages
	bash scripts/test.sh $(ARGS)

# Explicit fallback when PostgreSQL or Redis cannot be installed: SQLite, no real worker.
test-sqlite: install messages
	USE_SQLITE=1 bash scripts/test.sh $(ARGS)

bench: install messages
	bash scripts/bench.sh $(ARGS)

# Extract new strings after changing code or templates, then translate them in
# locale/fr/LC_MESSAGES/django.po (English is the language of the msgids: it needs no catalogue).
makemessages: install
	$(BIN)/python manage.py makemessages --locale=fr --ignore=.venv \
		--ignore=staticfiles --ignore=tests --no-obsolete --add-location=file

check: install
	$(BIN)/python manage.py makemigrations --check --dry-run
	DEBUG=false SECRET_KEY=check-only-$$(date +%s)-0123456789abcdefghijklmnopqrstuvwxyz \
		ALLOWED_HOSTS=essaimage.example $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
	find . -name '*.mo' -not -path './$(VENV)/*' -delete
