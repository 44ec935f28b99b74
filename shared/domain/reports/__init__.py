"""Report definitions: one per report, in a registry every service consults.

A `ReportDefinition` owns everything report-specific (parameters, source SQL and rows, columns,
schedule periods, recipient policy, email texts, file name); see `definitions.py`. The built-in
reports are `ledger.py` and `outstanding.py`, their SQL in `*_source.py`; `registry.py` maps a
name to its definition; `document.py` is the shape the export-service's writers draw.
"""

from shared.domain.reports.ageing import (
    DEFAULT_BUCKETS,
    AgeingBuckets,
    AgeingEdgesError,
    check_edges,
    days_overdue,
)
from shared.domain.reports.definitions import (
    FORMATS,
    EmailRequest,
    ParamsContext,
    RecipientPolicy,
    ReportDefinition,
    ReportParamError,
)
from shared.domain.reports.document import (
    CellValue,
    Column,
    ColumnKind,
    CsvCopy,
    DocumentHeader,
    Letterhead,
    PartyDetails,
    ReportSource,
    Row,
    RowStyle,
)
from shared.domain.reports.ledger import LedgerParams, resolve_ledger_name
from shared.domain.reports.outstanding import OutstandingParams
from shared.domain.reports.registry import (
    REGISTRY,
    AnyReport,
    ReportName,
    download_name,
    register,
    report_named,
    schedule_params_summary,
    unregister,
    validate_params,
)

__all__ = [
    "DEFAULT_BUCKETS",
    "FORMATS",
    "REGISTRY",
    "AgeingBuckets",
    "AgeingEdgesError",
    "AnyReport",
    "CellValue",
    "Column",
    "ColumnKind",
    "CsvCopy",
    "DocumentHeader",
    "EmailRequest",
    "LedgerParams",
    "Letterhead",
    "OutstandingParams",
    "ParamsContext",
    "PartyDetails",
    "RecipientPolicy",
    "ReportDefinition",
    "ReportName",
    "ReportParamError",
    "ReportSource",
    "Row",
    "RowStyle",
    "check_edges",
    "days_overdue",
    "download_name",
    "register",
    "report_named",
    "resolve_ledger_name",
    "schedule_params_summary",
    "unregister",
    "validate_params",
]
