SELECT count(*) FROM sales WHERE ProductName RLIKE '(?i)^set of [0-9]'
