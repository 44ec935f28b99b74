"""The host application's books: ledgers, vouchers and bills synced by its own ids.

One path for every way books come in (the API's sync routes, the Tally import): rows are
checked one by one (`rows`), then each kind is applied in bulk inside the caller's
transaction (`ledgers`, `vouchers`, `bills`), counting what was applied, unchanged or
deleted and reporting bad rows by line without stopping the good ones.
"""
