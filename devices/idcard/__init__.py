"""idcard device: contract, driver, simulator."""
