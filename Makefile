# The two commands: `make demo` and `make test`. Both build the virtualenv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | $(PYTHON) -c "import hashlib,sys;print(hashlib.sha1(sys.stdin.buffer.read()).hexdigest()[:12])")
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
JOURNEYS := tests/e2e
# The test files that mark a test slow or redis (conftest.py refuses a marked
# test in a file that does not say so), so that the runs of those marks collect
# only them, not the whole suite.
SLOW_FILES = $(shell grep -rlE --include='test_*.py' --exclude-dir=e2e 'mark\.slow\b' groupbuy tests)
REDIS_FILES = $(shell grep -rlE --include='test_*.py' 'mark\.redis\b' groupbuy tests)

.PHONY: venv bytecode demo serve test test-js test-postgres test-redis lint format messages clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	# --no-deps: see the note in pyproject.toml (it would pull in GUI opencv).
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps rapidocr-onnxruntime==1.4.4
	rm -f $(VENV)/.installed-*
	touch $@

# Where Python is told not to write bytecode (PYTHONDONTWRITEBYTECODE, as in
# some containers), every process compiled groupbuy's modules again: ~0.15 s
# of each server, worker and command a test starts. compileall writes them
# anyway, and only those that changed.
bytecode: venv
	@$(BIN)/python -m compileall -q -j0 groupbuy tests benchmarks >/dev/null

demo: venv bytecode
	$(BIN)/groupbuy demo --host $(HOST) --port $(PORT)

serve: venv bytecode
	$(BIN)/groupbuy serve --host $(HOST) --port $(PORT)

# The whole suite on SQLite. Browser tests run when /usr/bin/chromium exists and
# are skipped with a message otherwise (.ci/run installs Chromium and forbids skips).
# Four pytest processes at once: the browser journeys (mostly waiting on Chromium
# and their own server), the other slow tests (most start server processes and
# wait on them), and everything else as two halves of the apps
# (tests/support/pytest_halves.py); the first two's output follows.
# The browser journeys all live in tests/e2e (conftest.py refuses one marked
# `browser` anywhere else), so that process collects only them, not the whole
# suite (~9 s of CPU), unless PYTEST_ARGS says what to run; so does the slow
# tests' process (SLOW_FILES).
# (Exit status 5 is "no tests selected", e.g. PYTEST_ARGS naming one app: fine
# for one or two of the three, not for all.)
test: venv bytecode test-js
	@journeys=$$(mktemp); slow=$$(mktemp); \
	$(BIN)/python -m pytest -q -m browser $(or $(PYTEST_ARGS),$(JOURNEYS)) >"$$journeys" 2>&1 & journeys_pid=$$!; \
	$(BIN)/python -m pytest -q -m "slow and not browser" $(or $(PYTEST_ARGS),$(SLOW_FILES)) >"$$slow" 2>&1 & slow_pid=$$!; \
	$(BIN)/python -m tests.support.pytest_halves -q -m "not slow and not browser" $(PYTEST_ARGS); rest=$$?; \
	wait $$slow_pid; slow_rc=$$?; wait $$journeys_pid; journeys_rc=$$?; \
	echo "--- slow tests (pytest -m 'slow and not browser') ---"; cat "$$slow"; \
	echo "--- browser journeys (pytest -m browser) ---"; cat "$$journeys"; \
	rm -f "$$journeys" "$$slow"; ran=0; \
	for rc in $$rest $$slow_rc $$journeys_rc; do \
		case $$rc in 0) ran=1 ;; 5) ;; *) exit $$rc ;; esac; \
	done; [ $$ran -eq 1 ]

# The JavaScript unit tests (pure modules, e.g. the clock's protocol arithmetic)
# on Node's own test runner; skipped with a message without Node, except in CI.
JS_TESTS = $(shell find groupbuy -path '*/tests/js/*.test.mjs' | sort)
test-js:
	@if command -v node >/dev/null 2>&1; then \
		node --test $(JS_TESTS); \
	elif [ -n "$$CI" ]; then \
		echo "test-js: Node.js is required in CI" >&2; exit 1; \
	else \
		echo "test-js: SKIPPED, node not found (install Node.js 20+ to run $(words $(JS_TESTS)) JavaScript test files)"; \
	fi

# The PostgreSQL suite runs the test modules whose answer the engine can change
# (tests/support/engine_modules.py: races and locks, IntegrityError and
# savepoints, migrations, SQL of the engine's own, the money paths' services and
# state machines) and every test marked `postgres` (200 concurrent joins…) or
# `redis`; the rest (pages, the API, texts, forms, the admin, the demo, files,
# tests marked `one_database`: conftest.py) is the SQLite suite's answer, given
# in `make test`. To run any other module on PostgreSQL, set DATABASE_URL alone.
# The Redis suite runs what needs Redis: the channel layer and several server
# processes sharing one PostgreSQL and one Redis.
# .ci/run starts both servers if they are down. The PostgreSQL suite runs as
# two processes over two halves of the apps, the second on its own database
# (tests/support/pytest_halves.py); both test databases, and the Redis suite's,
# are copies of a template migrated once (conftest.py).
test-postgres: venv bytecode
	GROUPBUY_ONLY_DATABASE_TESTS=1 DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/groupbuy} \
		$(BIN)/python -m tests.support.pytest_halves -q -m "not browser" $(PYTEST_ARGS)

test-redis: venv bytecode
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/15} \
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/groupbuy} \
		$(BIN)/python -m pytest -q -m "redis" $(or $(PYTEST_ARGS),$(REDIS_FILES))

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Extract and compile the zh-Hans message catalogs (needs GNU gettext) without
# losing a translation: see groupbuy/core/management/commands/update_messages.py.
messages: venv
	$(BIN)/python manage.py update_messages

clean:
	rm -rf $(VENV) var
