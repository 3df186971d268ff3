"""Two benchmark runs side by side, SQLite and PostgreSQL: `python -m bench.compare`.

    python -m bench.compare                                   # bench/results/latest + latest-postgresql
    python -m bench.compare A.json B.json --out bench/results/engines

Per page: median wall time and query count at each size on both engines, PostgreSQL's time as a
multiple of SQLite's at the largest size, and the verdict against the engine target: PostgreSQL at
most TARGET_RATIO × SQLite's time (differences under 1 ms ignored: both are then noise) and the same
query counts. Wall time, not CPU time: on PostgreSQL the queries run in the server's process.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
TARGET_RATIO = 1.3
NOISE_MS = 1.0


def _cell(measured, key="median_ms"):
    if not measured:
        return "—"
    if "error" in measured:
        return "error"
    return f"{measured[key]:.2f}" if key.endswith("_ms") else str(measured[key])


def verdict(base_row, other_row, size) -> str:
    base, other = base_row.get(size), other_row.get(size)
    if not base or not other:
        return "skipped"
    if "error" in base or "error" in other:
        return "error"
    problems = []
    ratio = other["median_ms"] / base["median_ms"]
    if ratio > TARGET_RATIO and other["median_ms"] - base["median_ms"] > NOISE_MS:
        problems.append(f"×{ratio:.2f} slower")
    queries = {m["queries"] for row in (base_row, other_row) for m in row.values() if m and "queries" in m}
    if len(queries) > 1:
        problems.append("query counts differ")
    return ", ".join(problems) or "ok"


def to_markdown(base, other) -> str:
    sizes = [s for s in base["sizes"] if s in other["sizes"]]
    largest = str(max(sizes))
    names = [base["engine"], other["engine"]]
    head = ["Page"]
    head += [f"{names[0].split()[0]} {s:,} ms" for s in sizes] + [f"{names[1].split()[0]} {s:,} ms" for s in sizes]
    head += [f"{names[0].split()[0]} queries", f"{names[1].split()[0]} queries", f"ratio at {int(largest):,}", "Target"]
    lines = [
        f"# {names[0]} and {names[1]} side by side",
        "",
        f"Median wall time of {base['repeat']} / {other['repeat']} in-process requests per page "
        f"({base['when']} and {other['when']}), query counts at {' / '.join(f'{s:,}' for s in sizes)} partners. "
        f"Target: {names[1].split()[0]} at most ×{TARGET_RATIO} {names[0].split()[0]}'s time at {int(largest):,} "
        f"(differences under {NOISE_MS:g} ms ignored) and the same query counts.",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    summary = {"ok": 0, "slower": 0, "queries": 0}
    ratios = []
    for name, base_row in base["pages"].items():
        base_row = {str(k): v for k, v in base_row.items()}
        other_row = {str(k): v for k, v in other["pages"].get(name, {}).items()}
        cells = [name]
        cells += [_cell(base_row.get(str(s))) for s in sizes] + [_cell(other_row.get(str(s))) for s in sizes]
        for row in (base_row, other_row):
            counts = sorted({m["queries"] for m in row.values() if m and "queries" in m})
            cells.append(" / ".join(map(str, counts)) or "—")
        a, b = base_row.get(largest), other_row.get(largest)
        if a and b and "error" not in a and "error" not in b:
            ratios.append(b["median_ms"] / a["median_ms"])
            cells.append(f"×{ratios[-1]:.2f}")
        else:
            cells.append("—")
        judged = verdict(base_row, other_row, largest)
        summary["ok"] += judged == "ok"
        summary["slower"] += "slower" in judged
        summary["queries"] += "differ" in judged
        cells.append(judged)
        lines.append("| " + " | ".join(cells) + " |")
    ratios.sort()
    if ratios:
        median = ratios[len(ratios) // 2]
        lines += [
            "",
            f"{summary['ok']} pages meet the target, {summary['slower']} are slower than ×{TARGET_RATIO}, "
            f"{summary['queries']} differ in query count; median ratio ×{median:.2f}.",
        ]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("base", nargs="?", default=str(RESULTS / "latest.json"))
    parser.add_argument("other", nargs="?", default=str(RESULTS / "latest-postgresql.json"))
    parser.add_argument("--out", default=str(RESULTS / "engines"), help="markdown file path without extension")
    args = parser.parse_args(argv)
    base, other = (json.loads(Path(p).read_text()) for p in (args.base, args.other))
    markdown = to_markdown(base, other)
    out = Path(args.out).with_suffix(".md")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(markdown)
    print(markdown)
    print(f"Written to {out}")


if __name__ == "__main__":
    main()
