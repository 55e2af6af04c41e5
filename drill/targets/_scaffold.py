"""`target new NAME`: the skeleton adapter's source, renamed for the user's shop."""

from __future__ import annotations

import keyword
import re
from importlib import resources

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def skeleton_source(name: str) -> str:
    """The commented skeleton adapter as Python source, its class and name set to `name`."""
    if not _NAME.match(name) or keyword.iskeyword(name):
        raise ValueError(f"target name {name!r} must be a lowercase identifier "
                         "(letters, digits, _; starting with a letter), e.g. my_shop")
    text = resources.files("drill.targets").joinpath("skeleton.py").read_text(encoding="utf-8")
    camel = "".join(part.capitalize() for part in name.split("_") if part)
    text = text.replace("SkeletonAdapter", f"{camel}Adapter")
    return text.replace('name: ClassVar[str] = "skeleton"', f'name: ClassVar[str] = "{name}"')
