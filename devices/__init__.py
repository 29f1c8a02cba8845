"""Device drivers (real wire protocols) and simulators (the same bytes on a pty, socket or file)."""
