"""camera device: contract, driver, simulator."""
