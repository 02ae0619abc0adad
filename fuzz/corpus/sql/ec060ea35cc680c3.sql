SELECT regexp_extract('2019-12-09', '([0-9]{4})-([0-9]{2})', 2), regexp_extract('abc', 'x(y)', 1), regexp_extract('abc123', '[0-9]+', 0)
