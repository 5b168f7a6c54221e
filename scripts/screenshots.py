"""Screenshots of every page, phone and desktop, with axe-core's findings.

    python scripts/screenshots.py OUT_DIR

Serves the app on the demo data (a fresh temporary home), opens each page in Debian's
Chromium at phone (390x844) and desktop (1280x800) size, saves a PNG per page and size,
and prints the serious and critical accessibility violations axe-core finds. Signs in
an inspector for /inspect. Map tiles are refused (no internet here), so maps show their
overlays on a blank background.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from stations.accounts.users import add_user  # noqa: E402
from stations.config import Settings  # noqa: E402
from stations.io.demo import seed_demo  # noqa: E402
from stations.store.registry import Registry  # noqa: E402
from tests.support.browser import CHROMIUM_ARGS, DEVICES, run_axe  # noqa: E402
from tests.support.live_server import serve_in_thread  # noqa: E402

PAGES = {
    "driver": "/",
    "planner": "/planner",
    "inspect": "/inspect",
    "host": "/host",
    "coverage-map": "/maps/coverage?region=410100",
    "coverage-map-empty": "/maps/coverage?region=410185&compliant_only=true",
}
USER, PASSWORD = "shots-inspector", "a-long-password-1"


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "shots")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as home:
        db = f"sqlite:///{home}/stations.db"
        registry = Registry.open(db)
        seed_demo(registry)
        add_user(registry, USER, "inspector", PASSWORD)
        registry.close()
        settings = Settings(home=Path(home), db=db)
        with serve_in_thread(settings) as base, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for device, options in DEVICES.items():
                context = browser.new_context(**options, locale="zh-CN",
                                              permissions=["geolocation"],
                                              geolocation={"latitude": 34.7466, "longitude": 113.6253})
                context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base)
                              else r.abort())
                page = context.new_page()
                for name, path in PAGES.items():
                    page.goto(base + path)
                    page.wait_for_load_state("networkidle")
                    if name == "inspect" and page.locator("input[type=password]").count():
                        page.locator("input[autocomplete=username], input[name=username]").first.fill(USER)
                        page.locator("input[type=password]").first.fill(PASSWORD)
                        page.locator("input[type=password]").first.press("Enter")
                        page.wait_for_timeout(1500)
                    page.wait_for_timeout(800)
                    file = out / f"{name}-{device}.png"
                    page.screenshot(path=str(file), full_page=False)
                    found = run_axe(page)
                    print(f"{file}: axe serious/critical: "
                          f"{[v['id'] for v in found] if found else 'none'}")
                context.close()
            browser.close()


if __name__ == "__main__":
    main()
