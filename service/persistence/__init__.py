"""Tables, queries and schema management. Only usecases/ and cli.py import from here."""
