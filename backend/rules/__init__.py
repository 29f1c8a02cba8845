"""Business rules of the reference back end, one module per domain, free of SOAP and SQL.

Each module takes plain values (dates, Decimals, small dataclasses) and answers plainly, so
the rules can be read against ../shared/DOMAIN.md and tested without a server.
"""
