SELECT id FROM types WHERE d > 10 AND d < 100
