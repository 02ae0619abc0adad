SELECT as_int, as_long, as_byte, as_short, as_boolean, as_float, as_double, as_string, as_string_lit_null, as_date, as_big_decimal, value FROM nested
