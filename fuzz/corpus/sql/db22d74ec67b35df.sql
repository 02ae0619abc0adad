SELECT try_cast(s AS INT), try_cast(s AS DOUBLE) FROM types
