"""Where the trained model ships: `indexer/extract/model/` (written by `quotes train`)."""

from pathlib import Path

MODEL_DIR = Path(__file__).parent / "model"
