"""The secretariat's status report for any date: figures, charts, exports, forecasts."""

from .status import status_report

__all__ = ["status_report"]
