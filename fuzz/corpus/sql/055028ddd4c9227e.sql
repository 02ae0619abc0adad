SELECT id, s FROM types ORDER BY s, id
