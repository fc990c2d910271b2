"""The report as PDF: the HTML page printed by headless Chromium with its print stylesheet (A4,
headings kept with their content, tables and figures not split, protective marking on every page).

Chromium is found on the PATH (``chromium``, ``chromium-browser``, ``google-chrome``) or at
``$SAFERSTATS_CHROMIUM``; ``make browser`` installs the Debian package. Without it the report is
written without a PDF and says so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .config import OutputError

__all__ = ["find_browser", "html_to_pdf", "BROWSER_NAMES"]

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_browser() -> str | None:
    """The headless browser used for the PDF: ``$SAFERSTATS_CHROMIUM`` if set, else the first of
    :data:`BROWSER_NAMES` on the PATH; ``None`` when there is none.

    >>> b = find_browser()
    >>> b is None or Path(b).name.startswith(("chrom", "google"))
    True
    """
    env = os.environ.get("SAFERSTATS_CHROMIUM")
    if env:
        return env if Path(env).is_file() and os.access(env, os.X_OK) else None
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(html_path: str | Path, pdf_path: str | Path, *, browser: str | None = None,
                timeout: float = 300) -> Path | None:
    """Print ``html_path`` to ``pdf_path`` with headless Chromium (A4 from the page's ``@page``
    rule, no browser header or footer). Returns the PDF's path, or ``None`` when no browser is
    installed. Raises :class:`OutputError` (one line) when the browser fails or times out.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "p.html").write_text("<!doctype html><title>t</title><p>Hello")
    >>> pdf = html_to_pdf(d / "p.html", d / "p.pdf")
    >>> pdf is None or pdf.read_bytes()[:5] == b"%PDF-"
    True
    """
    exe = browser or find_browser()
    if exe is None:
        return None
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path).resolve()
    with tempfile.TemporaryDirectory(prefix="saferstats-chromium-") as profile:
        cmd = [exe, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--disable-extensions", "--no-first-run", "--no-pdf-header-footer", f"--user-data-dir={profile}",
               "--run-all-compositor-stages-before-draw", "--virtual-time-budget=10000",
               f"--print-to-pdf={pdf_path}", html_path.as_uri()]
        try:
            run = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                                 env={**os.environ, "HOME": profile})
        except subprocess.TimeoutExpired as exc:
            raise OutputError(f"--pdf: Chromium did not finish printing the report within {timeout:.0f} s") from exc
        except OSError as exc:
            raise OutputError(f"--pdf: cannot run {exe} ({exc.strerror or exc})") from exc
    if not pdf_path.is_file() or pdf_path.stat().st_size == 0 or pdf_path.read_bytes()[:5] != b"%PDF-":
        last = (run.stderr or "").strip().splitlines()[-1:] or ["no message"]
        raise OutputError(f"--pdf: Chromium did not write a PDF (exit {run.returncode}: {last[0][:200]})")
    return pdf_path
