SELECT count(*) FROM sales WHERE ProductName RLIKE '^[A-C].*Bag$'
