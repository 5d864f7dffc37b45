"""A small web app that tells cats from dogs, using the shared model.

It needs models/base.h5 and models/model.h5 beside it: fetch them with
    dvc artifacts get <project> cats-vs-dogs --stage test
then start it with
    uvicorn app:app --port 8000
and ask it:
    curl -F "file=@../data/cat.0.jpg" http://127.0.0.1:8000/cats-or-dogs/
"""

import io
import os
from pathlib import Path

# Keep TensorFlow quiet: no C++ logs, no oneDNN notice (set before importing it).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras
import numpy as np
from fastapi import FastAPI, File, HTTPException, UploadFile
from keras.applications.vgg16 import preprocess_input
from PIL import Image, UnidentifiedImageError

MODELS = Path(__file__).parent / "models"
IMAGE_SIZE = (128, 128)  # as in data_preprocessing.py
LABELS = ("cat", "dog")  # the subset folders, in alphabetical order

base = keras.models.load_model(MODELS / "base.h5", compile=False)
classifier = keras.models.load_model(MODELS / "model.h5", compile=False)
app = FastAPI(title="Chats ou chiens ?")


@app.post("/cats-or-dogs/")
async def cats_or_dogs(file: UploadFile | None = File(None)):
    """Answer "cat" or "dog" for an uploaded image (field `file`)."""
    if file is None:
        raise HTTPException(400, "Aucun fichier reçu : envoyez une image dans le champ « file ».")
    content = await file.read()
    if not content:
        raise HTTPException(400, "Le fichier reçu est vide.")
    try:
        image = Image.open(io.BytesIO(content)).convert("RGB")
    except (UnidentifiedImageError, OSError):
        raise HTTPException(415, "Ce fichier n'est pas une image lisible (JPEG, PNG...).") from None
    pixels = np.asarray(image.resize(IMAGE_SIZE, Image.BILINEAR), dtype=np.float32)[np.newaxis]
    features = base.predict(preprocess_input(pixels), verbose=0)
    probability = float(classifier.predict(features, verbose=0)[0][0])
    return LABELS[int(probability > 0.5)]
