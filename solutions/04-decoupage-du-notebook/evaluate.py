"""Step 4: measure the model's accuracy on the test features."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # before TensorFlow is imported

import keras
import numpy as np

test_features = np.load("preprocessed/test_features.npy")
test_labels = np.load("preprocessed/test_labels.npy")

model = keras.models.load_model("model.h5", compile=False)
model.compile(loss="binary_crossentropy", metrics=["accuracy"])
test_loss, test_acc = model.evaluate(test_features, test_labels, verbose=0)
print(f"test accuracy: {test_acc:.3f}")
