SELECT as_int, as_timestamp FROM nested
