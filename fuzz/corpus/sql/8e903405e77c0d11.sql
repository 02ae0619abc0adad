SELECT i32 + i64, i8 * i16, i32 / 2, f32 + f64, d + 1, d * 2 FROM types WHERE id IN (1, 4, 6)
