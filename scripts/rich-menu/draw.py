"""Draws the rich menu image from the script's richMenu section: one panel per area, its label centred.

The font is IPAex Gothic (IPA Font License), taken from the japanize-matplotlib source archive without installing it.
Usage: draw.py SCRIPT.yaml FONT.ttf OUTPUT.png
"""
import sys

import yaml
from PIL import Image, ImageDraw, ImageFont

# Calm colours with white text at a contrast above 4.5:1; the emergency panel is the warm one.
PANELS = ["#3d6b8c", "#4f7a5a", "#a34a3c"]


def main(script_path, font_path, output):
    with open(script_path, encoding="utf-8") as f:
        menu = yaml.safe_load(f)["richMenu"]
    image = Image.new("RGB", (menu["width"], menu["height"]), "#ffffff")
    draw = ImageDraw.Draw(image)
    for index, area in enumerate(menu["areas"]):
        x, y, w, h = area["x"], area["y"], area["width"], area["height"]
        draw.rectangle([x, y, x + w - 1, y + h - 1], fill=PANELS[index % len(PANELS)])
        if x > 0:
            draw.line([x, y, x, y + h], fill="#ffffff", width=8)
        size = 132
        font = ImageFont.truetype(font_path, size)
        while draw.textlength(area["label"], font=font) > w * 0.84:
            size -= 4
            font = ImageFont.truetype(font_path, size)
        draw.text((x + w / 2, y + h / 2), area["label"], font=font, fill="#ffffff", anchor="mm")
    image.save(output, optimize=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
