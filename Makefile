# The two commands of the README. Each one installs what it needs first (scripts/setup.sh).
.PHONY: demo test setup

setup:
	./scripts/setup.sh

demo: setup
	.venv/bin/earchive demo

test: setup
	.venv/bin/python -m pytest
