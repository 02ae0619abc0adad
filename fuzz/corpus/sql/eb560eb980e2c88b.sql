SELECT id, i32 * 2, i8 + i8 FROM types WHERE id IN (2, 3)
