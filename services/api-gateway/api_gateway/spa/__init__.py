"""Serves the single-page app (its files live in `api_gateway/web/`) and the development sign-in."""
