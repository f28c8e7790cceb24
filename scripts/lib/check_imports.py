"""Checks every Swift target's `import` lines against the dependency table of docs/architecture.md.

The table is the check's only input, so the documented directions and the enforced ones cannot drift: a new
target needs a row, a new dependency needs an entry in its row. Run by scripts/lint.

Table rows (under the heading "Dependency directions"): a target in backticks, what it holds, and the modules it
may import (comma-separated, in backticks, "—" for none). Two rows name modules every target, or every test
target, may import: "(every target)" and "(every test target)".
"""

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
# Where targets live: one folder per target, named as the target.
TARGET_FOLDERS = [ROOT / "Sources", ROOT / "Tests", ROOT / "Fuzz" / "Sources"]
IMPORT = re.compile(
    r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|package|internal|fileprivate|private)\s+)?import\s+"
    r"(?:(?:typealias|struct|class|enum|protocol|let|var|func)\s+)?([A-Za-z_][A-Za-z0-9_]*)(?:\.[A-Za-z0-9_.]+)?\s*(?://.*)?$"
)


def read_table(doc: pathlib.Path) -> dict[str, set[str]]:
    """The table under "## Dependency directions": target name → modules it may import."""
    lines = doc.read_text(encoding="utf-8").splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip().lower() == "## dependency directions")
    except StopIteration:
        sys.exit(f"scripts/lint: {doc.relative_to(ROOT)} has no '## Dependency directions' section; add the table there.")
    table_lines: list[str] = []
    for line in lines[start + 1 :]:
        if line.startswith("|"):
            table_lines.append(line)
        elif table_lines:
            break
    if len(table_lines) < 3:
        sys.exit(f"scripts/lint: the dependency table in {doc.relative_to(ROOT)} is empty.")
    header = [cell.strip().lower() for cell in table_lines[0].strip("|").split("|")]
    if "target" not in header or "may import" not in header:
        sys.exit("scripts/lint: the dependency table needs the columns 'target' and 'may import'.")
    target_column, imports_column = header.index("target"), header.index("may import")
    table: dict[str, set[str]] = {}
    for line in table_lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        name = cells[target_column].strip("`")
        allowed = {part.strip().strip("`") for part in cells[imports_column].split(",")} - {"—", "-", ""}
        if name in table:
            sys.exit(f"scripts/lint: the dependency table has two rows for {name}.")
        table[name] = allowed
    return table


def main() -> int:
    doc = ROOT / "docs" / "architecture.md"
    table = read_table(doc)
    everywhere = table.pop("(every target)", set())
    in_tests = table.pop("(every test target)", set())
    problems: list[str] = []
    seen: set[str] = set()
    for folder in TARGET_FOLDERS:
        if not folder.is_dir():
            continue
        for target in sorted(path for path in folder.iterdir() if path.is_dir()):
            sources = sorted(target.rglob("*.swift"))
            if not sources and target.name not in table:
                continue  # Not a Swift target (C code, fixtures, data).
            seen.add(target.name)
            if target.name not in table:
                problems.append(f"{target.relative_to(ROOT)}: no row for {target.name} in the dependency table of docs/architecture.md")
                continue
            allowed = table[target.name] | everywhere | (in_tests if folder.name == "Tests" else set()) | {target.name}
            for source in sources:
                for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
                    match = IMPORT.match(line)
                    if match and match.group(1) not in allowed:
                        problems.append(
                            f"{source.relative_to(ROOT)}:{number}: {target.name} imports {match.group(1)}, "
                            "which the dependency table of docs/architecture.md does not allow"
                        )
    for name in sorted(set(table) - seen):
        problems.append(f"docs/architecture.md: the dependency table names {name}, which is no target folder")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"scripts/lint: {len(problems)} import problem(s); fix the import or, if the direction is intended, the table.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
