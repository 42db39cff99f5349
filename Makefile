# Samla: `make run` serves the demo repository, `make test` runs the whole suite on SQLite and PostgreSQL.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=
SUITES ?=

CITEPROC_JS := src/samla/citations/js/node_modules/.installed
TEST_OIDC_PROVIDER := tests/oidc/node_modules/.installed

.PHONY: install run test test-prerequisites test-sqlite test-postgres lint bench stress messages docs clean

$(VENV)/.installed: pyproject.toml constraints.txt
	./scripts/ensure-debian-packages.sh runtime
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	touch $@

# citeproc-js, run in-process by samla.citations through mini-racer, pinned by its package-lock.json.
$(CITEPROC_JS): src/samla/citations/js/package.json src/samla/citations/js/package-lock.json
	./scripts/ensure-debian-packages.sh npm
	npm ci --prefix src/samla/citations/js --no-audit --no-fund
	touch $@

install: $(VENV)/.installed $(CITEPROC_JS)

# node-oidc-provider, the OpenID Connect provider the sign-in tests start (tests/oidc), pinned by its lock file.
$(TEST_OIDC_PROVIDER): tests/oidc/package.json tests/oidc/package-lock.json
	./scripts/ensure-debian-packages.sh npm
	npm ci --prefix tests/oidc --no-audit --no-fund
	touch $@

# pyoai, one of the real harvesters the end-to-end tests run, needs lxml < 5: it lives in its own venv.
.venv-pyoai/.installed: tests/e2e/pyoai-requirements.txt
	test -x .venv-pyoai/bin/python || $(PYTHON) -m venv .venv-pyoai
	.venv-pyoai/bin/python -m pip install -q -r tests/e2e/pyoai-requirements.txt
	touch $@

# The background job worker (large exports and bibliographies, mail) runs beside the server and stops with
# it; mail goes to files in var/mail (SAMLA_EMAIL_BACKEND=files), for a demo to read;
# gunicorn's worker model (threads) and max_requests are in gunicorn.conf.py.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/samla demo load --if-empty
	$(BIN)/python manage.py collectstatic --noinput -v 0
	@echo "Samla is serving http://127.0.0.1:$(PORT)/record/diva2:1897829"
	@echo "The first administrator: $(BIN)/samla user create NAME --email ADDRESS --password-stdin, then"
	@echo "  $(BIN)/samla user grant NAME admin; sign in at http://127.0.0.1:$(PORT)/accounts/login/"
	export SAMLA_BASE_URL=$${SAMLA_BASE_URL:-http://127.0.0.1:$(PORT)} SAMLA_EMAIL_BACKEND=$${SAMLA_EMAIL_BACKEND:-files}; \
		$(BIN)/samla jobs worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(BIN)/gunicorn --bind 127.0.0.1:$(PORT) --access-logfile -

# The two databases' runs go side by side, one per core: each prints its report when it ends.
test: lint
	$(MAKE) -j2 --output-sync=target --no-print-directory test-sqlite test-postgres

# What both runs need, made once before they start (apt and PostgreSQL are not started twice at once).
test-prerequisites: install .venv-pyoai/.installed $(TEST_OIDC_PROVIDER)
	./scripts/ensure-debian-packages.sh test
	./scripts/ensure-postgres.sh

test-sqlite: test-prerequisites
	$(BIN)/pytest $(PYTEST_ARGS)

test-postgres: test-prerequisites
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests benchmarks conftest.py
	$(BIN)/ruff format --check src tests benchmarks conftest.py
	$(BIN)/python manage.py makemigrations --check --dry-run
	PYTHONPATH=src $(BIN)/lint-imports

bench: install
	./scripts/ensure-postgres.sh
	./scripts/ensure-debian-packages.sh bench
	$(BIN)/python -m benchmarks.run $(SUITES)

# The reliability campaign (docs/reliability.md), not part of `make test`: fuzzers at scale, 56 kill -9 runs on
# SQLite and PostgreSQL; about 40 minutes. It rewrites the table in docs/reliability.md.
# STRESS_ARGS="--soak 3600" runs the memory soak of one server worker instead.
STRESS_ARGS ?=
stress: install
	./scripts/ensure-postgres.sh
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python -m tests.stress.campaign $(STRESS_ARGS)

messages: install
	cd src/samla && ../../$(BIN)/django-admin makemessages -l sv --ignore 'tests/*' && ../../$(BIN)/django-admin compilemessages

clean:
	rm -rf $(VENV) .venv-pyoai var

docs: install
	$(BIN)/python -c "from samla.cli import help_markdown; print(help_markdown(), end='')" > docs/cli.md
	DJANGO_SETTINGS_MODULE=samla.settings $(BIN)/python -c "import django; django.setup(); \
		from samla.exports.documentation import formats_markdown; print(formats_markdown(), end='')" > docs/formats.md
