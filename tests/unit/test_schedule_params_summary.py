"""The schedule body's `params` documentation is written from the report registry."""

from shared.domain.reports import schedule_params_summary


def test_each_report_names_its_saved_schedule_params() -> None:
    assert schedule_params_summary() == (
        'Ledger: `{"ledger", "period", "n"?}`; outstanding: `{"kind"}`; '
        'confirmations: `{"period", "n"?, "status"?}`.'
    )
