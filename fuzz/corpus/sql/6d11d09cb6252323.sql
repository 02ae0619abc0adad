SELECT id FROM types WHERE bin = X'0001' OR bin = X'FF'
