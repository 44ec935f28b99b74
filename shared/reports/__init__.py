"""Report definitions shared by the gateway's validation and the export-service's renderers."""

from .definitions import (
    REPORTS,
    LedgerParams,
    ReportDefinition,
    ReportParamError,
    download_name,
    resolve_ledger_name,
    validate_params,
)

__all__ = [
    "REPORTS",
    "LedgerParams",
    "ReportDefinition",
    "ReportParamError",
    "download_name",
    "resolve_ledger_name",
    "validate_params",
]
