"""Tiny stand-in: the 'model' is a threshold on the features."""
from pathlib import Path

features = [int(x) for x in Path("preprocessed/train_features.npy").read_text().split()]
Path("preprocessed/validation_features.npy").read_text()
Path("model.h5").write_text(str(sum(features) / len(features)))
