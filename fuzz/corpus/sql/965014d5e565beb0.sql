SELECT id, b, i8 FROM types ORDER BY b, i8 DESC
