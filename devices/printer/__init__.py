"""printer device: contract, driver, simulator."""
