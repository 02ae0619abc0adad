SELECT as_int, as_long, as_byte, as_short, as_boolean, as_float, as_double, as_string, as_binary, as_big_decimal FROM nested
