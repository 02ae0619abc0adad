SELECT col1, col2 FROM nested
