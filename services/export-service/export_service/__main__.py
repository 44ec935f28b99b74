"""`python -m export_service`: run the export worker until SIGTERM."""

from shared.infra.entrypoint import run_worker_service

from .bootstrap import build_worker

if __name__ == "__main__":
    run_worker_service("export-service", lambda infra: build_worker(infra)[0])
