"""Step 1: copy a subset of data/ into subset/{train,validation,test}/{cat,dog}/."""

import shutil
from pathlib import Path

SOURCE = Path("data")
TARGET = Path("subset")
SPLITS = {"train": (0, 100), "validation": (100, 150), "test": (150, 250)}

shutil.rmtree(TARGET, ignore_errors=True)
for split, (start, end) in SPLITS.items():
    for label in ("cat", "dog"):
        folder = TARGET / split / label
        folder.mkdir(parents=True)
        for index in range(start, end):
            name = f"{label}.{index}.jpg"
            shutil.copyfile(SOURCE / name, folder / name)
    print(f"{split}: {2 * (end - start)} images")
