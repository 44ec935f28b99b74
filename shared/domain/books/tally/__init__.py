"""Tally XML exports (TallyPrime, Tally.ERP 9): masters and Day Book, read as they stream.

`stream` turns a file into XML a safe parser can read (UTF-16 or UTF-8, Tally's stray
control-character references dropped, no DTD or entities); `masters` reads groups and
ledgers, `daybook` vouchers and their bill allocations, `importer` feeds them through the
same upsert path as the host API (`shared.domain.books`).
"""
