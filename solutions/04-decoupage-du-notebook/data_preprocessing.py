"""Step 2: turn each subset into features with the pre-trained base (base.h5)."""

import os

# Keep TensorFlow quiet: no C++ logs, no oneDNN notice (set before importing it).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras
import numpy as np
from keras.applications.vgg16 import preprocess_input

IMAGE_SIZE = (128, 128)

keras.utils.set_random_seed(42)
base = keras.models.load_model("base.h5", compile=False)
os.makedirs("preprocessed", exist_ok=True)
for split in ("train", "validation", "test"):
    dataset = keras.utils.image_dataset_from_directory(
        f"subset/{split}", image_size=IMAGE_SIZE, shuffle=False, verbose=False
    )
    features, labels = [], []
    for images, batch_labels in dataset:
        features.append(base.predict(preprocess_input(images), verbose=0))
        labels.append(batch_labels.numpy())
    np.save(f"preprocessed/{split}_features.npy", np.concatenate(features))
    np.save(f"preprocessed/{split}_labels.npy", np.concatenate(labels))
    print(f"{split}: features {np.concatenate(features).shape}")
