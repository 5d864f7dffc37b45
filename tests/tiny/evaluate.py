"""Tiny stand-in: accuracy of the threshold on the test 'features'."""
from pathlib import Path

threshold = float(Path("model.h5").read_text())
features = [int(x) for x in Path("preprocessed/test_features.npy").read_text().split()]
labels = [int(x) for x in Path("preprocessed/test_labels.npy").read_text().split()]
test_acc = sum((f > threshold) == bool(y) for f, y in zip(features, labels)) / len(labels)
print(f"test accuracy: {test_acc:.3f}")

with open("metrics.json", "w", encoding="utf-8") as f:
    f.write(f"{{\"test_accuracy\": {test_acc}}}\n")
