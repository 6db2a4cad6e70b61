pytest_plugins = ["realmid.testing.pytest_plugin"]
