"""Import the sample generator, a script in examples/ that is not part of a package."""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@cache
def sample_generator() -> ModuleType:
    """Return examples/generate_sample.py as a module, imported once per test process."""
    spec = importlib.util.spec_from_file_location("generate_sample", EXAMPLES / "generate_sample.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
