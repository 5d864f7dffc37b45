"""Tiny stand-in for the real script: same inputs and outputs, no TensorFlow."""
import shutil
from pathlib import Path

shutil.rmtree("subset", ignore_errors=True)
for split, indices in {"train": [0, 1], "validation": [2], "test": [3]}.items():
    for label in ("cat", "dog"):
        folder = Path("subset", split, label)
        folder.mkdir(parents=True)
        for index in indices:
            shutil.copyfile(f"data/{label}.{index}.jpg", folder / f"{label}.{index}.jpg")
