"""kit/system_messages.py in English: what `make setup` and `make doctor` tell the learner.

The English counterpart of kit/system_messages.py: the same names, the same
keys in the same order, the same {placeholders}. Like the French module, it
runs before the kit's .venv exists, with whatever Python the machine has: it
uses nothing but plain strings and dicts (no f-strings, no imports, no 3.8+
syntax), so that even an old interpreter can print why it is refused.
"""

# --- Which Python to install, by system (the key comes from bootstrap.system_id) ------
INSTALL_PYTHON = {
    "macos-arm64": "install Python 3.12 with Homebrew (`brew install python@3.12`) or from python.org, then run `make setup` again",
    "macos-x86_64": "this kit does not install directly on an Intel Mac (TensorFlow is no longer published for it): "
                    "open it in the provided container (.devcontainer/, see the README, \"Installation\")",
    "ubuntu-22.04": "install Python 3.11: `sudo apt update && sudo apt install python3.11 python3.11-venv`, then run `make setup` again",
    "ubuntu": "install Python 3.12: `sudo apt update && sudo apt install python3.12 python3.12-venv`, then run `make setup` again",
    "debian": "install Python 3.11: `sudo apt update && sudo apt install python3.11 python3.11-venv` (Debian 12 or newer), then run `make setup` again",
    "fedora": "install Python 3.12: `sudo dnf install python3.12`, then run `make setup` again",
    "arch": "install Python: `sudo pacman -S python`, then run `make setup` again",
    "other": "install Python 3.11, 3.12 or 3.13 (python.org, pyenv or your system's package manager), "
             "or open the kit in the provided container (.devcontainer/, see the README)",
}

NONE_FOUND = "none"
NOT_RUNNABLE = "does not start"

# --- make setup ----------------------------------------------------------------------
SETUP = {
    "no_python": "No Python the kit can use (it needs Python 3.11, 3.12 or 3.13; found: {found}): {install}.",
    "python_not_runnable": "The requested Python ({python}) does not run: check the path given to PYTHON=.",
    "unsupported_platform": "This machine ({system}) is not supported directly: {install}.",
    "no_venv_module": "Python {version} cannot create a virtual environment (the venv/ensurepip module is missing): "
                      "`sudo apt install python{minor}-venv`, then run `make setup` again.",
    "venv_failed": "Creating .venv with {python} failed: {detail}",
    "starting": "Installing the kit's environment in .venv (Python {version}). "
                "First time: about {size} MB to download and a few minutes; after that, a few seconds.",
    "downloading": "  downloading: {what}",
    "install_failed": "Installing the packages failed ({installer}): {detail}\n"
                      "Nothing was kept: .venv has been removed. Check your network access (needed for this step only), "
                      "then run `make setup` again.",
    "uv_unavailable": "  (uv unavailable, installing with pip, which is slower: {detail})",
    "uv_failed_retry": "  (uv failed, trying again with pip: {detail})",
    "interrupted": "Installation interrupted: .venv has been removed; run `make setup` again to start over cleanly.",
    "import_failed": "The packages are installed, but TensorFlow does not load: {detail}\nRun `make doctor` to find out why.",
    "rebuilding": "  (.venv incomplete or made with another Python: rebuilding it from scratch)",
    "updating": "requirements.txt has changed: updating .venv (a few seconds)...",
    "ready": "Environment ready in {seconds} s. To use it in a terminal: source .venv/bin/activate",
    "up_to_date": "The .venv environment is already set up.",
}

# --- make doctor ---------------------------------------------------------------------
DOCTOR_TITLE = "Is this machine ready for the DVC workshop?"
DOCTOR_HEADER = ("Item", "Status", "Details, or how to fix")
DOCTOR_STATUS = {"ok": "OK", "fix": "TO FIX", "unknown": "?", "optional": "OPTIONAL"}
DOCTOR_ALL_GOOD = "Everything is ready for the workshop."
DOCTOR_TO_FIX = "{count} item(s) to fix before the workshop (right-hand column). Then run `make doctor` again."
DOCTOR_UNKNOWN = "{count} item(s) could not be measured (\"?\"): they do not block anything, but check them by hand."

DOCTOR = {
    # item names (first column)
    "python": "Python",
    "git": "git",
    "git_identity": "git identity",
    "make": "make",
    "disk": "Free disk space",
    "memory": "Memory",
    "cpu": "Processor",
    "venv": ".venv environment",
    "tensorflow": "TensorFlow",
    "dvc": "DVC",
    "ports": "Network ports",
    "write": "Write access to the kit",
    "sandbox": "Sandbox (make grade)",
    # details
    "python_ok": "{version} ({path})",
    "python_missing": "3.11, 3.12 or 3.13 needed (found: {found}): {install}",
    "git_ok": "version {version}",
    "git_missing": "git not found: install it (`sudo apt install git`, or `xcode-select --install` on macOS)",
    "git_old": "version {version}, too old (2.28 or later needed): update git",
    "identity_ok": "{name} <{email}>",
    "identity_missing": "git does not know who you are: git config --global user.name \"First Last\" "
                        "&& git config --global user.email \"you@example.com\"",
    "make_ok": "{version}",
    "make_missing": "make not found: `sudo apt install make`, or `xcode-select --install` on macOS",
    "disk_ok": "{free} GB free ({need} needed)",
    "disk_low": "{free} GB free, {need} needed: free up some space on this disk",
    "memory_ok": "{total} GB ({need} needed)",
    "memory_low": "{total} GB, at least {need} needed: close other programs, or use another machine",
    "unknown": "cannot be measured on this system",
    "cpu_ok": "{machine}",
    "cpu_ok_avx": "{machine}, with AVX",
    "cpu_no_avx": "{machine} without AVX instructions: TensorFlow cannot run on it; use a more recent machine",
    "cpu_unsupported": "{machine}: {install}",
    "venv_ok": "ready (Python {version})",
    "venv_missing": "not installed yet: run `make setup`",
    "venv_broken": "incomplete or broken: run `make setup` (it rebuilds it)",
    "after_setup": "to check after `make setup`",
    "tensorflow_ok": "version {version}, loads in {seconds} s",
    "tensorflow_crash": "TensorFlow crashes while loading ({detail}): run `make setup`; if it keeps happening, "
                        "use the container (.devcontainer/)",
    "dvc_ok": "version {version}",
    "dvc_failed": "`dvc version` failed ({detail}): run `make setup` again",
    "ports_ok": "free ({lab} for JupyterLab, {app} for the chapter 07 app)",
    "ports_busy": "port(s) {ports} already taken by another program: stop it, or pick another port "
                  "(`--port 8001` for uvicorn; `make lab` picks another one by itself)",
    "write_ok": "{path}",
    "write_denied": "cannot write to {path}: put the kit in a folder of your own (your home folder)",
    "sandbox_ok": "bubblewrap {version}: make grade runs the learners' code isolated",
    "sandbox_missing": "bubblewrap not installed: only the instructor needs it, for make grade "
                       "(`sudo apt install bubblewrap`)",
    "sandbox_broken": "bubblewrap cannot isolate here ({detail}): make grade will refuse, unless GRADE_UNSAFE=1",
    "sandbox_not_linux": "Linux only: on this system, make grade grades only with GRADE_UNSAFE=1 "
                         "(or in the container, .devcontainer/)",
}


# Numbers as the language writes them (12.5 GB).
DECIMAL_SEPARATOR = "."
