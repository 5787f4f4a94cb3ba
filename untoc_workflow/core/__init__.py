"""The pure core: events + definition + date -> review states and due notifications.

It never reads the clock and never imports prefect, sqlmodel, sqlalchemy or apprise.
"""

from .derive import (
    EventIndex,
    MechanismFold,
    fold_mechanism,
    index_events,
    mechanism_states,
    review_state,
)
from .focal_points import FocalPointRoll, focal_points_on
from .model import Event, Mission, Party, Person, Review, ReviewerAssignment, Snapshot
from .state import Deadline, DueNotification, ReviewState, StepState

__all__ = [
    "Deadline",
    "DueNotification",
    "Event",
    "EventIndex",
    "FocalPointRoll",
    "MechanismFold",
    "Mission",
    "Party",
    "Person",
    "Review",
    "ReviewState",
    "ReviewerAssignment",
    "Snapshot",
    "StepState",
    "fold_mechanism",
    "focal_points_on",
    "index_events",
    "mechanism_states",
    "review_state",
]
