"""Own stage: how many images of each class each split holds, as a metrics file."""

import json
from pathlib import Path

report = {}
for split in sorted(path for path in Path("subset").iterdir() if path.is_dir()):
    for label in sorted(path for path in split.iterdir() if path.is_dir()):
        report[f"{split.name}_{label.name}"] = sum(1 for image in label.iterdir() if image.is_file())

with open("data_report.json", "w", encoding="utf-8") as f:
    json.dump(report, f, indent=2)
print(f"{sum(report.values())} images in {len(report)} folders")
