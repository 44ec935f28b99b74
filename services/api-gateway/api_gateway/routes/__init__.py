"""HTTP routes, one module per area; each route validates, authorises and calls one function."""
