# The kit's commands. The logic lives in Python (python -m kit); this file only
# maps the contract's targets onto it. See README.md.

# Any python3 runs the bootstrap, which then picks the interpreter for .venv
# (PYTHON=/path/to/python3.12 to choose it yourself). See kit/bootstrap.py.
# KIT_LANG=en: the kit speaks English (see kit/lang.py); command-line variables reach the commands.
BOOT_PYTHON = $(or $(PYTHON),$(firstword $(shell for p in python3 python3.13 python3.12 python3.11; do command -v $$p && break; done)))
# The one message that cannot come from Python, since there is none: a text file per language.
NO_PYTHON = cat kit/no_python$(if $(filter en,$(KIT_LANG)),.en).txt >&2; exit 1
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
WORKSPACE ?= workspace
TEST_WORKERS ?= 3
KIT_ARGS = --workspace "$(WORKSPACE)" $(if $(FORCE),--force)

.PHONY: setup lock doctor bench-setup test check-solutions transcripts lint-course bench get-data run-notebook remote-url lab status grade grade-merge gradebook ci-template bench-grading

setup: $(STAMP)

$(STAMP): requirements.txt
	@$(if $(BOOT_PYTHON),$(BOOT_PYTHON) -m kit.bootstrap setup $(if $(PYTHON),--python "$(PYTHON)"),$(NO_PYTHON))

lock: $(STAMP)
	@$(PY) -m kit.bootstrap lock

doctor:
	@$(if $(BOOT_PYTHON),$(BOOT_PYTHON) -m kit.doctor,$(NO_PYTHON))

start-chapter%: $(STAMP)
	@$(PY) -m kit start $* $(KIT_ARGS)

check-chapter%: $(STAMP)
	@$(PY) -m kit check $* --workspace "$(WORKSPACE)" $(if $(RESULTS),--results "$(RESULTS)")

solve-chapter%: $(STAMP)
	@$(PY) -m kit solve $* $(KIT_ARGS)

get-data: $(STAMP)
	@$(PY) -m kit get-data $(or $(VERSION),1) --workspace "$(WORKSPACE)"

run-notebook: $(STAMP)
	@$(PY) -m kit run-notebook --workspace "$(WORKSPACE)"

remote-url: $(STAMP)
	@$(PY) -m kit remote-url --workspace "$(WORKSPACE)"

lab: $(STAMP)
	@$(VENV)/bin/jupyter lab --no-browser --notebook-dir="$(WORKSPACE)" $(if $(filter 0,$(shell id -u)),--allow-root)

status: $(STAMP)
	@$(PY) -m kit status --workspace "$(WORKSPACE)"

watch-chapter%: $(STAMP)
	@$(PY) -m kit watch $* --workspace "$(WORKSPACE)"

grade: $(STAMP)
	@$(PY) -m kit grade "$(CHAPTER)" "$(SUBMISSIONS)" $(if $(GRADES),--out "$(GRADES)") $(if $(SHARD),--shard "$(SHARD)") $(if $(FORCE),--force)

# CI files: for a learner's project (each push checks CHAPTER), or with CLASS=N for a class graded in N shards.
ci-template: $(STAMP)
	@$(PY) -m kit ci-template "$(CHAPTER)" --workspace "$(WORKSPACE)" $(if $(KIT_URL),--kit-url "$(KIT_URL)") $(if $(CLASS),--shards $(CLASS) $(if $(DEST),--dest "$(DEST)"))

# Learners × chapters from every grading under GRADES (default grades/): gradebook.csv and gradebook.html.
gradebook: $(STAMP)
	@$(PY) -m kit gradebook $(if $(GRADES),"$(GRADES)")

# The shards of GRADES (each written by make grade ... SHARD=k/N) joined into one class report.
grade-merge: $(STAMP)
	@$(PY) -m kit grade-merge "$(CHAPTER)" --out "$(GRADES)"

# The class board, live: learners × chapters × checks (see kit/board.py). Learners join it from their kit.
# Only variables given on the command line count here: NAME, HOST or PORT may be set in the environment
# for other reasons (WSL sets NAME to the machine's name).
from_command_line = $(if $(filter command line,$(origin $(1))),$($(1)))
.PHONY: board board-join board-leave
board: $(STAMP)
	@$(PY) -m kit board $(if $(call from_command_line,PORT),--port "$(PORT)") $(if $(call from_command_line,HOST),--host "$(HOST)")

board-join: $(STAMP)
	@$(PY) -m kit board-join "$(call from_command_line,BOARD)" "$(call from_command_line,TOKEN)" $(if $(call from_command_line,NAME),--name "$(NAME)") --workspace "$(WORKSPACE)"

board-leave: $(STAMP)
	@$(PY) -m kit board-leave --workspace "$(WORKSPACE)"

# The solution, as a diff against your files, once the chapter's checks pass (FORCE=1: before, after a question)
solution-chapter%: $(STAMP)
	@$(PY) -m kit solution $* --workspace "$(WORKSPACE)" $(if $(FORCE),--force)

# One file back to its version at the chapter's start (yours kept beside it): make reset-chapter05 FILE=dvc.yaml
reset-chapter%: $(STAMP)
	@$(PY) -m kit reset $* "$(FILE)" --workspace "$(WORKSPACE)"

# Your pipeline, as DVC reads it, beside the expected one, with what differs marked
dag-chapter%: $(STAMP)
	@$(PY) -m kit dag $* --workspace "$(WORKSPACE)"

# Predict what DVC re-runs after a change, then see what it does (on a throwaway copy of your project)
quiz-chapter%: $(STAMP)
	@$(PY) -m kit quiz $* --workspace "$(WORKSPACE)"

hint-chapter%: $(STAMP)
	@$(PY) -m kit hint $* $(N) --workspace "$(WORKSPACE)"

check-solutions: $(STAMP)
	@$(PY) -m kit check-solutions

# The course's own mistakes (manifests, texts, exercises, messages, hints): see kit/lint.py.
lint-course: $(STAMP)
	@$(PY) -m kit.lint

# Replay the console sessions of the chapter texts (all, or CHAPTER=NN) and compare.
transcripts: $(STAMP)
	@$(PY) -m kit transcripts $(CHAPTER)

test: $(STAMP)
	$(PY) -m pytest tests -n $(TEST_WORKERS) --dist loadfile --durations=15

bench: $(STAMP)
	$(PY) tools/benchmark.py

bench-grading: $(STAMP)
	$(PY) tools/bench_grading.py

bench-setup:
	@$(BOOT_PYTHON) tools/bench_setup.py
