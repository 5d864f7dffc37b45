"""The lock (requirements.txt): in step with requirements.in, and installable on every
supported (Python, platform) pair.

The matrix resolves the committed lock for each target with uv, wheels only
(a learner's laptop has no compiler), as `uv pip install` would on that
machine. It needs the package registry; without one it is skipped, saying so.
"""

import shutil
from concurrent.futures import ThreadPoolExecutor
import subprocess
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement

from kit import KIT_ROOT, bootstrap

UV = bootstrap.VENV / "bin" / "uv"
PYTHONS = ["3.11.0", "3.11.2", "3.12", "3.13"]
PLATFORMS = {  # uv's name: (sys_platform, platform_machine, platform_system)
    "x86_64-unknown-linux-gnu": ("linux", "x86_64", "Linux"),
    "aarch64-unknown-linux-gnu": ("linux", "aarch64", "Linux"),
    "aarch64-apple-darwin": ("darwin", "arm64", "Darwin"),
}
TARGETS = [(python, target) for python in PYTHONS for target in PLATFORMS]
# Published as source only, pure Python: it builds without a compiler.
SOURCE_ONLY = ["antlr4-python3-runtime"]


def requirements(path):
    found = []
    for text in Path(path).read_text(encoding="utf-8").splitlines():
        text = text.split("#", 1)[0].strip()
        if text:
            found.append(Requirement(text))
    return found


def environment(python, target):
    sys_platform, machine, system = PLATFORMS[target]
    env = default_environment()
    env.update(python_version=".".join(python.split(".")[:2]), python_full_version=python if python.count(".") == 2
               else python + ".0", sys_platform=sys_platform, platform_machine=machine, platform_system=system,
               os_name="posix", implementation_name="cpython", platform_python_implementation="CPython")
    return env


def active(requirement, env):
    return requirement.marker is None or requirement.marker.evaluate(env)


@pytest.mark.parametrize("python, target", TARGETS)
def test_lock_pins_every_requirement(python, target):
    """Offline: each line of requirements.in that applies to the target has a pin in the lock that satisfies it."""
    env = environment(python, target)
    pins = {}
    for pin in requirements(KIT_ROOT / "requirements.txt"):
        if active(pin, env):
            assert pin.name.lower() not in pins, f"two pins for {pin.name} on {python} {target}"
            pins[pin.name.lower().replace("_", "-")] = next(iter(pin.specifier)).version
    for wanted in requirements(KIT_ROOT / "requirements.in"):
        if not active(wanted, env):
            continue
        version = pins.get(wanted.name.lower().replace("_", "-"))
        assert version is not None, f"{wanted.name} is not in the lock for {python} {target}: run make lock"
        assert wanted.specifier.contains(version, prereleases=True), f"{wanted} but the lock pins {version}"


def test_tensorflow_distribution_per_platform():
    lock = {pin.name: pin for pin in requirements(KIT_ROOT / "requirements.txt")}
    for target, (_, machine, _) in PLATFORMS.items():
        env = environment("3.12", target)
        expected = "tensorflow-cpu" if (target.startswith("x86_64") and "linux" in target) else "tensorflow"
        chosen = [name for name in ("tensorflow", "tensorflow-cpu") if active(lock[name], env)]
        assert chosen == [expected], target


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    """Skip when no package registry answers (the lock cannot be resolved without one)."""
    folder = tmp_path_factory.mktemp("registry")
    (folder / "probe.in").write_text("packaging\n")
    probe = subprocess.run([str(UV), "pip", "compile", "--refresh-package", "packaging", "-q", "probe.in"],
                           cwd=folder, capture_output=True, text=True, timeout=120, env=bootstrap.uv_env())
    if probe.returncode != 0:
        pytest.skip("no package registry reachable: the lock's matrix cannot be resolved here "
                    f"({probe.stderr.strip().splitlines()[-1:] or '?'})")


def resolve(python, target, lock=KIT_ROOT / "requirements.txt"):
    command = [str(UV), "pip", "compile", "-q", "--no-header", "--python-version", python, "--python-platform",
               target, "--only-binary", ":all:"]
    for name in SOURCE_ONLY:
        command += ["--no-binary", name]
    return subprocess.run(command + [str(lock)], cwd=KIT_ROOT, capture_output=True, text=True, timeout=300,
                          env=bootstrap.uv_env())


@pytest.fixture(scope="module")
def resolutions(registry):
    """Every target resolved at once: each waits on the registry more than on the CPU."""
    with ThreadPoolExecutor(max_workers=len(TARGETS)) as pool:
        return dict(zip(TARGETS, pool.map(lambda pair: resolve(*pair), TARGETS)))


@pytest.mark.parametrize("python, target", TARGETS)
def test_lock_resolves(resolutions, python, target):
    proc = resolutions[python, target]
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("pin, target, python", [
    ("tensorflow-cpu==2.21.0", "aarch64-apple-darwin", "3.12"),  # the old lock on a Mac: no such wheel
    ("soupsieve==4.1.3", "x86_64-unknown-linux-gnu", "3.11.2"),  # needs Python 3.11.5: Debian 12 has 3.11.2
])
def test_matrix_catches_what_a_learner_would_meet(registry, tmp_path, pin, target, python):
    (tmp_path / "lock.txt").write_text(pin + "\n")
    proc = resolve(python, target, tmp_path / "lock.txt")
    assert proc.returncode != 0 and "No solution found" in proc.stderr


@pytest.mark.parametrize("python", ["3.10", "3.14"])
def test_pythons_outside_the_supported_range_cannot_install_the_lock(registry, python):
    """Why make setup refuses them (3.10: Keras 3.15 needs 3.11; 3.14: no TensorFlow 2.21 wheel)."""
    assert (bootstrap.SUPPORTED[0] <= tuple(map(int, python.split("."))) <= bootstrap.SUPPORTED[1]) is False
    assert resolve(python, "x86_64-unknown-linux-gnu").returncode != 0


def test_lock_is_what_make_lock_makes(registry, tmp_path):
    """requirements.in and the lock agree: regenerating it (keeping its pins) changes nothing."""
    shutil.copy(KIT_ROOT / "requirements.in", tmp_path)
    shutil.copy(KIT_ROOT / "requirements.txt", tmp_path)
    proc = subprocess.run(bootstrap.lock_command(UV), cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env=bootstrap.uv_env())
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "requirements.txt").read_text() == (KIT_ROOT / "requirements.txt").read_text(), \
        "requirements.txt is out of date: run make lock and commit it"
