#!/usr/bin/env python3
"""
Draws the site's raster icons and its default social image with Pillow, from the same mark as
static/img/favicon.svg (a white heart on the brand-blue disc). The outputs are committed; run this
again after changing the mark or the organisation's name:

    .venv/bin/python scripts/make_icons.py [--name "Children's Hospital Foundation"]

Writes static/img/: favicon.ico (16, 32, 48), favicon-32.png, apple-touch-icon.png (180),
icon-192.png, icon-512.png and social.png (1200×630, for og:image / twitter:image).
"""

import argparse
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "static" / "img"
BRAND = (11, 92, 171)
BRAND_DARK = (8, 40, 75)
WARM = (255, 214, 170)
WHITE = (255, 255, 255)
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def heart(draw: ImageDraw.ImageDraw, cx: float, cy: float, size: float, fill) -> None:
    """A heart `size` wide centred on (cx, cy): two discs and a triangle, like the SVG's path."""
    r = size / 4
    draw.ellipse((cx - 2 * r, cy - 1.6 * r, cx, cy + 0.4 * r), fill=fill)
    draw.ellipse((cx, cy - 1.6 * r, cx + 2 * r, cy + 0.4 * r), fill=fill)
    points = [(cx - 1.93 * r, cy - 0.2 * r), (cx, cy - 0.65 * r), (cx + 1.93 * r, cy - 0.2 * r), (cx, cy + 2.1 * r)]
    draw.polygon(points, fill=fill)


def mark(size: int, *, rounded_square: bool = False) -> Image.Image:
    """The mark at `size` px, drawn 4× larger and scaled down for smooth edges."""
    big = size * 4
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if rounded_square:  # iOS masks its own corners and wants no transparency
        draw.rectangle((0, 0, big, big), fill=BRAND)
    else:
        draw.ellipse((big * 0.03, big * 0.03, big * 0.97, big * 0.97), fill=BRAND)
    heart(draw, big / 2, big * 0.5, big * 0.46, WHITE)
    return image.resize((size, size), Image.LANCZOS)


def wrap(draw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    return [*lines, line] if line else lines


def social(name: str, tagline: str) -> Image.Image:
    width, height = 1200, 630
    image = Image.new("RGB", (width, height), BRAND_DARK)
    draw = ImageDraw.Draw(image)
    # A warm diagonal band behind the mark, in the colours of the campaign hero.
    for x in range(width):
        t = x / width
        colour = tuple(round(BRAND_DARK[i] * (1 - t) + BRAND[i] * t) for i in range(3))
        draw.line([(x, 0), (x, height)], fill=colour)
    draw.ellipse((760, -120, 1420, 540), fill=WARM)
    icon = mark(300)
    image.paste(icon, (850, 60), icon)
    title_font = ImageFont.truetype(FONT_BOLD, 64)
    body_font = ImageFont.truetype(FONT, 31)
    y = 150
    for line in wrap(draw, name, title_font, 680):
        draw.text((80, y), line, font=title_font, fill=WHITE)
        y += 78
    y += 20
    for line in wrap(draw, tagline, body_font, 720):
        draw.text((80, y), line, font=body_font, fill=(255, 236, 214))
        y += 46
    draw.rounded_rectangle((80, 510, 330, 574), radius=32, fill=(154, 52, 18))
    draw.text((205, 542), "Give today", font=ImageFont.truetype(FONT_BOLD, 30), fill=WHITE, anchor="mm")
    return image


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--name", default="Children's Hospital Foundation")
    parser.add_argument("--tagline", default="World-class care for children, close to home.")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    mark(48).save(OUT / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    mark(32).save(OUT / "favicon-32.png", optimize=True)
    mark(180, rounded_square=True).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)
    mark(192).save(OUT / "icon-192.png", optimize=True)
    mark(512).save(OUT / "icon-512.png", optimize=True)
    social(args.name, args.tagline).save(OUT / "social.png", optimize=True)
    for name in ("favicon.ico", "favicon-32.png", "apple-touch-icon.png", "icon-192.png", "icon-512.png", "social.png"):
        print(f"wrote static/img/{name} ({(OUT / name).stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
