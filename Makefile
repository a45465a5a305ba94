# Each target bootstraps .venv itself, so a fresh clone needs only Python 3.11 and pip.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: lint test translate serve bench fuzz corpus clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

## lint: lint the whole book (content/)
lint: $(STAMP)
	$(BIN)/kb lint content

## test: the gates (mypy --strict, ruff check, ruff format --check), then the whole test suite
## (it installs its npm packages itself on first run)
test: $(STAMP)
	$(BIN)/mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q

## serve: the three editions as one local docsify site on http://127.0.0.1:3000/ (PORT=N to change)
serve: $(STAMP)
	$(BIN)/kb serve --port $(or $(PORT),3000)

## translate: rebuild the i18n/ mirrors from the translation memory (no network)
translate: $(STAMP)
	$(BIN)/kb translate --offline

## bench: benchmarks against peers measured in the same run
bench: $(STAMP)
	$(BIN)/python bench/run.py

## fuzz: the long fuzz run of tests/fuzz (3,000 random examples per property, KB_FUZZ_EXAMPLES=N;
## 20,000 TeX cases per KaTeX version against KaTeX in Node, KB_KATEX_FUZZ_EXAMPLES=N)
fuzz: $(STAMP)
	KB_FUZZ_PROFILE=long $(BIN)/python -m pytest -q tests/fuzz

## corpus: judge kb lint on real docsify books in Chromium (CORPUS="/path/book1 /path/book2"; KB=path/to/kb)
corpus: $(STAMP)
	$(if $(CORPUS),,$(error give the book checkouts: make corpus CORPUS="/work/corpus/a /work/corpus/b"))
	$(BIN)/python scripts/corpus.py $(CORPUS)

clean:
	rm -rf $(VENV) tests/.node build
