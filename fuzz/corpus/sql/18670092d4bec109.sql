SELECT col1 * 2, col2 + col1, -col3 FROM nested
