SELECT i, a, b, c, d, e, f FROM nested
