SELECT abs(i32), abs(f64), floor(d), ceil(d), round(d, 1), sqrt(abs(f64)) FROM types WHERE id <> 2
