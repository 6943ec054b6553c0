# One entry point for every job. `make demo` and `make test` are the README's two set-up commands.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAM_VENV := .sam-venv
# `sam build` needs the Lambda runtime's Python (3.12) on PATH: a pyenv install or the system's.
RUNTIME_PYTHON ?= $(firstword $(wildcard $(or $(PYENV_ROOT),$(HOME)/.pyenv)/versions/3.12*/bin/python3.12) $(shell command -v python3.12))
export SAM_CLI_TELEMETRY := 0
PHOTOS := .cache/photos
# checkov pins boto3 exactly, so it cannot share .venv with the project's botocore: a tool environment of its own.
CHECKOV_VENV := .cache/checkov-venv
CHECKOV := checkov==3.3.30
FACE_RECOGNITION_SDIST := face_recognition==1.3.0

.PHONY: install photos checkov demo test lint validate build bench samples clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml layers/shared/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,local]'
	touch $@

# Real face photos that ship inside the face-recognition sdist (tests/test_images), for the sample generator
# and the accuracy tests. Taken from the package registry at install time, never at run time.
photos: $(PHOTOS)/.done

$(PHOTOS)/.done: | install
	rm -rf $(PHOTOS) .cache/sdist && mkdir -p $(PHOTOS) .cache/sdist
	$(BIN)/pip download --quiet --no-deps --no-binary :all: $(FACE_RECOGNITION_SDIST) -d .cache/sdist
	tar -xzf .cache/sdist/face_recognition-1.3.0.tar.gz -C .cache/sdist
	cp .cache/sdist/face_recognition-1.3.0/tests/test_images/* $(PHOTOS)/
	touch $@

checkov: $(CHECKOV_VENV)/.installed

$(CHECKOV_VENV)/.installed:
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet $(CHECKOV)
	touch $@

demo: install
	$(BIN)/kyc demo

test: install photos checkov
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/cfn-lint -t template.yaml

$(SAM_VENV)/.installed:
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet aws-sam-cli==1.170.0
	touch $@

validate: $(SAM_VENV)/.installed
	$(SAM_VENV)/bin/sam validate --lint

build: $(SAM_VENV)/.installed
	@test -n "$(RUNTIME_PYTHON)" || { echo "sam build needs python3.12 (the Lambda runtime) on PATH"; exit 1; }
	PATH="$(dir $(RUNTIME_PYTHON)):$$PATH" $(SAM_VENV)/bin/sam build

bench: install photos build  # the cold start is measured on the package `sam build` makes
	$(BIN)/python -m bench

samples: install photos
	$(BIN)/python -m kyc_local.samples

clean:
	rm -rf .aws-sam .cache .pytest_cache build *.egg-info
