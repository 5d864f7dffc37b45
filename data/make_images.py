"""Generate the workshop's dataset: data/images/{cat,dog}.N.jpg.

Version 2 of the dataset is every image (N = 0..499 for each class, 1000 in
all); version 1 is its first half (N = 0..249, 500 images). data/heldout/
holds 80 more (N = 500..539), never in the dataset, to test the web app of
chapter 07. The output is
committed so every learner gets byte-identical files; tests/test_data.py
checks that this script reproduces them.

    python data/make_images.py [--out data/images] [--count 500]
"""

import argparse
from pathlib import Path

from animals import SPECIES, draw_animal

SEED = 2023
JPEG_QUALITY = 90
COUNT_V2 = 500  # per class
COUNT_V1 = 250  # per class
HELDOUT = range(500, 540)  # per class: images for testing the web app, never in the dataset


def image_name(species, index):
    return f"{species}.{index}.jpg"


def write_image(species, index, out_dir):
    path = Path(out_dir) / image_name(species, index)
    draw_animal(species, index, SEED).save(path, "JPEG", quality=JPEG_QUALITY)
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=Path(__file__).parent / "images", type=Path)
    parser.add_argument("--count", default=COUNT_V2, type=int, help="images per class")
    parser.add_argument("--heldout", default=Path(__file__).parent / "heldout", type=Path,
                        help="where the held-out images (for the chapter 07 web app) go")
    args = parser.parse_args()
    for folder, indices in ((args.out, range(args.count)), (args.heldout, HELDOUT)):
        folder.mkdir(parents=True, exist_ok=True)
        for species in SPECIES:
            for index in indices:
                write_image(species, index, folder)
    print(f"{2 * args.count} images in {args.out}, {2 * len(HELDOUT)} held-out images in {args.heldout}")


if __name__ == "__main__":
    main()
