"""The shape of the code: data flows one way, one module owns the wording, packaging is complete.

* no import cycle among faqbot's modules (top-level imports, read with ``ast``);
* the lower layers (corpus, embedders, retrieval) never import the bot, the
  server, the renderer or the command line;
* the citation "Source: Question" is written in one place (``render.py``), and no
  module parses text faqbot rendered;
* every package under ``src/faqbot`` is listed in ``pyproject.toml`` (so a wheel has it).
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "faqbot"
PYPROJECT = SRC.parents[1] / "pyproject.toml"
LOWER = ("faqbot.corpus", "faqbot.embedders", "faqbot.retrieval")
UPPER = (
    "faqbot.bot",
    "faqbot.server",
    "faqbot.render",
    "faqbot.cli",
    "faqbot.followup",
    "faqbot.conversation",
    "faqbot.evaluate",
    "faqbot.report",
    "faqbot.lint",
    "faqbot.authoring",
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def top_level_imports(path: Path) -> set[str]:
    """Modules a file imports when it is imported (not inside functions or TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.startswith("faqbot"))
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                if target.startswith("faqbot"):
                    found.add(target)
                    found.update(f"{target}.{a.name}" for a in node.names)
            elif isinstance(node, (ast.If, ast.Try, ast.With)):
                visit(getattr(node, "body", []) + getattr(node, "orelse", []))

    visit(tree.body)
    return found


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in SRC.rglob("*.py")}
    return {
        name: {m for m in top_level_imports(path) if m in modules and m != name}
        for name, path in modules.items()
    }


def test_no_import_cycles():
    g = graph()
    # a package's __init__ re-exporting its own modules is not a cycle of concepts
    edges = {m: {d for d in deps if not m.startswith(d + ".")} for m, deps in g.items()}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def walk(node: str, trail: list[str]) -> None:
        state[node] = 1
        for dep in sorted(edges[node]):
            if state.get(dep) == 1:
                cycles.append(trail[trail.index(dep) :] + [dep] if dep in trail else [node, dep])
            elif dep not in state:
                walk(dep, trail + [dep])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            walk(node, [node])
    assert cycles == [], cycles


def test_lower_layers_do_not_import_upper_ones():
    bad = {(m, d) for m, deps in graph().items() if m.startswith(LOWER) for d in deps if d.startswith(UPPER)}
    assert bad == set()


def test_the_citation_is_written_in_one_place():
    places = [p.name for p in SRC.rglob("*.py") if "Source: Question" in p.read_text(encoding="utf-8")]
    assert places == ["render.py"]


def test_no_module_parses_what_faqbot_rendered():
    for p in SRC.rglob("*.py"):
        text = p.read_text(encoding="utf-8")
        assert not re.search(r"re\.\w+\(r?[\"'][^\"']*(Source|Did you mean)", text), p


def test_every_package_is_in_the_wheel():
    listed = set(tomllib.loads(PYPROJECT.read_text())["tool"]["setuptools"]["packages"])
    packages = {module_name(p) for p in SRC.rglob("__init__.py")}
    assert packages <= listed, packages - listed
