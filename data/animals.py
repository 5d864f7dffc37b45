"""Deterministic drawings of stylised animal faces, shared by the data scripts.

Cats and dogs make the workshop's dataset; six other species (rabbit, bear,
mouse, sheep, pig, fox) make the pretext task that pre-trains the base model.
Every image is a pure function of (species, index, seed): same inputs, same
pixels, on any machine with the pinned Pillow and NumPy.
"""

import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

SIZE = 128
SPECIES = ("cat", "dog")
PRETEXT_SPECIES = ("rabbit", "bear", "mouse", "sheep", "pig", "fox")

FUR = [
    (120, 80, 45), (60, 45, 35), (230, 225, 215), (150, 150, 150),
    (215, 130, 50), (235, 210, 160), (35, 35, 35), (175, 120, 70),
    (200, 190, 170), (95, 70, 60),
]


def _shade(colour, factor):
    return tuple(max(0, min(255, int(c * factor))) for c in colour)


def _rng_for(species, index, seed):
    # A string seed goes through SHA-512 in random.Random: stable everywhere.
    return random.Random(f"{seed}:{species}:{index}")


def _background(rng):
    """A plain, gradient, striped or blotchy background."""
    a = tuple(rng.randint(40, 230) for _ in range(3))
    b = tuple(rng.randint(40, 230) for _ in range(3))
    img = Image.new("RGB", (SIZE, SIZE), a)
    draw = ImageDraw.Draw(img)
    kind = rng.choice(["plain", "gradient", "stripes", "blobs", "floor"])
    if kind == "gradient":
        for y in range(SIZE):
            t = y / (SIZE - 1)
            draw.line([(0, y), (SIZE, y)], fill=tuple(int(a[i] * (1 - t) + b[i] * t) for i in range(3)))
    elif kind == "stripes":
        width = rng.randint(6, 20)
        for x in range(-SIZE, SIZE * 2, width * 2):
            draw.polygon([(x, 0), (x + width, 0), (x + width + SIZE // 2, SIZE), (x + SIZE // 2, SIZE)], fill=b)
    elif kind == "blobs":
        for _ in range(rng.randint(3, 8)):
            x, y, r = rng.randint(0, SIZE), rng.randint(0, SIZE), rng.randint(8, 30)
            draw.ellipse([x - r, y - r, x + r, y + r], fill=tuple(rng.randint(40, 230) for _ in range(3)))
    elif kind == "floor":
        draw.rectangle([0, rng.randint(70, 110), SIZE, SIZE], fill=b)
    return img


def _ears(draw, species, rng, cx, cy, r, fur, inner):
    """Draw the ears, the species' main cue (with deliberate exceptions)."""
    style = {
        "cat": "pointy", "dog": "floppy", "rabbit": "long", "bear": "round",
        "mouse": "big_round", "sheep": "side_flop", "pig": "flop_forward", "fox": "tall_pointy",
    }[species]
    # Misleading cases: some dogs have upright ears, some cats folded ones.
    if species == "dog" and rng.random() < 0.25:
        style = "upright_dog"
    if species == "cat" and rng.random() < 0.12:
        style = "folded"
    for side in (-1, 1):
        if style in ("pointy", "tall_pointy", "upright_dog"):
            height = r * {"pointy": 0.9, "tall_pointy": 1.2, "upright_dog": 0.85}[style] * rng.uniform(0.8, 1.15)
            half = r * {"pointy": 0.32, "tall_pointy": 0.3, "upright_dog": 0.45}[style]
            bx = cx + side * r * 0.55
            base_y = cy - r * 0.55
            tip = (bx + side * r * 0.15, base_y - height)
            pts = [(bx - half, base_y + 4), tip, (bx + half, base_y + 4)]
            if style == "upright_dog":
                # Rounded tip: a wide base and a blunt top.
                draw.polygon(pts, fill=fur)
                draw.ellipse([tip[0] - half * 0.5, tip[1] - 2, tip[0] + half * 0.5, tip[1] + half], fill=fur)
            else:
                draw.polygon(pts, fill=fur)
                ipts = [(bx - half * 0.5, base_y), (tip[0], tip[1] + height * 0.3), (bx + half * 0.5, base_y)]
                draw.polygon(ipts, fill=inner)
        elif style == "floppy":
            ex = cx + side * r * 0.9
            w, h = r * 0.38, r * rng.uniform(0.8, 1.2)
            draw.ellipse([ex - w, cy - r * 0.5, ex + w, cy - r * 0.5 + 2 * h], fill=_shade(fur, 0.7))
        elif style == "folded":
            ex, ey = cx + side * r * 0.5, cy - r * 0.8
            draw.ellipse([ex - r * 0.25, ey - r * 0.15, ex + r * 0.25, ey + r * 0.2], fill=fur)
        elif style == "long":
            ex = cx + side * r * 0.35
            draw.ellipse([ex - r * 0.22, cy - r * 2.0, ex + r * 0.22, cy - r * 0.4], fill=fur)
            draw.ellipse([ex - r * 0.1, cy - r * 1.8, ex + r * 0.1, cy - r * 0.6], fill=inner)
        elif style == "round":
            ex, ey = cx + side * r * 0.7, cy - r * 0.75
            draw.ellipse([ex - r * 0.3, ey - r * 0.3, ex + r * 0.3, ey + r * 0.3], fill=fur)
        elif style == "big_round":
            ex, ey = cx + side * r * 0.85, cy - r * 0.7
            draw.ellipse([ex - r * 0.55, ey - r * 0.55, ex + r * 0.55, ey + r * 0.55], fill=fur)
            draw.ellipse([ex - r * 0.35, ey - r * 0.35, ex + r * 0.35, ey + r * 0.35], fill=inner)
        elif style == "side_flop":
            ex, ey = cx + side * r * 1.05, cy - r * 0.2
            draw.ellipse([ex - r * 0.4, ey - r * 0.15, ex + r * 0.4, ey + r * 0.2], fill=_shade(fur, 0.85))
        elif style == "flop_forward":
            bx = cx + side * r * 0.55
            draw.polygon([(bx - r * 0.3, cy - r * 0.7), (bx + side * r * 0.35, cy - r * 1.05), (bx + r * 0.3, cy - r * 0.45)], fill=_shade(fur, 0.9))


def _face(draw, species, rng, cx, cy, r, fur):
    """Eyes, nose, mouth and markings."""
    dark = (20, 20, 20)
    eye_dx, eye_y = r * 0.38, cy - r * 0.15
    eye_colour = rng.choice([(90, 160, 60), (200, 170, 40), (70, 120, 190), (110, 70, 30)])
    for side in (-1, 1):
        ex = cx + side * eye_dx
        if species in ("cat", "fox"):
            w, h = r * 0.17, r * 0.12
            draw.ellipse([ex - w, eye_y - h, ex + w, eye_y + h], fill=eye_colour)
            draw.ellipse([ex - w * 0.25, eye_y - h, ex + w * 0.25, eye_y + h], fill=dark)
        else:
            w = r * rng.uniform(0.1, 0.15)
            draw.ellipse([ex - w, eye_y - w, ex + w, eye_y + w], fill=dark)
            draw.ellipse([ex - w * 0.3, eye_y - w * 0.5, ex + w * 0.1, eye_y - w * 0.1], fill=(240, 240, 240))

    if species in ("dog", "bear", "fox"):
        # A muzzle: a lighter area that sticks out below the eyes.
        mw, mh = r * (0.45 if species != "fox" else 0.3), r * rng.uniform(0.35, 0.5)
        muzzle = _shade(fur, 1.25) if species != "fox" else (240, 240, 235)
        draw.ellipse([cx - mw, cy + r * 0.1, cx + mw, cy + r * 0.1 + 2 * mh], fill=muzzle)
    if species == "pig":
        draw.ellipse([cx - r * 0.3, cy + r * 0.1, cx + r * 0.3, cy + r * 0.5], fill=(240, 150, 160))
        for side in (-1, 1):
            draw.ellipse([cx + side * r * 0.12 - 3, cy + r * 0.25, cx + side * r * 0.12 + 3, cy + r * 0.35], fill=(120, 50, 60))
    elif species == "sheep":
        for k in range(-2, 3):
            wx, wy = cx + k * r * 0.3, cy - r * 0.75
            draw.ellipse([wx - r * 0.22, wy - r * 0.22, wx + r * 0.22, wy + r * 0.22], fill=(235, 230, 220))
        draw.ellipse([cx - r * 0.12, cy + r * 0.3, cx + r * 0.12, cy + r * 0.42], fill=(40, 30, 30))
    elif species == "cat":
        nose = (230, 130, 140) if rng.random() < 0.8 else dark
        draw.polygon([(cx - 5, cy + r * 0.15), (cx + 5, cy + r * 0.15), (cx, cy + r * 0.27)], fill=nose)
        draw.line([(cx, cy + r * 0.27), (cx - 5, cy + r * 0.37)], fill=dark, width=1)
        draw.line([(cx, cy + r * 0.27), (cx + 5, cy + r * 0.37)], fill=dark, width=1)
    else:
        nose = dark if rng.random() < 0.85 else (110, 70, 50)
        nw = r * (0.2 if species == "dog" else 0.12)
        ny = cy + r * (0.25 if species == "dog" else 0.2)
        draw.ellipse([cx - nw, ny - nw * 0.7, cx + nw, ny + nw * 0.7], fill=nose)
        if species == "dog" and rng.random() < 0.4:
            draw.ellipse([cx - r * 0.12, cy + r * 0.55, cx + r * 0.12, cy + r * 0.85], fill=(220, 80, 100))
        if species == "rabbit":
            draw.rectangle([cx - 4, cy + r * 0.35, cx + 4, cy + r * 0.5], fill=(250, 250, 250))

    whiskers = {"cat": 0.85, "mouse": 0.9, "rabbit": 0.5, "fox": 0.3, "dog": 0.12}.get(species, 0.0)
    if rng.random() < whiskers:
        colour = rng.choice([(240, 240, 240), dark])
        for side in (-1, 1):
            for k in (-1, 0, 1):
                start = (cx + side * r * 0.15, cy + r * 0.3)
                end = (cx + side * r * 0.95, cy + r * 0.3 + k * r * 0.18 - r * 0.05)
                draw.line([start, end], fill=colour, width=1)

    if rng.random() < 0.3:
        # A patch of another colour, as on spotted or tabby coats.
        px, py = cx + rng.uniform(-r, r) * 0.5, cy + rng.uniform(-r, r) * 0.5
        pr = r * rng.uniform(0.2, 0.4)
        draw.ellipse([px - pr, py - pr, px + pr, py + pr], outline=_shade(fur, 0.6), width=3)


def draw_animal(species, index, seed=0):
    """Return the RGB image (SIZE x SIZE) of one animal."""
    rng = _rng_for(species, index, seed)
    img = _background(rng)

    layer = Image.new("RGBA", (SIZE * 2, SIZE * 2), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    cx, cy = SIZE, SIZE
    r = rng.uniform(26, 40)
    fur = rng.choice(FUR)
    if species == "fox":
        fur = rng.choice([(215, 110, 40), (200, 95, 35), (180, 100, 60)])
    if species == "sheep":
        fur = rng.choice([(240, 235, 225), (40, 35, 35), (215, 205, 190)])
    if species == "pig":
        fur = rng.choice([(240, 180, 180), (230, 165, 170), (210, 160, 150)])
    inner = (230, 160, 170) if rng.random() < 0.7 else _shade(fur, 0.8)

    if rng.random() < 0.6:
        # A body below the head, often cut by the frame.
        bw, bh = r * rng.uniform(0.9, 1.3), r * rng.uniform(1.0, 1.5)
        draw.ellipse([cx - bw, cy + r * 0.6, cx + bw, cy + r * 0.6 + 2 * bh], fill=_shade(fur, 0.9))
    _ears(draw, species, rng, cx, cy, r, fur, inner)
    head_w = r * (1.0 if species != "fox" else 0.9)
    draw.ellipse([cx - head_w, cy - r * 0.85, cx + head_w, cy + r * 0.85], fill=fur)
    _face(draw, species, rng, cx, cy, r, fur)

    angle = rng.uniform(-30, 30)
    layer = layer.rotate(angle, resample=Image.BICUBIC, center=(cx, cy))
    if rng.random() < 0.5:
        layer = layer.transpose(Image.FLIP_LEFT_RIGHT)
    dx = int(rng.uniform(-22, 22))
    dy = int(rng.uniform(-18, 22))
    img.paste(layer, (dx - SIZE // 2, dy - SIZE // 2), layer)

    # Occluders: a bar or a blob in front of the animal, now and then.
    if rng.random() < 0.15:
        odraw = ImageDraw.Draw(img)
        colour = tuple(rng.randint(0, 255) for _ in range(3))
        if rng.random() < 0.5:
            x = rng.randint(20, SIZE - 30)
            odraw.rectangle([x, 0, x + rng.randint(6, 16), SIZE], fill=colour)
        else:
            y = rng.randint(0, SIZE // 3)
            odraw.rectangle([0, y, SIZE, y + rng.randint(8, 22)], fill=colour)

    if rng.random() < 0.4:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.4)))
    noise_level = rng.choice([4, 8, 14, 24])
    noise = np.random.default_rng(rng.getrandbits(32)).normal(0, noise_level, (SIZE, SIZE, 3))
    pixels = np.clip(np.asarray(img, dtype=np.float32) + noise, 0, 255).astype(np.uint8)
    contrast = rng.uniform(0.6, 1.1)
    pixels = np.clip((pixels.astype(np.float32) - 128) * contrast + 128, 0, 255).astype(np.uint8)
    return Image.fromarray(pixels, "RGB")

