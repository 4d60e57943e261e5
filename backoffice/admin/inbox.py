"""The body of the officials' inbox, written row by row from CaseAdmin's own column methods.

Django's ``{% result_list %}`` tag looks every cell up through ``lookup_field`` and
``display_for_value`` and builds it with two or three ``format_html`` calls: for 50 rows and 9
columns, more CPU than the rest of the page together. Here each row is one string built from the
same column methods, with the markup the admin's CSS and JavaScript expect: the action checkbox,
the first column a ``<th>`` linking to the case page (filters preserved), ``field-<name>``
classes. The headers stay Django's (``result_headers``), so sorting is untouched.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.templatetags.admin_list import result_headers
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.views.main import ChangeList
from django.urls import reverse
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

KEY = "0rutcasekey0"


def inbox_table(cl: ChangeList) -> dict[str, Any]:
    """The context of admin/procedures/case/inbox_results.html: headers, and the rows' HTML."""
    headers = list(result_headers(cl))
    return {
        "inbox_headers": headers,
        "inbox_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "inbox_rows": _rows(cl),
    }


def _rows(cl: ChangeList) -> SafeString:
    admin: Any = cl.model_admin
    names = [str(name) for name in cl.list_display if name != "action_checkbox"]
    columns = [(name, getattr(admin, name)) for name in names]
    with_checkbox = "action_checkbox" in cl.list_display
    select_label = _("Select this object for an action - {}")
    # One reverse() for the page: the case's key goes where the placeholder is.
    preserved: dict[str, Any] = {"preserved_filters": cl.preserved_filters, "opts": cl.opts}
    link = add_preserved_filters(preserved, reverse("admin:procedures_case_change", args=[KEY]))
    before, after = (conditional_escape(part) for part in link.split(KEY, 1))
    (first_name, first), rest = columns[0], columns[1:]
    html: list[str] = []
    for case in cl.result_list:
        html.append("<tr>")
        if with_checkbox:
            # The label names the case as str(case) does, without translating every case type.
            label = select_label.format(f"{case.number} {admin.case_type_label(case)}")
            html.append(
                f'<td class="action-checkbox"><input type="checkbox" name="{ACTION_CHECKBOX_NAME}"'
                f' value="{case.pk}" class="action-select" aria-label="{escape(label)}"></td>'
            )
        html.append(
            f'<th class="field-{first_name}"><a href="{before}{case.pk}{after}">'
            f"{conditional_escape(first(case))}</a></th>"
        )
        for name, column in rest:
            html.append(f'<td class="field-{name}">{conditional_escape(column(case))}</td>')
        html.append("</tr>\n")
    return mark_safe("".join(html))  # noqa: S308 -- every value above is escaped
