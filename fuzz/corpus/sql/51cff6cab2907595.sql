SELECT * FROM types
