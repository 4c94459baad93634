"""Draws the Teams app icons: color.png (192×192) and outline.png (32×32, white on transparent).

Run ``.venv/bin/python teams/make_icons.py`` after changing the design; the PNGs are committed.
Teams requires the outline icon to be white with a transparent background, and the colour icon
to be 192×192 with its symbol inside the central 120×120 safe area.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
ACCENT = (31, 111, 178, 255)  # #1F6FB2, the manifest's accentColor
SPARK = (255, 196, 61, 255)
WHITE = (255, 255, 255, 255)
SCALE = 4  # draw large, downsample for smooth edges


def _book(draw: ImageDraw.ImageDraw, box: tuple[float, float, float, float], colour: tuple, width: int) -> None:
    """An open book: two pages meeting at a spine, with a few text lines."""
    left, top, right, bottom = box
    middle = (left + right) / 2
    dip = (bottom - top) * 0.12
    for outer in (left, right):
        page = [(outer, top + dip), (middle, top + 2 * dip), (middle, bottom), (outer, bottom - dip)]
        draw.line(page + [page[0]], fill=colour, width=width, joint="curve")
        inset = (middle - outer) * 0.22  # negative on the right page
        for i in (1, 2, 3):
            y = top + dip + (bottom - top - 2 * dip) * i / 4.5
            line = [(outer + inset, y + dip * 0.4), (middle - inset, y + dip * 0.9)]
            draw.line(line, fill=colour, width=max(1, width // 2))


def _spark(draw: ImageDraw.ImageDraw, centre: tuple[float, float], radius: float, colour: tuple) -> None:
    """A four-pointed star: 'digital'."""
    x, y = centre
    thin = radius * 0.28
    draw.polygon(
        [
            (x, y - radius),
            (x + thin, y - thin),
            (x + radius, y),
            (x + thin, y + thin),
            (x, y + radius),
            (x - thin, y + thin),
            (x - radius, y),
            (x - thin, y - thin),
        ],
        fill=colour,
    )


def color_icon(size: int = 192) -> Image.Image:
    """Accent-coloured rounded square with a white book and a yellow spark."""
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 0.18, fill=ACCENT)
    _book(draw, (big * 0.22, big * 0.36, big * 0.78, big * 0.74), WHITE, width=int(big * 0.035))
    _spark(draw, (big * 0.5, big * 0.24), big * 0.1, SPARK)
    return image.resize((size, size), Image.LANCZOS)


def outline_icon(size: int = 32) -> Image.Image:
    """The same symbol in white on a transparent background."""
    big = size * SCALE * 2
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    _book(draw, (big * 0.08, big * 0.36, big * 0.92, big * 0.92), WHITE, width=int(big * 0.07))
    _spark(draw, (big * 0.5, big * 0.17), big * 0.15, WHITE)
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    """Writes color.png and outline.png next to this script."""
    color_icon().save(HERE / "color.png", optimize=True)
    outline_icon().save(HERE / "outline.png", optimize=True)
    print(f"wrote {HERE / 'color.png'} and {HERE / 'outline.png'}")


if __name__ == "__main__":
    main()
