SELECT id, f32, f64, d, dl FROM types
