"""`python -m untoc_workflow.mechanism_file` regenerates schemas/mechanism-file.schema.json."""

from .schema import write_schema

print(write_schema())
