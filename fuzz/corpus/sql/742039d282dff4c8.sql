SELECT count(*), count(as_int), sum(as_long), max(as_double), min(as_string), sum(as_big_decimal) FROM nested
