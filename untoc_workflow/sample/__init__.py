"""The bundled sample mechanism: 189 Parties, cluster 1 in three groups, and an event log
calibrated on the secretariat's 2024 background paper (see generate.py for every choice).

`SAMPLE_FILE` is committed, so `untoc demo` needs no generation step; regenerate it with
`python -m untoc_workflow.sample.generate`.
"""

from datetime import date
from pathlib import Path

SAMPLE_FILE = Path(__file__).with_name("mechanism.json")
SAMPLE_AS_OF = date(2024, 4, 16)  # the date of the paper the sample reproduces

__all__ = ["SAMPLE_AS_OF", "SAMPLE_FILE"]
