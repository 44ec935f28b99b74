"""Report definitions shared by the gateway's validation and the export-service's renderers."""

from .ageing import AGEING_BUCKETS, BUCKET_LABELS, ageing_bucket, days_overdue
from .definitions import (
    FORMATS,
    REPORTS,
    LedgerParams,
    OutstandingParams,
    ReportDefinition,
    ReportParamError,
    download_name,
    resolve_ledger_name,
    validate_params,
)

__all__ = [
    "AGEING_BUCKETS",
    "BUCKET_LABELS",
    "FORMATS",
    "REPORTS",
    "LedgerParams",
    "OutstandingParams",
    "ReportDefinition",
    "ReportParamError",
    "ageing_bucket",
    "days_overdue",
    "download_name",
    "resolve_ledger_name",
    "validate_params",
]
