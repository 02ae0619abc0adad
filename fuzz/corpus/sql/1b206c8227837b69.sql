SELECT i8 + 1, i16 + 1, i32 + 1, i64 - 1 FROM types WHERE id IN (1, 4, 6)
