.PHONY: run test lint fix bench screenshot lock

run:        ## run the app on http://127.0.0.1:5000 (SQLite, migrations applied, demo data offered)
	scripts/run.sh

test:       ## lint, then run every test (browser tests included) on SQLite and on PostgreSQL
	scripts/test.sh

lint:       ## ruff check, ruff format --check, dead code (vulture)
	scripts/lint.sh

fix:        ## apply ruff's fixes and formatting, then lint
	scripts/lint.sh --fix

bench:      ## time the main pages at 5,000 and 50,000 partners
	scripts/setup-venv.sh test && .venv/bin/python -m bench.run

screenshot: ## refresh docs/screenshot-partners.png
	scripts/setup-venv.sh test && .venv/bin/python -m scripts.screenshot

lock:       ## refresh requirements/*.txt from pyproject.toml (keeps pins that still fit)
	scripts/lock.sh
