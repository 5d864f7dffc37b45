"""Your turn: the confusion matrix of the model on the test features (rows: true label, columns: predicted)."""

import os

# Keep TensorFlow quiet: no C++ logs, no oneDNN notice (set before importing it).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras
import numpy as np

LABELS = ("cat", "dog")  # label 0, label 1

test_features = np.load("preprocessed/test_features.npy")
test_labels = np.load("preprocessed/test_labels.npy").astype(int)

model = keras.models.load_model("model.h5", compile=False)
predicted = (model.predict(test_features, verbose=0)[:, 0] > 0.5).astype(int)

print("true \\ predicted   cat   dog")
for label, name in enumerate(LABELS):
    row = [int(np.sum((test_labels == label) & (predicted == other))) for other in range(len(LABELS))]
    print(f"{name:>17} {row[0]:5d} {row[1]:5d}")
