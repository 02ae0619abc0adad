SELECT id, b, i8, i16, i32, i64 FROM types WHERE id < 4
