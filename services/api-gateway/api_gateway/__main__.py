"""`python -m api_gateway`: serve the HTTP API with uvicorn until SIGTERM."""

import uvicorn

from shared.entrypoint import load_settings_or_exit

from .app import create_app

if __name__ == "__main__":
    settings = load_settings_or_exit("api-gateway")
    uvicorn.run(
        create_app(settings),
        host=settings.gateway_host,
        port=settings.gateway_port,
        log_config=None,  # our JSON logging is already configured
        proxy_headers=True,
    )
