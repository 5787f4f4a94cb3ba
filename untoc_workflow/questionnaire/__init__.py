"""Questionnaires answered online: XLSForm workbooks attached to a process's steps, answered
in the portal, read by the reviewers, counted by the secretariat, published with consent
(shared/contracts/questionnaire.md)."""
