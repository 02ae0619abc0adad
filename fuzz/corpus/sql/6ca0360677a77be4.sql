SELECT as_array_int[0], as_array_string[0], size(as_array_double), as_array_boolean FROM nested
