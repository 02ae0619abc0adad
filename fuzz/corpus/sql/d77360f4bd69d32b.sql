SELECT sum(col1), min(col2), max(col3), count(*) FROM nested WHERE part > 0
