"""Package discovery only (everything else is in pyproject.toml): the code packages, plus the top-level
assets/ and config/ folders shipped as the packages heyuan_assets and heyuan_config."""

from setuptools import find_namespace_packages, setup

setup(packages=find_namespace_packages(include=["kiosk*", "drivers*", "office*"]) + ["heyuan_assets", "heyuan_config"])
