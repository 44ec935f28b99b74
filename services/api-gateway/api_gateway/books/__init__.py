"""The host application's books sync: ledgers, vouchers and bills by its own ids."""
