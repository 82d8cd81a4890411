"""Real services started by the test run (not mocks): helpers any test suite can load."""
