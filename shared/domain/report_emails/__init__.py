"""Report emails that read like a letter, in the reader's language.

Per report and language a subject and a body template with `{placeholder}`s: the defaults
(`defaults.py`), a tenant's own (`store.py`, edited by admins), the grammar and its checks
(`templates.py`), and the texts of one email (`texts.py`).
"""

from shared.domain.report_emails.defaults import DEFAULT_TEMPLATES, TemplateText, default_template
from shared.domain.report_emails.store import (
    BODY_ONLY,
    CONFIRMATION_REQUEST,
    LINK_EXPIRY,
    StoredTemplate,
    TemplateLimits,
    check_texts,
    reset_template,
    save_template,
    subject_placeholders,
    tenant_template,
    tenant_templates,
)
from shared.domain.report_emails.templates import (
    TemplateError,
    TemplateProblem,
    as_template,
    check_template,
    placeholders_in,
    render,
)
from shared.domain.report_emails.texts import (
    ReportEmailTexts,
    email_values,
    finished_body,
    link_expiry_text,
    recipient_language,
    report_email_texts,
)

__all__ = [
    "BODY_ONLY",
    "CONFIRMATION_REQUEST",
    "DEFAULT_TEMPLATES",
    "LINK_EXPIRY",
    "ReportEmailTexts",
    "StoredTemplate",
    "TemplateError",
    "TemplateLimits",
    "TemplateProblem",
    "TemplateText",
    "as_template",
    "check_template",
    "check_texts",
    "default_template",
    "email_values",
    "finished_body",
    "link_expiry_text",
    "placeholders_in",
    "recipient_language",
    "render",
    "report_email_texts",
    "reset_template",
    "save_template",
    "subject_placeholders",
    "tenant_template",
    "tenant_templates",
]
