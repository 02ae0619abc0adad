SELECT as_int FROM nested WHERE as_int IS NULL OR as_string > '7'
