.PHONY: run test bench screenshot

run:        ## run the app on http://127.0.0.1:5000 (SQLite, migrations applied, demo data offered)
	scripts/run.sh

test:       ## run every test, browser tests included
	scripts/test.sh

bench:      ## time the main pages at 5,000 and 50,000 partners
	scripts/setup-venv.sh test && .venv/bin/python -m bench.run

screenshot: ## refresh docs/screenshot-partners.png
	scripts/setup-venv.sh test && .venv/bin/python -m scripts.screenshot
