"""The committed dataset and base model are what the scripts in data/ make."""

import subprocess
import sys

from kit import KIT_ROOT
from kit.workspace import DATASETS

IMAGES = KIT_ROOT / "data" / "images"


def test_generator_reproduces_the_committed_images(tmp_path):
    subprocess.run([sys.executable, "make_images.py", "--out", str(tmp_path)], cwd=KIT_ROOT / "data", check=True,
                   capture_output=True)
    committed = sorted(path.name for path in IMAGES.glob("*.jpg"))
    assert sorted(path.name for path in tmp_path.glob("*.jpg")) == committed
    assert len(committed) == 2 * DATASETS["v2"]
    differing = [name for name in committed if (tmp_path / name).read_bytes() != (IMAGES / name).read_bytes()]
    assert differing == []


def test_generator_is_deterministic_and_varied():
    sys.path.insert(0, str(KIT_ROOT / "data"))
    from animals import draw_animal

    first, again = draw_animal("cat", 3, 1).tobytes(), draw_animal("cat", 3, 1).tobytes()
    assert first == again
    assert draw_animal("cat", 4, 1).tobytes() != first
    assert draw_animal("dog", 3, 1).tobytes() != first


def test_base_model_is_small_and_ships_beside_its_script():
    base = KIT_ROOT / "data" / "base.h5"
    assert base.read_bytes()[:8] == b"\x89HDF\r\n\x1a\n"
    assert base.stat().st_size < 2_000_000
    assert (KIT_ROOT / "data" / "make_base.py").exists()
