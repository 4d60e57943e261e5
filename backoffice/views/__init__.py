"""The officials' case work in the admin: the case page, one page per action, the director's
approval queue and the dashboard.

Rich in presentation, empty of rules (STYLE.md 2.11): every button calls one service of
procedures.services, and what the service refuses (a DomainError, in Spanish) is shown as it is.
"""

from backoffice.views.actions import (
    ACTIONS,
    ACTIONS_BY_KEY,
    case_action_view,
    offered_actions,
)
from backoffice.views.approvals import approval_queue, approval_queue_view
from backoffice.views.case_page import (
    case_document_view,
    case_page_context,
    case_pdf_view,
    receive_case_view,
)
from backoffice.views.common import (
    UNDECIDED_STATES,
    KeysFirstPaginator,
    case_url,
    load_case,
    refused,
    scope_refusal,
)
from backoffice.views.dashboard import dashboard_context, dashboard_view
from backoffice.views.inscription import assisted_inscription_view
from backoffice.views.petitions import answer_petition_view, close_referral_view
from procedures.selectors import scope_cases

__all__ = [
    "KeysFirstPaginator",
    "ACTIONS",
    "ACTIONS_BY_KEY",
    "UNDECIDED_STATES",
    "answer_petition_view",
    "approval_queue",
    "assisted_inscription_view",
    "approval_queue_view",
    "case_action_view",
    "case_document_view",
    "case_page_context",
    "case_pdf_view",
    "case_url",
    "close_referral_view",
    "dashboard_context",
    "dashboard_view",
    "load_case",
    "offered_actions",
    "receive_case_view",
    "refused",
    "scope_cases",
    "scope_refusal",
]
