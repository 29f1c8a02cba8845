"""permit device: contract, driver, simulator."""
