"""Bank card terminal (UnionPay MIS-POS) driven over a serial line."""
