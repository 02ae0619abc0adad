SELECT sum(i8), sum(i16), sum(i32), min(i64), max(i64), sum(f32), sum(f64), min(d), max(d), sum(d) FROM types WHERE id IN (1, 4, 6)
