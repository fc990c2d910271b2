"""The methods documentation lives in the repository (docs/methods/) and every citation of it
resolves: every cited page exists and every cited section (A1, B2, C7, ...) is a heading of that
page."""

from __future__ import annotations

import re

from conftest import ROOT

METHODS = ROOT / "docs" / "methods"
SCANNED = ("src", "python", "tests", "notebooks", "tools", "docs", "README.md")
SUFFIXES = {".rs", ".py", ".pyi", ".md", ".ipynb", ".json", ".R", ".txt"}
CITE = re.compile(r"docs/methods/(\w+)\.md`{0,2}\s+([A-F]\d)(?:\s?[-–]\s?[A-F]?(\d))?")


def _files():
    for name in SCANNED:
        base = ROOT / name
        paths = [base] if base.is_file() else base.rglob("*")
        for p in paths:
            skip = {"__pycache__", "_build", "_notebooks", "api"} & set(p.relative_to(ROOT).parts[:-1])
            if p.is_file() and p.suffix in SUFFIXES and not skip:
                yield p


def _sections(page: str) -> set[str]:
    text = (METHODS / f"{page}.md").read_text(encoding="utf-8")
    return set(re.findall(r"^#+\s+([A-F]\d)\b", text, flags=re.M))


def test_every_cited_methods_section_exists():
    cited = 0
    missing = []
    for p in _files():
        text = p.read_text(encoding="utf-8", errors="replace")
        for page in set(re.findall(r"docs/methods/(\w+)\.md", text)):
            if not (METHODS / f"{page}.md").is_file():
                missing.append(f"{p.relative_to(ROOT)}: docs/methods/{page}.md")
        for page, sec, last in CITE.findall(text):
            if not (METHODS / f"{page}.md").is_file():
                continue
            have = _sections(page)
            wanted = [sec] if not last else [f"{sec[0]}{i}" for i in range(int(sec[1]), int(last) + 1)]
            for s in wanted:
                cited += 1
                if s not in have:
                    missing.append(f"{p.relative_to(ROOT)}: {page}.md {s}")
    assert cited > 50
    assert not missing, missing


def test_methods_pages_cite_their_sources():
    for page in ("rates", "trends", "stop_search", "hotspots", "s136"):
        text = (METHODS / f"{page}.md").read_text(encoding="utf-8")
        assert "## References" in text, page
        refs = text.split("## References", 1)[1]
        assert len(re.findall(r"\(\d{4}\)", refs)) >= 3, page
