"""LightGBM, imported without its optional integrations.

`import lightgbm` also imports pandas, scikit-learn and dask when they are installed (for data frames
and the scikit-learn estimators, which this project does not use): about a second and 100 MB in every
extraction process. They are hidden from it while it loads, unless something already imported them;
other code can import them afterwards as usual. (LightGBM's scikit-learn estimators then see no
scikit-learn in this process.)
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any

_OPTIONAL = ("pandas", "sklearn", "dask", "matplotlib", "graphviz", "pyarrow", "cffi", "datatable")


def lightgbm() -> Any:
    if "lightgbm" in sys.modules:
        return sys.modules["lightgbm"]
    hidden = [name for name in _OPTIONAL if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` fail fast
    try:
        import lightgbm as module
    finally:
        for name in hidden:
            sys.modules.pop(name, None)
    assert isinstance(module, ModuleType)
    return module
