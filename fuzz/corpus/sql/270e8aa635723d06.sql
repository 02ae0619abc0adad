SELECT as_array_int, as_array_long, as_array_string, as_array_binary, as_array_big_decimal FROM nested
