"""`python -m scheduler_service`: run the scheduler worker until SIGTERM."""

from shared.infra.entrypoint import run_worker_service

from .bootstrap import build_worker

if __name__ == "__main__":
    run_worker_service("scheduler-service", lambda infra: build_worker(infra)[0])
