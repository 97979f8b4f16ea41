"""Headless Chromium for tests: Debian's /usr/bin/chromium driven by Playwright, offline.

No browser is ever downloaded.  If Chromium or Playwright is missing the tests fail
(CI installs both; see .ci/run), they are never skipped.
"""

from __future__ import annotations

import io
import os
import shutil
from contextlib import contextmanager

CHROMIUM = os.environ.get("VERKOSTOLAB_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
               "--no-first-run", "--disable-background-networking", "--disable-component-update",
               "--disable-sync"]


@contextmanager
def offline_page(*, width: int = 1280, height: int = 900, allow_hosts: tuple[str, ...] = ()):
    """A page whose every request outside ``file:``/``data:``/``blob:`` (and
    ``allow_hosts``) is refused; yields (page, blocked) where ``blocked`` lists them."""
    from playwright.sync_api import sync_playwright

    assert os.path.exists(CHROMIUM), f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    blocked: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        context = browser.new_context(viewport={"width": width, "height": height})

        def route(r):
            url = r.request.url
            if url.startswith(("file:", "data:", "blob:")) or any(h in url for h in allow_hosts):
                r.continue_()
            else:
                blocked.append(url)
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        try:
            yield page, blocked
        finally:
            context.close()
            browser.close()


def ink_share(png: bytes, background=(255, 255, 255)) -> float:
    """Share of pixels that differ clearly from the background."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    pixels = getattr(image, "get_flattened_data", image.getdata)()  # getdata: before Pillow 12
    bg = background
    differ = sum(1 for px in pixels if abs(px[0] - bg[0]) + abs(px[1] - bg[1]) + abs(px[2] - bg[2]) > 60)
    return differ / (image.width * image.height)


def colours(png: bytes) -> int:
    from PIL import Image

    return len(Image.open(io.BytesIO(png)).convert("RGB").getcolors(maxcolors=1 << 20) or [])
