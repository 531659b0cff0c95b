"""The DuckDB warehouse: schema, the one module that talks to DuckDB, analyst views."""
