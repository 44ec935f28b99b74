"""Report email templates: the placeholder grammar, its checks, two-step filling, the
defaults in every language."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from shared.domain.report_emails import (
    DEFAULT_TEMPLATES,
    TemplateError,
    TemplateLimits,
    as_template,
    check_texts,
    finished_body,
    placeholders_in,
    render,
)
from shared.domain.reports import REGISTRY, report_named
from shared.domain.reports.amounts import dr_cr
from shared.domain.reports.labels import labels_for
from shared.languages import Language

LIMITS = TemplateLimits(subject_max_chars=200, body_max_chars=5000)
DEVANAGARI = re.compile("[\u0900-\u097f]")


def _codes(subject: str, body: str, report: str = "ledger") -> list[tuple[str, str]]:
    return [(p.field, p.code) for p in check_texts(report_named(report), subject, body, LIMITS)]


def test_placeholders_are_names_in_braces_and_doubled_braces_are_literal() -> None:
    assert placeholders_in("{ledger}: {{not}} {period} {ledger}") == ["ledger", "period"]
    assert render("{ledger} {{x}}", {"ledger": "Sharma"}) == "Sharma {x}"


@pytest.mark.parametrize(
    "text", ["{ledger", "ledger}", "{}", "{ledger:>10}", "{ledger!r}", "{0}", "{a.b}", "{ a }"]
)
def test_anything_else_in_braces_is_malformed(text: str) -> None:
    with pytest.raises(TemplateError) as raised:
        placeholders_in(text)
    assert raised.value.problems[0].code == "template_placeholder_malformed"
    assert _codes("Statement", text) == [("body", "template_placeholder_malformed")]


def test_unknown_placeholders_are_named() -> None:
    [problem] = check_texts(report_named("ledger"), "{ledger} {gstin}", "Hi", LIMITS)
    assert (problem.field, problem.code) == ("subject", "template_placeholder_unknown")
    assert "{gstin}" in problem.message and "{ledger}" in problem.message
    # The outstanding report has no ledger; a subject is written before any link exists.
    assert _codes("{ledger}", "{kind}", "outstanding") == [
        ("subject", "template_placeholder_unknown")
    ]
    assert _codes("{link_expiry}", "{link_expiry}") == [("subject", "template_placeholder_unknown")]


def test_subject_safety_and_lengths() -> None:
    assert _codes("Statement\r\nBcc: x@evil.com", "Hi") == [("subject", "subject_unsafe")]
    assert _codes(" ", "Hi") == [("subject", "template_empty")]
    assert _codes("x" * 201, "y" * 5001) == [
        ("subject", "template_too_long"),
        ("body", "template_too_long"),
    ]


def test_two_step_filling_keeps_only_the_link_expiry_and_never_reads_values() -> None:
    values = {"ledger": "{link_expiry} & {{Co}}", "company": "Shah"}
    kept = render("{ledger} of {company}, until {link_expiry}", values, keep={"link_expiry"})
    assert finished_body(kept, Language.EN, "12-12-2026 18:30 IST") == (
        "{link_expiry} & {{Co}} of Shah, until 12-12-2026 18:30 IST"
    )
    assert finished_body(as_template("typed {text}"), Language.EN, None) == "typed {text}"
    # Attached, not linked: the placeholder says so, in the email's language.
    assert finished_body("{link_expiry}", Language.MR, None) == labels_for(Language.MR).attached


@pytest.mark.parametrize(("report", "language"), sorted(DEFAULT_TEMPLATES))
def test_every_default_passes_the_checks_an_admin_template_passes(
    report: str, language: Language
) -> None:
    default = DEFAULT_TEMPLATES[(report, language)]
    assert check_texts(report_named(report), default.subject, default.body, LIMITS) == []
    written_in_devanagari = bool(DEVANAGARI.search(default.subject + default.body))
    assert written_in_devanagari == (language != Language.EN)


def test_every_report_has_a_default_in_every_language() -> None:
    assert set(DEFAULT_TEMPLATES) == {(r, lang) for r in REGISTRY for lang in Language}


def test_the_marathi_statement_reads_as_one() -> None:
    ledger = report_named("ledger")
    values = ledger.sample_email_values("श्री गणेश ट्रेडर्स", labels_for(Language.MR))
    default = DEFAULT_TEMPLATES[("ledger", Language.MR)]
    assert render(default.subject, values) == (
        "खाते उतारा: Arora Stores Pvt Ltd, 01-04-2026 ते 30-06-2026"
    )
    body = render(default.body, values, keep={"link_expiry"})
    assert "अखेरची शिल्लक ₹12,34,567.00 नावे आहे" in body
    assert body.endswith("आपले विश्वासू,\nश्री गणेश ट्रेडर्स")


def test_balances_in_each_language_keep_latin_digits_and_indian_grouping() -> None:
    for language, debit, credit in (
        (Language.EN, "Dr", "Cr"),
        (Language.MR, "नावे", "जमा"),
        (Language.HI, "नामे", "जमा"),
    ):
        labels = labels_for(language)
        assert dr_cr(Decimal("1234567"), labels.debit, labels.credit) == f"12,34,567.00 {debit}"
        assert dr_cr(Decimal("-100"), labels.debit, labels.credit) == f"100.00 {credit}"
