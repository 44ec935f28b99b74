"""Balance confirmations: the party's public page (`public_routes.py`, `public.py`,
`page.py`) and the web app's API (`routes.py`): lists, reminders and exports."""
