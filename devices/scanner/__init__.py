"""scanner device: contract, driver, simulator."""
