"""UNTOC Review Mechanism workflow: declared process, event log, deadlines, reminders, reports."""

__version__ = "0.1.0"
