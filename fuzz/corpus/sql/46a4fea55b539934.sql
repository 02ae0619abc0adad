SELECT a, b FROM nested
