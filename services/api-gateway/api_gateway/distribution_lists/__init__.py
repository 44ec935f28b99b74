"""Internal distribution lists: the tenant's saved To/CC/BCC sets for internal-only reports."""
