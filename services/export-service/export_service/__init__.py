"""export-service: renders reports to files in the background and announces when they are done."""
