"""`python -m mail_service`: run the mail worker until SIGTERM."""

from shared.infra.entrypoint import run_worker_service

from .bootstrap import build_worker

if __name__ == "__main__":
    run_worker_service("mail-service", lambda infra: build_worker(infra)[0])
