"""Carry the top-level forms/, reports/ and resources/ folders into the wheel.

The design card keeps them beside the package; installed programs find them
under wuyedesk/_data/ (see wuyedesk/paths.py).
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA_DIRS = ("forms", "reports", "resources")


class BuildWithData(build_py):
    """build_py that also copies the data folders into the built package."""

    def run(self) -> None:
        super().run()
        root = Path(__file__).parent
        target = Path(self.build_lib) / "wuyedesk" / "_data"
        for name in DATA_DIRS:
            src = root / name
            if src.is_dir():
                shutil.copytree(src, target / name, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithData})
