"""The Mechanism around the reviews: parties, the drawing of lots, redraws, clusters and
Conference decisions (rules in process_defs/mechanism.yaml and process_defs/decisions/)."""

from .clusters import ClusterStatus, Threshold, cluster_status, late_joiner_reviews, threshold_on
from .decide import Cancellation, DeadlineMove, DecisionPlan, Kept, PendingNotice, plan_decision
from .decisions import Decision, load_decision, load_decisions, parse_decision
from .definition import MechanismDefinition, load_mechanism, parse_mechanism
from .draw import ClusterDraw, DrawImpossible, Lot, draw_cluster, draw_reviewers
from .parties import regional_group_of, un_member_states, with_regional_groups
from .redraw import Redraw, redraw

__all__ = [
    "Cancellation",
    "ClusterDraw",
    "ClusterStatus",
    "DeadlineMove",
    "Decision",
    "DecisionPlan",
    "DrawImpossible",
    "Kept",
    "Lot",
    "MechanismDefinition",
    "PendingNotice",
    "Redraw",
    "Threshold",
    "cluster_status",
    "draw_cluster",
    "draw_reviewers",
    "late_joiner_reviews",
    "load_decision",
    "load_decisions",
    "load_mechanism",
    "parse_decision",
    "parse_mechanism",
    "plan_decision",
    "redraw",
    "regional_group_of",
    "threshold_on",
    "un_member_states",
    "with_regional_groups",
]
