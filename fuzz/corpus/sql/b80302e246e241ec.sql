SELECT as_string, value FROM nested WHERE as_int = 1 AND as_date = DATE '2021-09-08'
