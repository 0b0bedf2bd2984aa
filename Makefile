# storyline: `make demo` and `make test` set everything up in .venv on a fresh machine, then run.
VENV   := .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEMODB := demo.db

.PHONY: install demo test lint bench clean browser postgres fuzz

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch first, from the CPU build: anything that depends on torch must not pull the GPU wheels
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

# the PostgreSQL server binaries the contract suite starts its own server from (as the postgres user when root)
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts

test: $(STAMP) browser postgres lint
	$(BIN)/pytest -q

# the fuzz harness's long profile (make test runs the short one); prints the inputs each target tried
fuzz: $(STAMP)
	STORYLINE_FUZZ=long $(BIN)/pytest -q -p no:cacheprovider tests/test_fuzz.py

demo: $(STAMP)
	rm -f $(DEMODB) $(DEMODB)-wal $(DEMODB)-shm
	$(BIN)/storyline ingest examples/corpus --db $(DEMODB)
	$(BIN)/storyline outlets --db $(DEMODB)
	$(BIN)/storyline articles --db $(DEMODB)
	$(BIN)/storyline stories --db $(DEMODB)
	$(BIN)/storyline events --db $(DEMODB)
	$(BIN)/storyline eval examples/gold.jsonl
	$(BIN)/storyline report --all --out out/reports --db $(DEMODB)

bench: $(STAMP)
	$(PY) bench/ingest.py
	$(PY) bench/ingest_e2e.py --corpus gva
	$(PY) bench/cluster.py
	$(PY) bench/quality.py
	$(PY) bench/pages.py --gva
	$(PY) bench/report.py
	$(PY) bench/serve.py

clean:
	rm -rf $(VENV) $(DEMODB) $(DEMODB)-wal $(DEMODB)-shm out
