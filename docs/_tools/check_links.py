"""Check every link of the built HTML site without the internet: each internal link must point
to a file of the build, and each #fragment to an id in that file. External (http/https/mailto)
links are listed, not fetched. Exit status 1 on any broken link. Run by `make docs`."""

from __future__ import annotations

import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"] or "")
        for key in ("href", "src"):
            if a.get(key) and not (tag == "link" and a.get("rel") in ("preload", "prefetch")):
                self.links.append(a[key] or "")


def main(root: Path) -> int:
    pages: dict[Path, _Page] = {}
    for f in root.rglob("*.html"):
        if "_static" in f.relative_to(root).parts:  # theme templates, not pages
            continue
        p = _Page()
        p.feed(f.read_text(encoding="utf-8", errors="replace"))
        pages[f.resolve()] = p
    broken, external, checked = [], set(), 0
    for f, page in pages.items():
        for link in page.links:
            scheme = urlparse(link).scheme
            if scheme in ("http", "https", "mailto", "data", "javascript"):
                external.add(link)
                continue
            parts = urlparse(link)
            path, frag = parts.path, parts.fragment
            target = f if not path else (f.parent / unquote(path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            checked += 1
            if not target.exists():
                broken.append(f"{f.relative_to(root.resolve())}: {link} (no such file)")
            elif frag and target.suffix == ".html":
                ids = pages[target].ids if target in pages else set()
                if unquote(frag) not in ids:
                    broken.append(f"{f.relative_to(root.resolve())}: {link} (no #{frag})")
    print(f"links: {checked} internal checked, {len(external)} external not fetched (no internet), "
          f"{len(broken)} broken, in {len(pages)} pages")
    for b in broken:
        print("BROKEN", b)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/_build/html")))
