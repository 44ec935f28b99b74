"""The party email directory (CRUD, CSV import and export, lookup) and the ledger picker."""
