"""Export jobs: submit, poll, list and download, and the public signed file links of emails."""
