SELECT part, col1, col2, col3 FROM nested
