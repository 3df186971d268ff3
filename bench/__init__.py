"""In-process benchmark of Orchard's pages at realistic data sizes: `python -m bench.run`."""
