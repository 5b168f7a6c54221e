"""Draw the web app's icons (web/static/pages/icons/): a white shelter on the brand green.

    python scripts/build_icons.py

Maskable: everything that matters lies inside the central 80% circle, so launchers may
crop the square to any shape.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "web" / "static" / "pages" / "icons"
GREEN, WHITE, YELLOW = (10, 92, 54), (255, 255, 255), (255, 210, 63)


def icon(size: int) -> Image.Image:
    img = Image.new("RGB", (size, size), GREEN)
    d = ImageDraw.Draw(img)
    u = size / 100  # design on a 100-unit grid
    d.polygon([(50 * u, 22 * u), (78 * u, 46 * u), (22 * u, 46 * u)], fill=WHITE)  # roof
    d.rectangle([30 * u, 46 * u, 70 * u, 74 * u], fill=WHITE)  # walls
    d.rectangle([44 * u, 56 * u, 56 * u, 74 * u], fill=GREEN)  # door
    d.ellipse([60 * u, 20 * u, 72 * u, 32 * u], fill=YELLOW)  # the warm light
    return img


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        icon(size).save(OUT / f"icon-{size}.png", optimize=True)


if __name__ == "__main__":
    main()
